import { DateTime } from 'luxon';
import { ZONE } from '../../src/platform/clock.js';
import { queryRows, sql } from '../../src/platform/db.js';
import type { PlayingRuntime } from './booking-player.js';

/** A slot as the written history keeps it while a day is written: the database's row, counters moved in memory. */
export interface Slot {
  id: number;
  hallId: string;
  serviceId: string;
  day: string;
  startsAt: number;
  startsAtIso: string;
  endsAtIso: string;
  capacity: number;
  phoneReserved: number;
  booked: number;
  phoneBooked: number;
  held: number;
  phoneHeld: number;
  closed: boolean;
}

/** What the written history's calendar reads of the database at the start of a day. */
export interface CalendarState {
  /** Each service's slots of the next two weeks, in time order (as `listSlots` gives them). */
  byService: Map<string, Slot[]>;
  /** `idHash|serviceId|day` of every active booking from the day on. */
  active: Set<string>;
  /** Each person's recent no-shows, newest first (epoch ms). */
  noShows: Map<string, number[]>;
}

/** The slots, active bookings and recent no-shows from `day` on. */
export async function loadCalendarState(
  runtime: PlayingRuntime,
  day: string,
): Promise<CalendarState> {
  const db = runtime.database.db;
  const state: CalendarState = { byService: new Map(), active: new Set(), noShows: new Map() };
  const last = DateTime.fromISO(day, { zone: ZONE }).plus({ days: 15 }).toISODate()!;
  const slots = await queryRows<Record<string, string | number | boolean>>(
    db,
    sql`select id::int as id, hall_id, service_id, day::text as day, extract(epoch from starts_at) * 1000 as starts_ms,
          ends_at, capacity, phone_reserved, booked, phone_booked, held, phone_held, closed
        from booking_slots where day >= ${day}::date and day <= ${last}::date order by starts_at, service_id`,
  );
  for (const s of slots) {
    const slot: Slot = {
      id: Number(s.id),
      hallId: String(s.hall_id),
      serviceId: String(s.service_id),
      day: String(s.day),
      startsAt: Number(s.starts_ms),
      startsAtIso: new Date(Number(s.starts_ms)).toISOString(),
      endsAtIso: new Date(String(s.ends_at)).toISOString(),
      capacity: Number(s.capacity),
      phoneReserved: Number(s.phone_reserved),
      booked: Number(s.booked),
      phoneBooked: Number(s.phone_booked),
      held: Number(s.held),
      phoneHeld: Number(s.phone_held),
      closed: Boolean(s.closed),
    };
    let list = state.byService.get(slot.serviceId);
    if (!list) state.byService.set(slot.serviceId, (list = []));
    list.push(slot);
  }
  const active = await queryRows<{ key: string }>(
    db,
    sql`select id_hash || '|' || service_id || '|' || day::text as key from bookings
        where day >= ${day}::date and status in ('confirmed', 'checked_in')`,
  );
  for (const { key } of active) state.active.add(key);
  const rule = runtime.config.booking.noShowRule;
  const since = DateTime.fromISO(day, { zone: ZONE })
    .minus({ days: rule.windowDays + rule.blockDays + 1 })
    .toJSDate();
  const noShows = await queryRows<{ id_hash: string; at: string }>(
    db,
    sql`select id_hash, no_show_at as at from bookings where status = 'no_show' and no_show_at >= ${since.toISOString()}::timestamptz order by no_show_at desc`,
  );
  for (const row of noShows) {
    const list = state.noShows.get(row.id_hash) ?? [];
    list.push(new Date(row.at).getTime());
    state.noShows.set(row.id_hash, list);
  }
  return state;
}
