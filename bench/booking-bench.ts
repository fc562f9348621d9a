import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { loadCatalogue, syncCatalogue } from '../src/catalogue/index.js';
import { createFixedClock } from '../src/platform/clock.js';
import { loadConfig } from '../src/platform/config.js';
import { createDatabase } from '../src/platform/db.js';
import { createLogger } from '../src/platform/logger.js';
import { createRuntime, type Runtime } from '../src/runtime.js';
import { baseline, fairBooker } from './booking-floors.js';
import {
  CONTENDERS,
  THROUGHPUT_BOOKINGS,
  THROUGHPUT_CONCURRENCY,
  ms,
  person,
  pool,
  web,
  type Booker,
} from './booking-load.js';

const adminUrl =
  process.env.BENCH_DATABASE_ADMIN_URL ??
  process.env.TEST_DATABASE_ADMIN_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl =
  process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

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
