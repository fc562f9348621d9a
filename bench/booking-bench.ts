import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { idCheckCharacter, type Actor } from '../src/booking/index.js';
import { loadCatalogue, syncCatalogue } from '../src/catalogue/index.js';
import { createFixedClock } from '../src/platform/clock.js';
import { loadConfig } from '../src/platform/config.js';
import { createDatabase, queryRows, sql } from '../src/platform/db.js';
import { createLogger } from '../src/platform/logger.js';
import { createRuntime, type Runtime } from '../src/runtime.js';

const adminUrl =
  process.env.BENCH_DATABASE_ADMIN_URL ??
  process.env.TEST_DATABASE_ADMIN_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl =
  process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const CONTENDERS = 200;
const THROUGHPUT_BOOKINGS = 2000;
const THROUGHPUT_CONCURRENCY = 20;

let sequence = 0;
function person() {
  sequence += 1;
  const first17 = `230502${new Date(Date.UTC(1960, 0, 1 + Math.floor(sequence / 1000))).toISOString().slice(0, 10).replace(/-/g, '')}${String(sequence % 1000).padStart(3, '0')}`;
  return {
    name: '压测',
    phone: `+86139${String(10_000_000 + sequence).slice(-8)}`,
    identity: { idNumber: `${first17}${idCheckCharacter(first17)}` },
  };
}

const web: Actor = { channel: 'web', id: 'bench', label: 'channel:bench' };
const ms = (from: number) => Math.round((performance.now() - from) * 10) / 10;

/** Runs `count` tasks with at most `concurrency` at once. */
async function pool(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

async function contention(runtime: Runtime) {
  const slot = (
    await runtime.booking.capacity.listSlots({
      hallId: 'citizen-centre',
      serviceId: 'cc-fund-withdraw',
      fromDay: '2026-12-01',
      toDay: '2026-12-01',
    })
  )[0]!;
  await runtime.booking.capacity.limitCapacity({
    hallId: 'citizen-centre',
    serviceId: 'cc-fund-withdraw',
    from: '2026-12-01',
    to: '2026-12-01',
    percent: 90,
    reason: 'bench',
    createdBy: 'bench',
  });
  const started = performance.now();
  const results = await Promise.allSettled(
    Array.from({ length: CONTENDERS }, (_, i) =>
      runtime.booking.service.createBooking(
        { slotId: slot.id, ...person() },
        web,
        `contention-${i}`,
      ),
    ),
  );
  const elapsed = ms(started);
  const refusals = results
    .filter((r) => r.status === 'rejected')
    .map((r) => (r as PromiseRejectedResult).reason as { code?: string });
  const after = (await runtime.booking.capacity.findSlot(slot.id))!;
  return {
    requests: CONTENDERS,
    capacity: after.capacity,
    booked: results.filter((r) => r.status === 'fulfilled').length,
    slotFull409: refusals.filter((e) => e.code === 'slot_full').length,
    otherErrors: refusals.filter((e) => e.code !== 'slot_full').length,
    counterMatches:
      (await runtime.booking.capacity.inconsistentSlots([slot.id])).length === 0 &&
      after.booked === after.capacity,
    ms: elapsed,
  };
}

/** A way of making booking i of the throughput run; resolves true when it was booked. */
interface Booker {
  slots: number;
  book(i: number): Promise<boolean>;
}

/** The service's bookings, spread over the slots of three days. */
async function serviceBooker(runtime: Runtime): Promise<Booker> {
  const slots: Array<{ id: number }> = [];
  for (const hall of runtime.catalogue.halls)
    slots.push(
      ...(await runtime.booking.capacity.listSlots({
        hallId: hall.id,
        fromDay: '2026-12-02',
        toDay: '2026-12-04',
      })),
    );
  return {
    slots: slots.length,
    book: (i) =>
      runtime.booking.service
        .createBooking(
          { slotId: slots[(i * 7919) % slots.length]!.id, ...person() },
          web,
          `throughput-${i}`,
        )
        .then(
          () => true,
          () => false,
        ),
  };
}

/**
 * The service's bookings and the fair floor's, in halves that alternate (service, floor, floor,
 * service), 20 at a time: this machine's speed drifts within a run, and a drift then weighs on
 * both alike. Each side's bookings/s is over its two halves together.
 */
async function throughputAgainstFloor(service: Booker, floor: Booker) {
  const half = THROUGHPUT_BOOKINGS / 2;
  const sides = {
    service: { booker: service, ms: 0, booked: 0 },
    floor: { booker: floor, ms: 0, booked: 0 },
  };
  for (const [side, from] of [
    [sides.service, 0],
    [sides.floor, 0],
    [sides.floor, half],
    [sides.service, half],
  ] as const) {
    const started = performance.now();
    await pool(half, THROUGHPUT_CONCURRENCY, async (i) => {
      if (await side.booker.book(from + i)) side.booked += 1;
    });
    side.ms += ms(started);
  }
  const figures = ({ booker, ms: elapsed, booked }: (typeof sides)['service']) => ({
    bookings: THROUGHPUT_BOOKINGS,
    booked,
    slots: booker.slots,
    concurrency: THROUGHPUT_CONCURRENCY,
    ms: Math.round(elapsed * 10) / 10,
    perSecond: Math.round((THROUGHPUT_BOOKINGS / elapsed) * 1000),
  });
  return { service: figures(sides.service), floor: figures(sides.floor) };
}

/** The floor: a bare single-row UPDATE on the same pool, contended on one row and spread over many. */
async function baseline(runtime: Runtime) {
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
async function fairBooker(runtime: Runtime): Promise<Booker> {
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

/**
 * Booking scenarios for `npm run bench`, on a database of its own (created and dropped here):
 * 200 concurrent bookings on one slot of capacity 5 (exactness and time), bookings spread over
 * many slots (throughput), and a bare single-row UPDATE measured in the same run as the floor.
 */
export async function runBookingBench(): Promise<Record<string, unknown>> {
  const runId = `${process.pid}_${randomBytes(4).toString('hex')}`;
  const databaseName = `hotline_bench_${runId}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database "${databaseName}"`);
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: adminUrl.replace(/\/[^/]*$/, `/${databaseName}`),
    REDIS_URL: redisUrl,
    REDIS_PREFIX: `bench-${runId}`,
    LOG_LEVEL: 'silent',
    BOOKING_PHONE_SHARE: '0',
    BOOKING_HORIZON_DAYS: '7',
  });
  let runtime: Runtime | undefined;
  try {
    const database = await createDatabase({ url: config.databaseUrl, pgliteDir: config.pgliteDir });
    await database.migrate();
    await syncCatalogue(database.db, loadCatalogue(config.catalogueDir));
    await database.close();
    runtime = await createRuntime(config, {
      clock: createFixedClock('2026-11-30T09:00:00+08:00'),
      logger: createLogger('silent'),
    });
    await runtime.booking.capacity.releaseSlots();
    const oneSlot = await contention(runtime);
    const { service: manySlots, floor: fair } = await throughputAgainstFloor(
      await serviceBooker(runtime),
      await fairBooker(runtime),
    );
    const floor = await baseline(runtime);
    const figures = {
      contention: oneSlot,
      throughput: manySlots,
      fairBaseline: fair,
      baseline: floor,
      ratios: {
        /** Bookings per second as a share of the same statements in a bare transaction (target at least 0.5). */
        throughputToFairBaseline: Math.round((manySlots.perSecond / fair.perSecond) * 100) / 100,
        contentionToOneRowUpdate: Math.round((oneSlot.ms / floor.oneRowMs) * 10) / 10,
        throughputToManyRowUpdates: Math.round((manySlots.ms / floor.manyRowsMs) * 10) / 10,
      },
    };
    return figures;
  } finally {
    await runtime?.close();
    await admin.unsafe(`drop database if exists "${databaseName}" with (force)`);
    await admin.end();
    const redis = new Redis(redisUrl);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `bench-${runId}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
    redis.disconnect();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runBookingBench();
