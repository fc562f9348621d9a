import { performance } from 'node:perf_hooks';
import { queryRows, sql } from '../src/platform/db.js';
import type { Runtime } from '../src/runtime.js';
import {
  CONTENDERS,
  THROUGHPUT_BOOKINGS,
  THROUGHPUT_CONCURRENCY,
  ms,
  person,
  pool,
  type Booker,
} from './booking-load.js';

/** The floor: a bare single-row UPDATE on the same pool, contended on one row and spread over many. */
export async function baseline(runtime: Runtime) {
  const { db } = runtime.database;
  await db.execute(sql`create table bench_counters (id int primary key, n int not null default 0)`);
  await db.execute(sql`insert into bench_counters (id) select generate_series(1, 1000)`);
  let started = performance.now();
  await Promise.all(
    Array.from({ length: CONTENDERS }, () =>
      db.execute(sql`update bench_counters set n = n + 1 where id = 1`),
    ),
  );
  const oneRowMs = ms(started);
  const [row] = await queryRows<{ n: number }>(db, sql`select n from bench_counters where id = 1`);
  started = performance.now();
  await pool(THROUGHPUT_BOOKINGS, THROUGHPUT_CONCURRENCY, (i) =>
    db.execute(sql`update bench_counters set n = n + 1 where id = ${(i % 1000) + 1}`),
  );
  const manyRowsMs = ms(started);
  return {
    oneRowUpdates: CONTENDERS,
    oneRowMs,
    oneRowCount: row!.n,
    manyRowUpdates: THROUGHPUT_BOOKINGS,
    manyRowsMs,
    manyRowsPerSecond: Math.round((THROUGHPUT_BOOKINGS / manyRowsMs) * 1000),
  };
}

/**
 * The fair floor: the statements a booking runs, hand-written in one bare transaction on the
 * same pool (claim the idempotency key, read the slot, check no-shows, insert the booking, take
 * the place, insert the audit row, store the response) and the same two queued SMS jobs, spread
 * over free places of other days at the same concurrency. Only the service's own code is missing.
 */
export async function fairBooker(runtime: Runtime): Promise<Booker> {
  const { db } = runtime.database;
  const now = runtime.clock.now();
  // Other days than the service's run, so that the floor finds as many free places as the service did.
  const slots: Awaited<ReturnType<Runtime['booking']['capacity']['listSlots']>> = [];
  for (const hall of runtime.catalogue.halls) {
    for (const day of ['2026-12-01', '2026-12-07'])
      slots.push(
        ...(await runtime.booking.capacity.listSlots({
          hallId: hall.id,
          fromDay: day,
          toDay: day,
        })),
      );
  }
  // One entry per free place: booking i takes place (i * 7919) mod places (a prime step, so no two
  // bookings share a place), and every booking of the floor finds one, as every booking of the service did.
  // Free as the floor's conditional update below counts them.
  const free = (slot: (typeof slots)[number]) =>
    slot.closed || slot.startsAt <= now
      ? 0
      : Math.max(
          slot.capacity -
            slot.booked -
            slot.held -
            Math.max(slot.phoneReserved - slot.phoneBooked - slot.phoneHeld, 0),
          0,
        );
  const places = slots.flatMap((slot) => Array.from({ length: free(slot) }, () => slot.id));
  const book = async (i: number) => {
    const slotId = places[(i * 7919) % places.length]!;
    const who = person();
    const key = `fair-${i}`;
    const booking = await db.transaction(async (tx) => {
      await tx.execute(
        sql`insert into idempotency_keys (scope, key, request_hash) values ('channel:fair', ${key}, ${key}) on conflict do nothing returning key`,
      );
      const [slot] = await queryRows<{
        id: number;
        hall_id: string;
        service_id: string;
        day: string;
        starts_at: Date;
        ends_at: Date;
      }>(tx, sql`select * from booking_slots where id = ${slotId}`);
      await tx.execute(
        sql`select no_show_at from bookings where id_hash = ${who.identity.idNumber} and status = 'no_show' and no_show_at >= ${now.toISOString()}::timestamptz order by no_show_at desc`,
      );
      const [row] = await queryRows<{ id: string; slot_id: number }>(
        tx,
        sql`insert into bookings (code, slot_id, hall_id, service_id, day, starts_at, ends_at, channel, made_by, name, phone, id_hash, id_masked)
            values (${String(10_000_000 + i)}, ${slot!.id}, ${slot!.hall_id}, ${slot!.service_id}, ${slot!.day}, ${slot!.starts_at}, ${slot!.ends_at}, 'web', 'fair', ${who.name}, ${who.phone}, ${who.identity.idNumber}, 'masked')
            on conflict (code) do nothing returning *`,
      );
      const taken = await queryRows(
        tx,
        sql`update booking_slots set booked = booked + 1, phone_booked = phone_booked + 0
            where id = ${slotId} and not closed and starts_at > ${now.toISOString()}::timestamptz and booked + held + greatest(phone_reserved - phone_booked - phone_held, 0) < capacity returning *`,
      );
      if (taken.length === 0) return undefined;
      await tx.execute(
        sql`insert into booking_events (booking_id, event, actor, at, details) values (${row!.id}, 'created', 'channel:fair', ${now.toISOString()}::timestamptz, ${JSON.stringify({ channel: 'web', slotId })}::jsonb)`,
      );
      await tx.execute(
        sql`update idempotency_keys set status = 201, response = ${JSON.stringify(row)}::jsonb where scope = 'channel:fair' and key = ${key}`,
      );
      return row!;
    });
    if (!booking) return false;
    await Promise.all([
      runtime.queues.add(
        'booking-sms',
        { bookingId: booking.id, kind: 'confirmation', slotId },
        { jobId: `fair-confirmation-${booking.id}` },
      ),
      runtime.queues.add(
        'booking-sms',
        { bookingId: booking.id, kind: 'reminder', slotId },
        { jobId: `fair-reminder-${booking.id}`, delay: 86_400_000 },
      ),
    ]);
    return true;
  };
  return { slots: slots.length, book };
}
