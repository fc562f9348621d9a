import { DateTime } from 'luxon';
import type { Catalogue } from '../../src/catalogue/index.js';
import { ZONE } from '../../src/platform/clock.js';
import { randomPerson } from '../../src/training/index.js';
import { createRandom } from './history-random.js';
import type { CallScript, ChannelBooking, Person, PlannedBooking } from './history-script.js';

/** What the bookings of a history aim at, for the whole period. */
export interface BookingTargets {
  /** Website and WeChat together. */
  online: number;
  /** Made on the phone: by agents (a `booking` outcome) and by keypad (self-served callers). */
  phone: number;
}

/** Share of the online bookings made through WeChat ("双营通"); the rest through the website. */
const WECHAT_SHARE = 0.45;
/** Bookings made at the halls' desks, as a share of the online ones. */
const WALK_IN_SHARE = 0.05;
/** Self-served callers who book by keypad (the rest look up or cancel a booking, or hear information). */
const KEYPAD_BOOKING_SHARE = 0.7;
/** Relative volume of online bookings by ISO weekday (people book at weekends too). Index 1–7. */
const onlineWeekday = [0, 1.2, 1.05, 1, 1, 0.95, 0.6, 0.55];

export { randomPerson } from '../../src/training/index.js';

/**
 * Adds the bookings to a planned history: some answered calls whose outcome was still
 * "other" become bookings made by the agent, most self-served callers book by keypad, and
 * the website, WeChat and the halls' desks book every day (weekends included), weighted by
 * each service's places. `share` is the period's part of the report's figures.
 */
export function dealBookings(
  settings: {
    seed: number;
    catalogue: Catalogue;
    targets: BookingTargets;
    share: number;
    hallsOpen(day: string): boolean;
  },
  days: Array<{ day: string; calls: CallScript[]; bookings: ChannelBooking[] }>,
): void {
  const { catalogue } = settings;
  const random = createRandom(settings.seed ^ 0xb00c);
  const bookable = catalogue.halls.flatMap((hall) =>
    hall.departments.flatMap((d) =>
      d.services
        .filter((s) => s.bookable)
        .map((s) => ({
          service: s,
          department: d.id,
          weight: s.windows * Math.floor(hall.slotMinutes / s.minutes),
        })),
    ),
  );
  const bookableOf = (department: string) => bookable.filter((b) => b.department === department);
  const planned = (serviceId: string, person: Person): PlannedBooking => ({
    serviceId,
    daysAhead: 1 + Math.min(6, Math.floor(random.exponential(1.5))),
    person,
  });

  // On the phone: keypad bookings first (their share of self-served callers), agents the rest.
  const calls = days.flatMap((d) => d.calls);
  const selfServed = calls.filter(
    (c) =>
      c.ivr === 'self-served' &&
      bookableOf(catalogue.hotline(c.hotline)?.department ?? '').length > 0,
  );
  const phoneTarget = Math.round(settings.targets.phone * settings.share);
  let keypad = 0;
  for (const call of selfServed) {
    if (random.next() >= KEYPAD_BOOKING_SHARE || keypad >= phoneTarget) continue;
    const services = bookableOf(catalogue.hotline(call.hotline)!.department);
    call.ivrBooking = planned(random.pick(services).service.id, randomPerson(random, call.from));
    keypad += 1;
  }
  const others = calls.flatMap((call) => {
    const leg = call.queue?.legs?.at(-1);
    const services = bookableOf(call.queue?.skill ?? '');
    return leg?.outcome?.path === 'other' &&
      leg.outcome.body.reason !== 'transferred' &&
      services.length > 0
      ? [{ call, leg, services }]
      : [];
  });
  for (const { call, leg, services } of others.slice(0, Math.max(0, phoneTarget - keypad))) {
    const booking = planned(random.pick(services).service.id, randomPerson(random, call.from));
    leg.booking = booking;
    leg.outcome = { path: 'booking', body: { serviceId: booking.serviceId } };
  }

  // Online and at the desks: a daily count by weekday, spread over 07:00–22:00.
  const totalWeight = bookable.reduce((n, b) => n + b.weight, 0);
  const pickService = () => {
    let r = random.next() * totalWeight;
    for (const b of bookable) if ((r -= b.weight) < 0) return b.service.id;
    return bookable.at(-1)!.service.id;
  };
  const weights = days.map(
    ({ day }) => onlineWeekday[DateTime.fromISO(day, { zone: ZONE }).weekday]!,
  );
  const sum = weights.reduce((a, b) => a + b, 0);
  const online = Math.round(settings.targets.online * settings.share);
  let given = 0;
  let cumulative = 0;
  for (const [i, entry] of days.entries()) {
    cumulative += weights[i]!;
    const count = Math.round((online * cumulative) / Math.max(sum, 1e-9)) - given;
    given += count;
    const deskCount = settings.hallsOpen(entry.day) ? Math.round(count * WALK_IN_SHARE) : 0;
    const start = DateTime.fromISO(`${entry.day}T07:00`, { zone: ZONE }).toMillis();
    for (let k = 0; k < count + deskCount; k += 1) {
      const channel = k >= count ? 'walk_in' : random.next() < WECHAT_SHARE ? 'wechat' : 'web';
      // The desks book while the halls are open, between 09:00 and 16:00.
      const at =
        channel === 'walk_in'
          ? start + (2 + random.next() * 7) * 3_600_000
          : start + random.next() * 15 * 3_600_000;
      entry.bookings.push({
        ...planned(pickService(), randomPerson(random)),
        at: new Date(Math.round(at / 1000) * 1000),
        channel,
      });
    }
    entry.bookings.sort((a, b) => a.at.getTime() - b.at.getTime());
  }
}
