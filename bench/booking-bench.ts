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

const adminUrl = process.env.BENCH_DATABASE_ADMIN_URL ?? process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const CONTENDERS = 200;
const THROUGHPUT_BOOKINGS = 2000;
const THROUGHPUT_CONCURRENCY = 20;

let sequence = 0;
function person() {
  sequence += 1;
  const first17 = `230502${new Date(Date.UTC(1960, 0, 1 + Math.floor(sequence / 1000))).toISOString().slice(0, 10).replace(/-/g, '')}${String(sequence % 1000).padStart(3, '0')}`;
  return { name: '压测', phone: `+86139${String(10_000_000 + sequence).slice(-8)}`, identity: { idNumber: `${first17}${idCheckCharacter(first17)}` } };
}

const web: Actor = { channel: 'web', id: 'bench', label: 'channel:bench' };
const ms = (from: number) => Math.round((performance.now() - from) * 10) / 10;

/** Runs `count` tasks with at most `concurrency` at once. */
async function pool(count: number, concurrency: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) await task(next++);
  }));
}

async function contention(runtime: Runtime) {
  const slot = (await runtime.booking.capacity.listSlots({ hallId: 'citizen-centre', serviceId: 'cc-fund-withdraw', fromDay: '2026-12-01', toDay: '2026-12-01' }))[0]!;
  await runtime.booking.capacity.limitCapacity({ hallId: 'citizen-centre', serviceId: 'cc-fund-withdraw', from: '2026-12-01', to: '2026-12-01', percent: 90, reason: 'bench', createdBy: 'bench' });
  const started = performance.now();
  const results = await Promise.allSettled(Array.from({ length: CONTENDERS }, (_, i) => runtime.booking.service.createBooking({ slotId: slot.id, ...person() }, web, `contention-${i}`)));
  const elapsed = ms(started);
  const refusals = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason as { code?: string });
  const after = (await runtime.booking.capacity.findSlot(slot.id))!;
  return {
    requests: CONTENDERS,
    capacity: after.capacity,
    booked: results.filter((r) => r.status === 'fulfilled').length,
    slotFull409: refusals.filter((e) => e.code === 'slot_full').length,
    otherErrors: refusals.filter((e) => e.code !== 'slot_full').length,
    counterMatches: (await runtime.booking.capacity.inconsistentSlots([slot.id])).length === 0 && after.booked === after.capacity,
    ms: elapsed,
  };
}

async function throughput(runtime: Runtime) {
  const slots: Array<{ id: number }> = [];
  for (const hall of runtime.catalogue.halls) slots.push(...(await runtime.booking.capacity.listSlots({ hallId: hall.id, fromDay: '2026-12-02', toDay: '2026-12-04' })));
  const started = performance.now();
  let booked = 0;
  await pool(THROUGHPUT_BOOKINGS, THROUGHPUT_CONCURRENCY, async (i) => {
    await runtime.booking.service.createBooking({ slotId: slots[(i * 7919) % slots.length]!.id, ...person() }, web, `throughput-${i}`).then(() => (booked += 1), () => undefined);
  });
  const elapsed = ms(started);
  return { bookings: THROUGHPUT_BOOKINGS, booked, slots: slots.length, concurrency: THROUGHPUT_CONCURRENCY, ms: elapsed, perSecond: Math.round((THROUGHPUT_BOOKINGS / elapsed) * 1000) };
}

/** The floor: a bare single-row UPDATE on the same pool, contended on one row and spread over many. */
async function baseline(runtime: Runtime) {
  const { db } = runtime.database;
  await db.execute(sql`create table bench_counters (id int primary key, n int not null default 0)`);
  await db.execute(sql`insert into bench_counters (id) select generate_series(1, 1000)`);
  let started = performance.now();
  await Promise.all(Array.from({ length: CONTENDERS }, () => db.execute(sql`update bench_counters set n = n + 1 where id = 1`)));
  const oneRowMs = ms(started);
  const [row] = await queryRows<{ n: number }>(db, sql`select n from bench_counters where id = 1`);
  started = performance.now();
  await pool(THROUGHPUT_BOOKINGS, THROUGHPUT_CONCURRENCY, (i) => db.execute(sql`update bench_counters set n = n + 1 where id = ${(i % 1000) + 1}`));
  const manyRowsMs = ms(started);
  return { oneRowUpdates: CONTENDERS, oneRowMs, oneRowCount: row!.n, manyRowUpdates: THROUGHPUT_BOOKINGS, manyRowsMs, manyRowsPerSecond: Math.round((THROUGHPUT_BOOKINGS / manyRowsMs) * 1000) };
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
    runtime = await createRuntime(config, { clock: createFixedClock('2026-11-30T09:00:00+08:00'), logger: createLogger('silent') });
    await runtime.booking.capacity.releaseSlots();
    const oneSlot = await contention(runtime);
    const manySlots = await throughput(runtime);
    const floor = await baseline(runtime);
    const figures = {
      contention: oneSlot,
      throughput: manySlots,
      baseline: floor,
      ratios: {
        contentionToOneRowUpdate: Math.round((oneSlot.ms / floor.oneRowMs) * 10) / 10,
        throughputToManyRowUpdates: Math.round((manySlots.ms / floor.manyRowsMs) * 10) / 10,
      },
    };
    console.log(JSON.stringify({ booking: figures }, null, 2));
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
