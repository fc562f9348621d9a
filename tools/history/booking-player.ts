import { DateTime } from 'luxon';
import type { Actor } from '../../src/booking/index.js';
import { ZONE } from '../../src/platform/clock.js';
import { queryRows, sql } from '../../src/platform/db.js';
import { AppError } from '../../src/platform/errors.js';
import type { Runtime } from '../../src/runtime.js';
import { createRandom } from './history-random.js';
import type { ChannelBooking, PlannedBooking } from './history-script.js';

/** A runtime whose fixed clock the player moves. */
export type PlayingRuntime = Runtime & { clock: { set(at: Date): void } };

/** The calendar's refusals that mean "try another place": full, the person already booked that day, suspended for no-shows. */
const TRY_ANOTHER = new Set(['slot_full', 'duplicate_booking', 'suspended', 'no_place']);

/**
 * Books a planned booking as its actor would, through the booking service: the first slot with
 * a place from its day on, over a week. A keypad booking holds the place first, as the IVR does.
 * Undefined when the week is full (or the person may not book): the history goes on without it.
 */
export async function bookPlanned(
  runtime: PlayingRuntime,
  planned: PlannedBooking,
  actor: Actor,
  key: string,
  hotlineNumber?: string,
): Promise<{ id: string; code: string } | undefined> {
  const place = runtime.catalogue.service(planned.serviceId);
  if (!place) return undefined;
  const first = DateTime.fromJSDate(runtime.clock.now(), { zone: ZONE }).plus({
    days: planned.daysAhead,
  });
  const slotsBetween = (from: DateTime, to: DateTime) =>
    runtime.booking.capacity.listSlots({
      hallId: place.hall.id,
      serviceId: planned.serviceId,
      fromDay: from.toISODate()!,
      toDay: to.toISODate()!,
    });
  const person = {
    name: planned.person.name,
    phone: planned.person.phone,
    identity: { idNumber: planned.person.idNumber },
    ...(hotlineNumber && { hotlineNumber }),
  };
  // The week's slots in time order, its first day read alone: most bookings find a place there,
  // and the week's other 6 days are read only when it is full.
  for await (const slot of weekOfSlots(slotsBetween, first)) {
    if (slot.booked + slot.held >= slot.capacity) continue;
    try {
      if (actor.channel === 'ivr') {
        const hold = await runtime.booking.service.createHold(slot.id, actor);
        return (
          await runtime.booking.service.createBooking(
            { ...person, holdId: hold.id },
            actor,
            `${key}-${slot.id}`,
          )
        ).booking;
      }
      // One Idempotency-Key per request, as a client retrying another slot would send.
      return (
        await runtime.booking.service.createBooking(
          { ...person, slotId: slot.id },
          actor,
          `${key}-${slot.id}`,
        )
      ).booking;
    } catch (error) {
      if (error instanceof AppError && TRY_ANOTHER.has(error.code ?? '')) {
        if (error.code === 'duplicate_booking' || error.code === 'suspended') return undefined;
        continue;
      }
      throw error;
    }
  }
  return undefined;
}

/** The slots of the 7 days from `first` on, in time order; the last 6 days read only if asked for. */
async function* weekOfSlots<T>(
  slotsBetween: (from: DateTime, to: DateTime) => Promise<T[]>,
  first: DateTime,
): AsyncGenerator<T> {
  yield* await slotsBetween(first, first);
  yield* await slotsBetween(first.plus({ days: 1 }), first.plus({ days: 6 }));
}

/** The channels' API keys and the hall desk's account that the history books and checks in with. */
export interface HistoryActors {
  channel: Record<ChannelBooking['channel'], Actor>;
  /** The hall's reception, checking citizens in. */
  desk: Actor;
}

/** Plays a booking made on the website, in WeChat or at a hall's desk, at its moment. */
export async function playChannelBooking(
  runtime: PlayingRuntime,
  booking: ChannelBooking,
  actors: HistoryActors,
  key: string,
): Promise<void> {
  runtime.clock.set(booking.at);
  await bookPlanned(runtime, booking, actors.channel[booking.channel], key);
}

/**
 * The end of a history day, for the given services: bookings of the day are checked in at the
 * desk unless their fate is a no-show (the no-show sweep marks those once every lane has
 * closed the day), and bookings made that day whose fate is "cancel" are cancelled in the
 * evening by their own channel. The fate of each booking is drawn from the seed and the booking's own
 * slot and person, so that a resumed run decides the same.
 */
export async function closeDay(
  runtime: PlayingRuntime,
  day: string,
  services: ReadonlySet<string>,
  actors: HistoryActors,
  seed: number,
): Promise<void> {
  const inScope = (rows: HistoryBooking[]) => rows.filter((row) => services.has(row.service_id));
  for (const row of inScope(await confirmedBookings(runtime, sql`day = ${day}::date`))) {
    if (fateOf(seed, row.phone, new Date(row.starts_at)) === 'no_show') continue;
    runtime.clock.set(new Date(new Date(row.starts_at).getTime() - 5 * 60_000));
    await runtime.booking.service.checkIn(row.id, actors.desk);
  }
  await cancelDay(runtime, day, actors, seed, services);
}

/**
 * The fate of a booking, drawn from the seed and the booking's own slot and person, so that a
 * resumed run (or the history writer) decides the same.
 */
export function fateOf(
  seed: number,
  phone: string,
  startsAt: Date,
): 'cancel' | 'no_show' | 'attend' {
  const random = createRandom((seed ^ hash(`${phone}/${startsAt.toISOString()}`)) >>> 0);
  const roll = random.next();
  return roll < 0.05 ? 'cancel' : roll < 0.11 ? 'no_show' : 'attend';
}

/** At 21:00, bookings made that day for a later day whose fate is "cancel" are cancelled by their own channel. */
export async function cancelDay(
  runtime: PlayingRuntime,
  day: string,
  actors: HistoryActors,
  seed: number,
  services?: ReadonlySet<string>,
): Promise<void> {
  const dayStart = DateTime.fromISO(day, { zone: ZONE });
  runtime.clock.set(dayStart.set({ hour: 21 }).toJSDate());
  for (const row of await confirmedBookings(runtime, madeBetween(dayStart))) {
    if (services && !services.has(row.service_id)) continue;
    if (fateOf(seed, row.phone, new Date(row.starts_at)) === 'cancel' && row.day > day)
      await runtime.booking.service.cancel(row.id, actorOf(row.channel, actors));
  }
}

/** A booking as the history reads it back: by table name, as the reports do (the booking component exports no tables). */
interface HistoryBooking extends Record<string, unknown> {
  id: string;
  service_id: string;
  channel: string;
  phone: string;
  day: string;
  starts_at: string;
}

/** Made during that day by the service's clock: the booking's `created` event (its `created_at` is the database's own time). */
const madeBetween = (dayStart: DateTime) =>
  sql`id in (select booking_id from booking_events where event = 'created' and at >= ${dayStart.toJSDate().toISOString()}::timestamptz and at < ${dayStart.plus({ days: 1 }).toJSDate().toISOString()}::timestamptz)`;

/** Confirmed bookings matching a condition, in slot order. */
const confirmedBookings = (runtime: PlayingRuntime, where: ReturnType<typeof sql>) =>
  queryRows<HistoryBooking>(
    runtime.database.db,
    sql`select id, service_id, channel, phone, day::text as day, starts_at::text as starts_at from bookings where status = 'confirmed' and ${where} order by starts_at, id`,
  );

const countBookings = async (runtime: PlayingRuntime, where: ReturnType<typeof sql>) =>
  (
    await queryRows<{ n: number }>(
      runtime.database.db,
      sql`select count(*)::int as n from bookings where ${where}`,
    )
  )[0]?.n ?? 0;

/** Bookings made on a day (by the history's clock). */
export const madeOn = (runtime: PlayingRuntime, day: string) =>
  countBookings(runtime, madeBetween(DateTime.fromISO(day, { zone: ZONE })));

/** Bookings of a day still confirmed: none once the day has been closed and its no-shows marked. */
export const confirmedOn = (runtime: PlayingRuntime, day: string) =>
  countBookings(runtime, sql`day = ${day}::date and status = 'confirmed'`);

/** Who cancels: the booking's own channel, or for phone and keypad bookings an agent (the citizen called back). */
function actorOf(channel: string, actors: HistoryActors): Actor {
  if (channel === 'web' || channel === 'wechat' || channel === 'walk_in')
    return actors.channel[channel];
  return { ...actors.desk, channel: 'phone' };
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}
