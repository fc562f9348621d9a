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
import { planHistory, type HistoryPlan } from '../tools/history/history-model.js';
import { historyQueues, playHistory, prepareHistory } from '../tools/history/history-player.js';
import { writeHistory } from '../tools/history/history-writer.js';
import { startRestStandIn } from '../tools/history/rest-stand-in.js';
import { createBenchEnv, round } from './bench-env.js';
import { againstTarget } from './call-cost-report.js';

const SEED = 1;

/** A Friday and the next Monday: calls, bookings on every channel, check-ins and no-shows. */
const DAYS = ['2020-03-06', '2020-03-09'];
/** The report's four months, as the README's command writes them. */
const REPORT = { from: '2020-02-03', to: '2020-05-31', seed: 1 };
const TARGET_SECONDS = 600;

type Way = 'played' | 'written';

/**
 * `npm run bench -- history`: the tests' small history (the citizen centre's hotlines) played
 * through the components as the history player does (the baseline: how demo:history ran
 * before) and written as demo:history writes it now (history-writer.ts), each into the
 * embedded default in a folder of its own, commits not waiting for the disk: calls and
 * bookings per second, CPU per item and the ratio; then the report's four months (seed 1,
 * 2020-02-03…2020-05-31) written as the README's command does (with the database's statistics
 * and every day's rollups at the end), against the target of 10 minutes (`BENCH_HISTORY_FULL=0`
 * leaves that out).
 */
export async function runHistoryBench(): Promise<Record<string, unknown>> {
  const env = await createBenchEnv();
  const standIn = await startRestStandIn();
  try {
    const open = async (from: string) => {
      const dir = mkdtempSync(join(tmpdir(), 'history-bench-'));
      const config = loadConfig({
        ...env.env,
        DATABASE_URL: '',
        PGLITE_DIR: dir,
        TWILIO_API_BASE_URL: standIn.url,
        STAFF_PASSWORD_HASH_MEMORY_KIB: '1024',
      });
      const clock = createFixedClock(DateTime.fromISO(from, { zone: ZONE }).toJSDate());
      const runtime: PlayingRuntime = Object.assign(
        await createRuntime(config, {
          clock,
          logger: createLogger('silent'),
          prepareDatabase: true,
          queues: historyQueues(),
        }),
        { clock },
      );
      await runtime.database.db.execute(sql`set synchronous_commit = off`);
      return {
        runtime,
        close: async () => {
          await runtime.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    };
    const measure = async (
      runtime: PlayingRuntime,
      plan: HistoryPlan,
      way: Way,
      finish: () => Promise<unknown> = async () => undefined,
    ) => {
      const actors = await prepareHistory(runtime, plan);
      const started = performance.now();
      const cpu = process.cpuUsage();
      const done =
        way === 'played'
          ? await playHistory([runtime], plan, { seed: SEED, actors })
          : await writeHistory(runtime, plan, { seed: SEED, actors });
      await finish();
      const seconds = (performance.now() - started) / 1000;
      const used = process.cpuUsage(cpu);
      const items = done.calls + done.bookings;
      return {
        calls: done.calls,
        bookings: done.bookings,
        seconds: round(seconds, 1),
        itemsPerSecond: round(items / seconds, 1),
        cpuMsPerItem: round((used.user + used.system) / 1000 / items, 2),
      };
    };
    const small = async (way: Way) => {
      const { runtime, close } = await open(DAYS[0]!);
      try {
        return await measure(runtime, planSmallHistory(runtime, SEED, DAYS), way);
      } finally {
        await close();
      }
    };
    const played = await small('played');
    const written = await small('written');
    let report: Record<string, unknown> = { skipped: 'BENCH_HISTORY_FULL=0' };
    if (process.env.BENCH_HISTORY_FULL !== '0') {
      const { runtime, close } = await open(REPORT.from);
      try {
        const days: string[] = [];
        for (
          let d = DateTime.fromISO(REPORT.from, { zone: ZONE });
          d <= DateTime.fromISO(REPORT.to, { zone: ZONE });
          d = d.plus({ days: 1 })
        )
          days.push(d.toISODate()!);
        const plan = planHistory({
          seed: REPORT.seed,
          days,
          catalogue: runtime.catalogue,
          sessionsOf: (hall, day) => {
            const hallDay = runtime.calendar.hallDay(hall, day);
            return hallDay.open ? hallDay.sessions : [];
          },
        });
        // As demo:history ends: the database's statistics, then every day's rollups.
        const figures = await measure(runtime, plan, 'written', async () => {
          runtime.clock.set(
            DateTime.fromISO(`${REPORT.to}T08:00`, { zone: ZONE }).plus({ days: 1 }).toJSDate(),
          );
          await runtime.database.db.execute(sql`analyze`);
          await runtime.reports.backfillRollups();
        });
        report = {
          ...REPORT,
          ...figures,
          target: `${againstTarget(figures.seconds, TARGET_SECONDS)} (seconds)`,
        };
      } finally {
        await close();
      }
    }
    return {
      smallHistory: { days: DAYS, playedThroughComponents: played, written },
      writtenOverPlayedItemsPerSecond: round(written.itemsPerSecond / played.itemsPerSecond, 1),
      playedOverWrittenCpuPerItem: round(played.cpuMsPerItem / written.cpuMsPerItem, 1),
      reportFourMonths: report,
    };
  } finally {
    await standIn.close();
    await env.drop();
  }
}
