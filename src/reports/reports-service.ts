import { DateTime } from 'luxon';
import type { Catalogue } from '../catalogue/index.js';
import { ZONE, type Clock } from '../platform/clock.js';
import type { Database } from '../platform/db.js';
import { ValidationError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import * as repo from './reports-repository.js';
import { buildCsv, buildXlsx } from './reports-export.js';
import { FIRST_DAY, isCalendarDay, LAST_DAY } from '../platform/input-schemas.js';

/** Counts that add up across hotlines; ratios are derived from them, never averaged. */
export interface CallCounts {
  offered: number;
  answered: number;
  answeredInTarget: number;
  selfServed: number;
  abandonedInIvr: number;
  abandonedInQueue: number;
  shortAbandons: number;
  callbacksRequested: number;
  callbacksCompleted: number;
  queueSecondsAnswered: number;
  talkSeconds: number;
  inProgress: number;
  /** Outcomes agents recorded for these calls. */
  consultations: number;
  completedByPhone: number;
}

/** Booking figures, by the department of the booked service (they belong to no hotline). */
export interface BookingCounts {
  /** Bookings (not cancelled) for the period's days, by the channel they came through. */
  bookingsPhone: number;
  bookingsIvr: number;
  bookingsWeb: number;
  bookingsWechat: number;
  bookingsWalkIn: number;
  /** Places in the open slots of the period's days, and how many are booked. */
  slotCapacity: number;
  slotBooked: number;
  noShows: number;
}

/** One row of a report: counts plus the ratios derived from them. */
export interface StatsRow extends CallCounts {
  /** Answered within the target / (answered + abandoned in queue after the short-abandon threshold); null with no queued calls. */
  serviceLevel: number | null;
  /** Average speed of answer: mean seconds in queue of answered calls. */
  asaSeconds: number | null;
  /** Average handling time: mean talk seconds of answered calls. */
  ahtSeconds: number | null;
}

export interface HotlineStats extends StatsRow {
  hotline: string;
  hotlineName: string;
  hallName: string;
  departmentId: string;
  departmentName: string;
}

export interface DepartmentStats extends StatsRow, BookingCounts {
  /** Booked places ÷ places, null without slots. */
  capacityUse: number | null;
  departmentId: string;
  departmentName: string;
  hallName: string;
}

/** Statistics of one period: per hotline (all 27, zeros included), per department and in total. */
export interface PeriodReport {
  from: string;
  to: string;
  serviceLevelSeconds: number;
  shortAbandonSeconds: number;
  byHotline: HotlineStats[];
  byDepartment: DepartmentStats[];
  total: StatsRow & BookingCounts & { capacityUse: number | null };
}

export interface ReportsService {
  /** Statistics of the days from `from` to `to` inclusive (YYYY-MM-DD, Asia/Shanghai). */
  period(from: string, to: string): Promise<PeriodReport>;
  /**
   * Makes the day's CSV and XLSX exports, and stores them when the day is over (a re-run
   * replaces them, so a day can be remade); today's or a future day's are made, never stored.
   */
  exportDay(day: string): Promise<{ csv: Buffer; xlsx: Buffer; report: PeriodReport }>;
  /** The stored export of a finished day, if made (never one for today or later). */
  storedExport(day: string, format: 'csv' | 'xlsx'): Promise<Buffer | undefined>;
  /** Days among the last `days` (before today) without an export, oldest first. */
  missingDays(days: number): Promise<string[]>;
  /** The day before today in Asia/Shanghai. */
  yesterday(): string;
  /** The sentence the bureau quotes: 自…以来，累计接听来电…次。 */
  cumulativeSentence(report: PeriodReport): string;
}

export interface ReportsDeps {
  db: Database;
  catalogue: Catalogue;
  clock: Clock;
  logger: Logger;
  serviceLevelSeconds: number;
  shortAbandonSeconds: number;
}

const zero = (): CallCounts => ({
  offered: 0,
  answered: 0,
  answeredInTarget: 0,
  selfServed: 0,
  abandonedInIvr: 0,
  abandonedInQueue: 0,
  shortAbandons: 0,
  callbacksRequested: 0,
  callbacksCompleted: 0,
  queueSecondsAnswered: 0,
  talkSeconds: 0,
  inProgress: 0,
  consultations: 0,
  completedByPhone: 0,
});

const zeroBookings = (): BookingCounts => ({
  bookingsPhone: 0,
  bookingsIvr: 0,
  bookingsWeb: 0,
  bookingsWechat: 0,
  bookingsWalkIn: 0,
  slotCapacity: 0,
  slotBooked: 0,
  noShows: 0,
});

const bookingKeys = Object.keys(zeroBookings()) as Array<keyof BookingCounts>;
const channelKey: Record<string, keyof BookingCounts> = { phone: 'bookingsPhone', ivr: 'bookingsIvr', web: 'bookingsWeb', wechat: 'bookingsWechat', walk_in: 'bookingsWalkIn' };
const capacityUse = (b: BookingCounts) => (b.slotCapacity > 0 ? b.slotBooked / b.slotCapacity : null);

const countKeys = Object.keys(zero()) as Array<keyof CallCounts>;

function add(into: CallCounts, counts: CallCounts): void {
  for (const key of countKeys) into[key] += counts[key];
}

/** Derives the ratios of a row from its counts. */
export function withRatios<T extends CallCounts>(counts: T): T & StatsRow {
  const queued = counts.answered + counts.abandonedInQueue;
  return {
    ...counts,
    serviceLevel: queued > 0 ? counts.answeredInTarget / queued : null,
    asaSeconds: counts.answered > 0 ? counts.queueSecondsAnswered / counts.answered : null,
    ahtSeconds: counts.answered > 0 ? counts.talkSeconds / counts.answered : null,
  };
}

export function createReportsService(deps: ReportsDeps): ReportsService {
  const { db, catalogue, clock } = deps;
  const log = deps.logger.child({ component: 'reports' });

  /** Whether a day is over in Shuangyashan: only then are its figures final. */
  const isFinished = (day: string) => day < DateTime.fromJSDate(clock.now(), { zone: ZONE }).toISODate()!;

  function bounds(from: string, to: string): { start: Date; end: Date } {
    for (const [field, value] of [['from', from], ['to', to]] as const) {
      if (!isCalendarDay(value)) throw new ValidationError(`${field} must be a date as YYYY-MM-DD between ${FIRST_DAY} and ${LAST_DAY}`);
    }
    if (to < from) throw new ValidationError('to must not be before from');
    return {
      start: DateTime.fromISO(from, { zone: ZONE }).startOf('day').toJSDate(),
      end: DateTime.fromISO(to, { zone: ZONE }).plus({ days: 1 }).startOf('day').toJSDate(),
    };
  }

  async function period(from: string, to: string): Promise<PeriodReport> {
    const { start, end } = bounds(from, to);
    const [calls, callbacks, outcomes, bookingsMade, slotUse] = await Promise.all([
      repo.countCalls(db, start, end, deps.serviceLevelSeconds, deps.shortAbandonSeconds),
      repo.countCompletedCallbacks(db, start, end),
      repo.countOutcomes(db, start, end),
      repo.countBookingsByChannel(db, from, to),
      repo.countSlotUse(db, from, to),
    ]);
    const byNumber = new Map(calls.map((row) => [row.hotline_number, row]));
    const completed = new Map(callbacks.map((row) => [row.hotline_number, row.completed]));
    const outcomesOf = new Map(outcomes.map((row) => [row.hotline_number, row]));
    const departments = new Map<string, DepartmentStats>();
    // Every department has a row, with or without a hotline of its own: bookings are by service.
    for (const hall of catalogue.halls) {
      for (const d of hall.departments) {
        departments.set(d.id, { ...withRatios(zero()), ...zeroBookings(), capacityUse: null, departmentId: d.id, departmentName: d.name, hallName: hall.name });
      }
    }
    for (const row of bookingsMade) {
      const department = departments.get(row.department_id);
      const key = channelKey[row.channel];
      if (department && key) department[key] += row.bookings;
    }
    for (const row of slotUse) {
      const department = departments.get(row.department_id);
      if (!department) continue;
      department.slotCapacity += row.capacity;
      department.slotBooked += row.booked;
      department.noShows += row.no_shows;
    }
    const total = zero();
    const totalBookings = zeroBookings();
    for (const department of departments.values()) for (const key of bookingKeys) totalBookings[key] += department[key];
    const byHotline = catalogue.hotlines.map((hotline) => {
      const raw = byNumber.get(hotline.number);
      const counts: CallCounts = raw
        ? {
            offered: raw.offered,
            answered: raw.answered,
            answeredInTarget: raw.answered_in_target,
            selfServed: raw.self_served,
            abandonedInIvr: raw.abandoned_in_ivr,
            abandonedInQueue: raw.abandoned_in_queue,
            shortAbandons: raw.short_abandons,
            callbacksRequested: raw.callbacks_requested,
            callbacksCompleted: completed.get(hotline.number) ?? 0,
            queueSecondsAnswered: raw.queue_seconds_answered,
            talkSeconds: raw.talk_seconds,
            inProgress: raw.in_progress,
            consultations: outcomesOf.get(hotline.number)?.consultations ?? 0,
            completedByPhone: outcomesOf.get(hotline.number)?.completed_by_phone ?? 0,
          }
        : {
            ...zero(),
            callbacksCompleted: completed.get(hotline.number) ?? 0,
            consultations: outcomesOf.get(hotline.number)?.consultations ?? 0,
            completedByPhone: outcomesOf.get(hotline.number)?.completed_by_phone ?? 0,
          };
      const place = catalogue.department(hotline.department);
      const departmentName = place?.department.name ?? hotline.department;
      const hallName = place?.hall.name ?? hotline.hall;
      const department = departments.get(hotline.department);
      if (department) add(department, counts);
      add(total, counts);
      return withRatios({ ...counts, hotline: hotline.number, hotlineName: hotline.name, hallName, departmentId: hotline.department, departmentName });
    });
    return {
      from,
      to,
      serviceLevelSeconds: deps.serviceLevelSeconds,
      shortAbandonSeconds: deps.shortAbandonSeconds,
      byHotline,
      byDepartment: [...departments.values()].map((d) => ({ ...withRatios(d), capacityUse: capacityUse(d) })),
      total: { ...withRatios(total), ...totalBookings, capacityUse: capacityUse(totalBookings) },
    };
  }

  return {
    period,
    async exportDay(day) {
      const report = await period(day, day);
      const csv = buildCsv(report);
      const xlsx = await buildXlsx(report, this.cumulativeSentence(report));
      if (!isFinished(day)) return { csv, xlsx, report };
      const rows = report.byHotline.length + report.byDepartment.length + 1;
      await repo.saveExport(db, { day, format: 'csv', content: csv, rows });
      await repo.saveExport(db, { day, format: 'xlsx', content: xlsx, rows });
      log.info({ day, offered: report.total.offered, answered: report.total.answered }, 'daily statistics exported');
      return { csv, xlsx, report };
    },
    async storedExport(day, format) {
      bounds(day, day);
      if (!isFinished(day)) return undefined;
      return (await repo.findExport(db, day, format))?.content;
    },
    async missingDays(days) {
      const today = DateTime.fromJSDate(clock.now(), { zone: ZONE }).startOf('day');
      const wanted = Array.from({ length: days }, (_, i) => today.minus({ days: days - i }).toISODate()!);
      const have = new Set(await repo.listExportDays(db, wanted[0]!, wanted[wanted.length - 1]!));
      return wanted.filter((day) => !have.has(day));
    },
    yesterday: () => DateTime.fromJSDate(clock.now(), { zone: ZONE }).minus({ days: 1 }).toISODate()!,
    cumulativeSentence(report) {
      const from = DateTime.fromISO(report.from, { zone: ZONE });
      const to = DateTime.fromISO(report.to, { zone: ZONE });
      const span = report.from === report.to ? `${from.toFormat('yyyy年M月d日')}` : `自${from.toFormat('yyyy年M月d日')}至${to.toFormat('M月d日')}`;
      const t = report.total;
      const booked = t.bookingsPhone + t.bookingsIvr + t.bookingsWeb + t.bookingsWechat + t.bookingsWalkIn;
      return `${span}，全市预约热线共接入来电${t.offered}次，人工接听${t.answered}次，其中业务咨询${t.consultations}件，通过电话办理事项${t.completedByPhone}件；自助办结${t.selfServed}次，预约回电${t.callbacksRequested}次；各渠道预约${booked}件，其中电话和语音预约${t.bookingsPhone + t.bookingsIvr}件。`;
    },
  };
}
