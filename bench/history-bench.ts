import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { createFixedClock, ZONE } from '../src/platform/clock.js';
import { loadConfig } from '../src/platform/config.js';
import { sql } from '../src/platform/db.js';
import { createLogger } from '../src/platform/logger.js';
import { createRuntime } from '../src/runtime.js';
import { planSmallHistory } from '../test/reports/small-history.js';
import type { PlayingRuntime } from '../tools/history/booking-player.js';
import { historyQueues, playHistory, prepareHistory } from '../tools/history/history-player.js';
import { startRestStandIn } from '../tools/history/rest-stand-in.js';
import { createBenchEnv, round } from './bench-env.js';

/** A Friday and the next Monday: calls, bookings on every channel, check-ins and no-shows. */
const DAYS = ['2020-03-06', '2020-03-09'];

/**
 * `npm run bench -- history`: the tests' small history (the citizen centre's hotlines) played
 * into the embedded default, in a folder of its own, as demo:history plays it (commits not
 * waiting for the disk) beside the baseline of every commit flushed; calls/s, calls and
 * bookings/s, days/min and CPU per call or booking, and the four months' projected minutes at
 * the full history's size (about 100,000 calls) from the calls/s.
 */
export async function runHistoryBench(): Promise<Record<string, unknown>> {
  const env = await createBenchEnv();
  const standIn = await startRestStandIn();
  try {
    const play = async (flushed: boolean) => {
      const dir = mkdtempSync(join(tmpdir(), 'history-bench-'));
      const config = loadConfig({
        ...env.env,
        DATABASE_URL: '',
        PGLITE_DIR: dir,
        TWILIO_API_BASE_URL: standIn.url,
        STAFF_PASSWORD_HASH_MEMORY_KIB: '1024',
      });
      const clock = createFixedClock(DateTime.fromISO(DAYS[0]!, { zone: ZONE }).toJSDate());
      const runtime: PlayingRuntime = Object.assign(
        await createRuntime(config, {
          clock,
          logger: createLogger('silent'),
          prepareDatabase: true,
          queues: historyQueues(),
        }),
        { clock },
      );
      try {
        if (!flushed) await runtime.database.db.execute(sql`set synchronous_commit = off`);
        const plan = planSmallHistory(runtime, 1, DAYS);
        const actors = await prepareHistory(runtime, plan);
        const started = performance.now();
        const cpu = process.cpuUsage();
        const played = await playHistory([runtime], plan, { seed: 1, actors });
        const seconds = (performance.now() - started) / 1000;
        const used = process.cpuUsage(cpu);
        const items = played.calls + played.bookings;
        return {
          calls: played.calls,
          bookings: played.bookings,
          seconds: round(seconds, 1),
          callsPerSecond: round(played.calls / seconds, 1),
          itemsPerSecond: round(items / seconds, 1),
          daysPerMinute: round((DAYS.length * 60) / seconds, 2),
          cpuMsPerItem: round((used.user + used.system) / 1000 / items, 1),
          fourMonthsMinutesAt100kCalls: round(100_000 / (played.calls / seconds) / 60, 0),
        };
      } finally {
        await runtime.close();
        rmSync(dir, { recursive: true, force: true });
      }
    };
    const baseline = await play(true);
    const history = await play(false);
    return {
      days: DAYS,
      target: 'the four months (about 100,000 calls) in <= 10 minutes',
      baselineCommitsFlushed: baseline,
      history,
      cpuPerItemBaselineOverHistory: round(baseline.cpuMsPerItem / history.cpuMsPerItem, 2),
      wallBaselineOverHistory: round(baseline.seconds / history.seconds, 2),
    };
  } finally {
    await standIn.close();
    await env.drop();
  }
}
