import { DateTime } from 'luxon';
import { createFixedClock, ZONE } from '../../src/platform/clock.js';
import { createLogger } from '../../src/platform/logger.js';
import { createRuntime } from '../../src/runtime.js';
import type { PlayingRuntime } from '../../tools/history/booking-player.js';
import { demoConfig, type DemoDataSet } from '../../tools/history/demo-data-set.js';
import { historyQueues, prepareHistory } from '../../tools/history/history-player.js';
import { writeHistory, type WriterStage } from '../../tools/history/history-writer.js';
import { startRestStandIn } from '../../tools/history/rest-stand-in.js';
import { planSmallHistory } from './small-history.js';

/**
 * A demo history run as its own process, for the tests that kill it or run it beside a live
 * service: `tsx test/reports/history-child.ts '<json>'` with the data set (as demo:history takes
 * it: demo-data-set.ts, over the live environment this process is given), the seed, the days
 * and, optionally, `pauseAt`: when the writer reaches that day and stage (inside the day's
 * transaction, or after its commit) it prints `paused` and waits, to be killed there. It prints
 * `played` when the history is complete.
 */
const given = JSON.parse(process.argv[2] ?? '{}') as DemoDataSet & {
  seed: number;
  days: string[];
  pauseAt?: { day: string; stage: WriterStage };
};
const standIn = await startRestStandIn();
const config = demoConfig(given, {
  TWILIO_API_BASE_URL: standIn.url,
  STAFF_PASSWORD_HASH_MEMORY_KIB: '1024',
});
const clock = createFixedClock(DateTime.fromISO(given.days[0]!, { zone: ZONE }).toJSDate());
const runtime: PlayingRuntime = Object.assign(
  await createRuntime(config, {
    clock,
    logger: createLogger('silent'),
    prepareDatabase: true,
    queues: historyQueues(),
  }),
  { clock },
);
const plan = planSmallHistory(runtime, given.seed, given.days);
await writeHistory(runtime, plan, {
  seed: given.seed,
  actors: await prepareHistory(runtime, plan),
  onProgress: async ({ day, stage }) => {
    if (day !== given.pauseAt?.day || stage !== given.pauseAt.stage) return;
    process.stdout.write('paused\n');
    await new Promise(() => undefined);
  },
});
process.stdout.write('played\n');
await runtime.close();
await standIn.close();
process.exit(0);
