import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PGlite } from '@electric-sql/pglite';
import { DateTime } from 'luxon';
import { Redis } from 'ioredis';
import { createFixedClock, ZONE } from '../../src/platform/clock.js';
import { queryRows, sql } from '../../src/platform/db.js';
import type { Runtime } from '../../src/runtime.js';
import { createTestRuntime, ownDatabase, PUBLIC_BASE_URL, testRun } from '../support/env.js';
import { planSmallHistory, SMALL_HISTORY_DAYS } from './small-history.js';

const SEED = 11;
/** Each child waits at most this long for its next line (a tsx start-up, a day played): a bound, not a sleep. */
const LINE_TIMEOUT_MS = 240_000;

interface Child {
  /** Resolves with the next line the child prints; rejects when it ends or is silent too long. */
  line(): Promise<string>;
  kill(): Promise<void>;
  exited: Promise<number | null>;
}

/** `test/reports/history-child.ts` as its own process, on the given live environment. */
function startChild(args: Record<string, unknown>, liveEnv: Record<string, string>): Child {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/reports/history-child.ts', JSON.stringify(args)],
    {
      env: { PATH: process.env.PATH ?? '', ...liveEnv },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    exited,
    async line() {
      let timer: NodeJS.Timeout | undefined;
      const silent = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error('the history child was silent')),
          LINE_TIMEOUT_MS,
        );
      });
      try {
        const next = await Promise.race([lines.next(), silent]);
        if (next.done) throw new Error(`the history child ended (${await exited})`);
        return next.value;
      } finally {
        clearTimeout(timer);
      }
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** The environment of the live service the history runs beside: its database and Redis prefix. */
const liveEnvironment = (databaseUrl: string, redisPrefix: string) => ({
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  PUBLIC_BASE_URL,
  DATABASE_URL: databaseUrl,
  REDIS_URL: testRun.redisUrl,
  REDIS_PREFIX: redisPrefix,
});

/** Row counts a played history leaves, and its report's figures. */
async function figures(runtime: Runtime, days: string[]): Promise<Record<string, unknown>> {
  const counts = await queryRows<Record<string, number>>(
    runtime.database.db,
    sql`select
      (select count(*)::int from calls) as calls,
      (select count(*)::int from calls where summarized_at is not null) as summarized,
      (select count(*)::int from call_events) as call_events,
      (select count(*)::int from agent_calls) as agent_calls,
      (select count(*)::int from call_outcomes) as outcomes,
      (select count(*)::int from bookings where status = 'confirmed') as confirmed,
      (select count(*)::int from bookings where status = 'checked_in') as checked_in,
      (select count(*)::int from bookings where status = 'no_show') as no_shows,
      (select count(*)::int from bookings where status = 'cancelled') as cancelled,
      (select count(*)::int from booking_events) as booking_events,
      (select count(*)::int from callback_requests) as callbacks,
      (select count(*)::int from evaluations) as evaluations,
      (select count(*)::int from evaluation_cases) as cases`,
  );
  const report = await runtime.reports.period(days[0]!, days.at(-1)!);
  return { ...counts[0], report: report.total };
}

describe('demo history as a process of its own', function () {
  this.timeout(900_000);

  it('when killed mid-day (twice) and started again with the same seed, then it ends as a run never interrupted', async () => {
    const live = liveEnvironment(testRun.databaseUrl, `${testRun.redisPrefix}-resume-live`);
    const straight = {
      databaseUrl: await ownDatabase('history-straight'),
      redisPrefix: `${testRun.redisPrefix}-straight`,
    };
    const resumed = {
      databaseUrl: await ownDatabase('history-resumed'),
      redisPrefix: `${testRun.redisPrefix}-resumed`,
    };
    const reader = await createTestRuntime({ database: 'history-straight' });
    const plan = planSmallHistory(reader, SEED);
    // Mid-day: the Friday inside its transaction (its rows not committed), then the Monday
    // committed but not settled (its 差评, cancellations and no-shows still to do).
    const kills = [
      { day: SMALL_HISTORY_DAYS[0], stage: 'uncommitted' },
      { day: SMALL_HISTORY_DAYS[3], stage: 'committed' },
    ];
    assert.ok(plan.days[0]!.calls.length > 10 && plan.days[3]!.calls.length > 10);

    const whole = startChild({ ...straight, seed: SEED, days: SMALL_HISTORY_DAYS }, live);
    assert.equal(await whole.line(), 'played');
    assert.equal(await whole.exited, 0);

    for (const pauseAt of kills) {
      const cut = startChild({ ...resumed, seed: SEED, days: SMALL_HISTORY_DAYS, pauseAt }, live);
      assert.equal(await cut.line(), 'paused');
      await cut.kill();
    }
    const rest = startChild({ ...resumed, seed: SEED, days: SMALL_HISTORY_DAYS }, live);
    assert.equal(await rest.line(), 'played');
    assert.equal(await rest.exited, 0);

    const at = createFixedClock(
      DateTime.fromISO(`${SMALL_HISTORY_DAYS.at(-1)}T23:30`, { zone: ZONE }).toJSDate(),
    );
    const [one, other] = [
      await createTestRuntime({ database: 'history-straight', clock: at }),
      await createTestRuntime({ database: 'history-resumed', clock: at }),
    ];
    const expected = await figures(one, SMALL_HISTORY_DAYS);
    assert.ok((expected.summarized as number) > 20, 'the straight run played calls');
    assert.deepEqual(await figures(other, SMALL_HISTORY_DAYS), expected);
  });

  it('when played beside a running service, then the service database and its Redis keys are untouched, and the history went to its own', async () => {
    const livePrefix = `${testRun.redisPrefix}-live`;
    const running = await createTestRuntime({
      database: 'history-live',
      env: { REDIS_PREFIX: livePrefix },
    });
    // The live service at work: an agent on its wallboard.
    await running.staff.createUser({
      username: 'live_agent',
      role: 'agent',
      skills: [running.catalogue.hotlines[0]!.department],
      password: 'live-agent-password-1',
    });
    await running.routing.presence.setState('live_agent', 'available');
    const redis = new Redis(testRun.redisUrl);
    const keysOf = async (prefix: string) => (await redis.keys(`${prefix}:*`)).sort();
    /** Every table's row count in the live database, and every live Redis key's value. */
    const liveState = async () => {
      const tables = await queryRows<{ name: string }>(
        running.database.db,
        sql`select tablename as name from pg_tables where schemaname = 'public' order by 1`,
      );
      const rows: Record<string, number> = {};
      for (const { name } of tables)
        rows[name] = (
          await queryRows<{ n: number }>(
            running.database.db,
            sql`select count(*)::int as n from ${sql.identifier(name)}`,
          )
        )[0]!.n;
      const keys = await keysOf(livePrefix);
      return { rows, redis: await Promise.all(keys.map(async (k) => [k, await redis.dump(k)])) };
    };
    const before = await liveState();
    assert.ok(before.redis.length > 0, 'the live service keeps nothing in Redis');
    const dataDir = mkdtempSync(join(tmpdir(), 'demo-history-'));
    try {
      // The demo's own data set as demo:history chooses it: the embedded database in its own
      // folder, the live prefix with "-demo-history".
      const history = startChild(
        { dataDir, seed: SEED, days: SMALL_HISTORY_DAYS.slice(0, 1) },
        liveEnvironment(await ownDatabase('history-live'), livePrefix),
      );
      assert.equal(await history.line(), 'played');
      assert.equal(await history.exited, 0);
      assert.deepEqual(await liveState(), before);
      // The day's calls and bookings are in the demo's own folder.
      const demo = new PGlite(dataDir);
      try {
        const [held] = (
          await demo.query<{ calls: number; bookings: number }>(
            'select (select count(*)::int from calls) as calls, (select count(*)::int from bookings) as bookings',
          )
        ).rows;
        const day = planSmallHistory(running, SEED, SMALL_HISTORY_DAYS.slice(0, 1)).days[0]!;
        assert.equal(held!.calls, day.calls.length);
        assert.ok(held!.bookings > 0, 'no booking in the demo folder');
      } finally {
        await demo.close();
      }
    } finally {
      redis.disconnect();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(`${dataDir}.owner.json`, { force: true });
    }
  });
});
