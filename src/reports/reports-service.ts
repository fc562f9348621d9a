import { DateTime } from 'luxon';
import type { Catalogue } from '../catalogue/index.js';
import { ZONE, type Clock } from '../platform/clock.js';
import type { Database } from '../platform/db.js';
import { AppError, ValidationError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import type { PeriodSpan, ReportFigures } from './reports-figures.js';
import * as repo from './reports-repository.js';
import { createRollupFigures } from './reports-rollup-service.js';
import * as views from './reports-views-repository.js';
import { buildCsv, buildXlsx } from './reports-export.js';
import { FIRST_DAY, isCalendarDay, LAST_DAY } from '../platform/input-schemas.js';
import { fullDate, resolvePeriod, spanText, type PeriodQuery } from './reports-periods.js';
import { staffingPlan } from './reports-staffing.js';
import { loadViews } from './reports-views.js';
import type {
  CallCounts,
  BookingCounts,
  StatsRow,
  DepartmentStats,
  HistoryCoverage,
  PeriodReport,
  PeriodExport,
  StaffingPlan,
} from './reports-model.js';

export type {
  CallCounts,
  BookingCounts,
  StatsRow,
  HotlineStats,
  DepartmentStats,
  HistoryCoverage,
  PeriodReport,
  PeriodExport,
  StaffingPlan,
} from './reports-model.js';

export interface ReportsService {
  /**
   * Statistics of the days from `from` to `to` inclusive (YYYY-MM-DD, Asia/Shanghai).
   * @throws OutsideHistoryError when no day of the period lies in the recorded history.
   */
  period(from: string, to: string, label?: string): Promise<PeriodReport>;
  /** Statistics of a day, ISO week, month, year or range. */
  periodOf(query: PeriodQuery): Promise<PeriodReport>;
  /** The Erlang C staffing plan from the calls of a period. */
  staffing(query: PeriodQuery): Promise<StaffingPlan>;
  /** A period's CSV and XLSX (with the staffing sheet), made now and not stored. */
  exportPeriod(query: PeriodQuery): Promise<PeriodExport>;
  /** Makes and stores the day's CSV and XLSX exports (a re-run replaces them). */
  exportDay(day: string): Promise<{ csv: Buffer; xlsx: Buffer; report: PeriodReport }>;
  /** The stored export of a finished day, if made (never one for today or later). */
  storedExport(day: string, format: 'csv' | 'xlsx'): Promise<Buffer | undefined>;
  /** Days among the last `days` (before today) without an export, within the recorded history, oldest first. */
  missingDays(days: number): Promise<string[]>;
  /** The day before today in Asia/Shanghai. */
  yesterday(): string;
  /** The sentence the bureau quotes: 自…至…，全市预约热线共接入来电…次…。 */
  cumulativeSentence(report: PeriodReport): string;
  /**
   * Builds the statistics rollups of every finished day of the recorded history that has none
   * or a stale one (the release runs it; idempotent); returns how many days were built.
   */
  backfillRollups(): Promise<number>;
}

export interface ReportsDeps {
  db: Database;
  catalogue: Catalogue;
  clock: Clock;
  logger: Logger;
  serviceLevelSeconds: number;
  shortAbandonSeconds: number;
  /** Share to answer within serviceLevelSeconds, for the staffing plan. Default 0.8. */
  serviceLevelGoal?: number;
  /** Where the figures are read from; default the rollups (the tests give the raw ledger to compare). */
  figures?: ReportFigures;
}

/** 404: the period lies wholly outside the recorded history; the message says why. */
export class OutsideHistoryError extends AppError {
  constructor(message: string) {
    super(message, 404, 'outside_history');
  }
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
  callbacksPlaced: 0,
  callbacksNotReached: 0,
  transfers: 0,
  queueSecondsAnswered: 0,
  talkSeconds: 0,
  afterCallSeconds: 0,
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
const channelKey: Record<string, keyof BookingCounts> = {
  phone: 'bookingsPhone',
  ivr: 'bookingsIvr',
  web: 'bookingsWeb',
  wechat: 'bookingsWechat',
  walk_in: 'bookingsWalkIn',
};
const capacityUse = (b: BookingCounts) =>
  b.slotCapacity > 0 ? b.slotBooked / b.slotCapacity : null;

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
    handleSeconds:
      counts.answered > 0 ? (counts.talkSeconds + counts.afterCallSeconds) / counts.answered : null,
    abandonRate: queued > 0 ? counts.abandonedInQueue / queued : null,
  };
}

export function createReportsService(deps: ReportsDeps): ReportsService {
  const { db, catalogue, clock } = deps;
  const log = deps.logger.child({ component: 'reports' });
  const goal = deps.serviceLevelGoal ?? 0.8;
  const rollups = createRollupFigures({
    db,
    clock,
    logger: deps.logger,
    targetSeconds: deps.serviceLevelSeconds,
    shortAbandonSeconds: deps.shortAbandonSeconds,
  });
  const figures = deps.figures ?? rollups;
  const today = () => DateTime.fromJSDate(clock.now(), { zone: ZONE }).toISODate()!;

  /** Whether a day is over in Shuangyashan: only then are its figures final. */
  const isFinished = (day: string) =>
    day < DateTime.fromJSDate(clock.now(), { zone: ZONE }).toISODate()!;

  function bounds(from: string, to: string): PeriodSpan & { days: string[] } {
    for (const [field, value] of [
      ['from', from],
      ['to', to],
    ] as const) {
      if (!isCalendarDay(value))
        throw new ValidationError(
          `${field} must be a date as YYYY-MM-DD between ${FIRST_DAY} and ${LAST_DAY}`,
        );
    }
    if (to < from) throw new ValidationError('to must not be before from');
    const first = DateTime.fromISO(from, { zone: ZONE }).startOf('day');
    const last = DateTime.fromISO(to, { zone: ZONE }).plus({ days: 1 }).startOf('day');
    const days: string[] = [];
    for (let d = first; d < last; d = d.plus({ days: 1 })) days.push(d.toISODate()!);
    return { start: first.toJSDate(), end: last.toJSDate(), fromDay: from, toDay: to, days };
  }

  /** Refuses a period wholly outside the history; says which part of a partly covered one is outside. */
  async function coverage(from: string, to: string): Promise<HistoryCoverage> {
    const { first, last } = await views.historyBounds(db);
    const now = today();
    const firstDay = first ? DateTime.fromJSDate(first, { zone: ZONE }).toISODate()! : null;
    const lastDay = last ? DateTime.fromJSDate(last, { zone: ZONE }).toISODate()! : null;
    const period = spanText(from, to).replace(/^自/, '');
    if (from > now)
      throw new OutsideHistoryError(`${period}尚未到来，没有统计数据（今天是${fullDate(now)}）`);
    if (!firstDay) throw new OutsideHistoryError(`尚无任何来电记录，${period}没有统计数据`);
    if (to < firstDay)
      throw new OutsideHistoryError(
        `${period}早于有记录的第一天（${fullDate(firstDay)}），没有统计数据`,
      );
    const notes: string[] = [];
    if (from < firstDay) notes.push(`记录始于${fullDate(firstDay)}，此前无数据`);
    if (to >= now)
      notes.push(
        `${fullDate(now)}为当日数据，截至${DateTime.fromJSDate(clock.now(), { zone: ZONE }).toFormat('HH:mm')}`,
      );
    if (to > now) notes.push('此后尚未到来');
    return { firstDay, lastDay, note: notes.length > 0 ? notes.join('；') : null };
  }

  async function period(from: string, to: string, label?: string): Promise<PeriodReport> {
    const span = bounds(from, to);
    const history = await coverage(from, to);
    const madeAt = DateTime.fromJSDate(clock.now(), { zone: ZONE }).toISO({
      suppressMilliseconds: true,
    })!;
    await figures.prepare(span, 'period');
    const [hotlines, bookingsMade, slotUse, periodViews] = await Promise.all([
      figures.countByHotline(span),
      figures.countBookingsByChannel(span),
      figures.countSlotUse(span),
      // Days before the history or not yet come are not days of zeros: they are left out of the daily view.
      loadViews(
        { figures, catalogue },
        span,
        span.days.filter((d) => d >= history.firstDay! && d <= today()),
      ),
    ]);
    const byNumber = new Map(hotlines.map((row) => [row.hotline_number, row]));
    const departments = new Map<string, DepartmentStats>();
    // Every department has a row, with or without a hotline of its own: bookings are by service.
    for (const hall of catalogue.halls) {
      for (const d of hall.departments) {
        departments.set(d.id, {
          ...withRatios(zero()),
          ...zeroBookings(),
          capacityUse: null,
          departmentId: d.id,
          departmentName: d.name,
          hallName: hall.name,
        });
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
    for (const department of departments.values())
      for (const key of bookingKeys) totalBookings[key] += department[key];
    const byHotline = catalogue.hotlines.map((hotline) => {
      const raw = byNumber.get(hotline.number);
      const counts: CallCounts = {
        ...zero(),
        ...(raw && {
          offered: raw.offered,
          answered: raw.answered,
          answeredInTarget: raw.answered_in_target,
          selfServed: raw.self_served,
          abandonedInIvr: raw.abandoned_in_ivr,
          abandonedInQueue: raw.abandoned_in_queue,
          shortAbandons: raw.short_abandons,
          callbacksRequested: raw.callbacks_requested,
          queueSecondsAnswered: raw.queue_seconds_answered,
          talkSeconds: raw.talk_seconds,
          inProgress: raw.in_progress,
        }),
        callbacksCompleted: raw?.callbacks_completed ?? 0,
        callbacksPlaced: raw?.callbacks_placed ?? 0,
        callbacksNotReached: raw?.callbacks_given_up ?? 0,
        transfers: raw?.transfers ?? 0,
        afterCallSeconds: raw?.after_call_seconds ?? 0,
        consultations: raw?.consultations ?? 0,
        completedByPhone: raw?.completed_by_phone ?? 0,
      };
      const place = catalogue.department(hotline.department);
      const departmentName = place?.department.name ?? hotline.department;
      const hallName = place?.hall.name ?? hotline.hall;
      const department = departments.get(hotline.department);
      if (department) add(department, counts);
      add(total, counts);
      return withRatios({
        ...counts,
        hotline: hotline.number,
        hotlineName: hotline.name,
        hallName,
        departmentId: hotline.department,
        departmentName,
      });
    });
    return {
      from,
      to,
      label: label ?? spanText(from, to).replace(/^自/, ''),
      madeAt,
      history,
      serviceLevelSeconds: deps.serviceLevelSeconds,
      shortAbandonSeconds: deps.shortAbandonSeconds,
      byHotline,
      byDepartment: [...departments.values()].map((d) => ({
        ...withRatios(d),
        capacityUse: capacityUse(d),
      })),
      total: { ...withRatios(total), ...totalBookings, capacityUse: capacityUse(totalBookings) },
      ...periodViews,
    };
  }

  async function staffing(query: PeriodQuery): Promise<StaffingPlan> {
    const { from, to } = resolvePeriod(query);
    const span = bounds(from, to);
    await coverage(from, to);
    await figures.prepare(span, 'staffing');
    const plan = await staffingPlan({ figures, catalogue, now: clock.now() }, span, {
      targetSeconds: deps.serviceLevelSeconds,
      goal,
    });
    return {
      from,
      to,
      days: plan.days,
      serviceLevelSeconds: deps.serviceLevelSeconds,
      serviceLevelGoal: goal,
      rows: plan.rows,
    };
  }

  const service: ReportsService = {
    period,
    periodOf(query) {
      const { from, to, label } = resolvePeriod(query);
      return period(from, to, label);
    },
    staffing,
    async exportPeriod(query) {
      const [report, plan] = await Promise.all([service.periodOf(query), staffing(query)]);
      const csv = await buildCsv(report);
      const xlsx = await buildXlsx(report, service.cumulativeSentence(report), plan);
      return { csv, xlsx, report, staffing: plan };
    },
    async exportDay(day) {
      const report = await period(day, day);
      const csv = await buildCsv(report);
      const xlsx = await buildXlsx(
        report,
        service.cumulativeSentence(report),
        undefined,
        await repo.reconciliationCounts(db, day),
      );
      if (!isFinished(day)) return { csv, xlsx, report };
      const rows = report.byHotline.length + report.byDepartment.length + 1;
      await repo.saveExport(db, { day, format: 'csv', content: csv, rows });
      await repo.saveExport(db, { day, format: 'xlsx', content: xlsx, rows });
      log.info(
        { day, offered: report.total.offered, answered: report.total.answered },
        'daily statistics exported',
      );
      return { csv, xlsx, report };
    },
    async storedExport(day, format) {
      bounds(day, day);
      if (!isFinished(day)) return undefined;
      return (await repo.findExport(db, day, format))?.content;
    },
    async missingDays(days) {
      const start = DateTime.fromJSDate(clock.now(), { zone: ZONE }).startOf('day');
      const wanted = Array.from({ length: days }, (_, i) =>
        start.minus({ days: days - i }).toISODate()!,
      );
      const [have, history] = await Promise.all([
        repo.listExportDays(db, wanted[0]!, wanted[wanted.length - 1]!),
        views.historyBounds(db),
      ]);
      // Days before the first recorded call have no statistics to export.
      const firstDay = history.first
        ? DateTime.fromJSDate(history.first, { zone: ZONE }).toISODate()!
        : null;
      const made = new Set(have);
      return wanted.filter((day) => firstDay !== null && day >= firstDay && !made.has(day));
    },
    yesterday: () =>
      DateTime.fromJSDate(clock.now(), { zone: ZONE }).minus({ days: 1 }).toISODate()!,
    async backfillRollups() {
      const { first } = await views.historyBounds(db);
      if (!first) return 0;
      const yesterday = service.yesterday();
      const firstDay = DateTime.fromJSDate(first, { zone: ZONE }).toISODate()!;
      return firstDay <= yesterday ? rollups.backfill(firstDay, yesterday) : 0;
    },
    cumulativeSentence(report) {
      const t = report.total;
      const booked =
        t.bookingsPhone + t.bookingsIvr + t.bookingsWeb + t.bookingsWechat + t.bookingsWalkIn;
      return `${spanText(report.from, report.to)}，全市预约热线共接入来电${t.offered}次，人工接听${t.answered}次，其中业务咨询${t.consultations}件，通过电话办理事项${t.completedByPhone}件；自助办结${t.selfServed}次，预约回电${t.callbacksRequested}次；各渠道预约${booked}件，其中电话和语音预约${t.bookingsPhone + t.bookingsIvr}件。`;
    },
  };
  return service;
}
