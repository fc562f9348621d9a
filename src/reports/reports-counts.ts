import type { Catalogue } from '../catalogue/index.js';
import type { HotlineRow } from './reports-figures.js';
import type {
  BookingCounts,
  CallCounts,
  DepartmentStats,
  PeriodReport,
  StatsRow,
} from './reports-model.js';

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

/**
 * A period's counts per hotline, per department (every department of the catalogue, with or
 * without a hotline of its own: bookings are by service) and in total, from the figures read.
 */
export function tallyPeriod(
  catalogue: Catalogue,
  hotlines: HotlineRow[],
  bookingsMade: Array<{ department_id: string; channel: string; bookings: number }>,
  slotUse: Array<{ department_id: string; capacity: number; booked: number; no_shows: number }>,
): Pick<PeriodReport, 'byHotline' | 'byDepartment' | 'total'> {
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
    byHotline,
    byDepartment: [...departments.values()].map((d) => ({
      ...withRatios(d),
      capacityUse: capacityUse(d),
    })),
    total: { ...withRatios(total), ...totalBookings, capacityUse: capacityUse(totalBookings) },
  };
}
