import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { createFixedClock, ZONE } from '../../src/platform/clock.js';
import type { PlayingRuntime } from '../../tools/history/booking-player.js';
import type { HistoryPlan } from '../../tools/history/history-model.js';
import { historyQueues, playHistory, prepareHistory } from '../../tools/history/history-player.js';
import { writeHistory } from '../../tools/history/history-writer.js';
import { startRestStandIn } from '../../tools/history/rest-stand-in.js';
import { createTestRuntime, testRun } from '../support/env.js';
import { planSmallHistory, SMALL_HISTORY_DAYS } from './small-history.js';
import { dumpTables } from './table-dump.js';

const DAYS = SMALL_HISTORY_DAYS;
const SEED = 11;

describe('demo history: the writer against the player', function () {
  this.timeout(600_000);
  let rest: Awaited<ReturnType<typeof startRestStandIn>>;
  const runtimes: Record<'played' | 'written', PlayingRuntime> = {} as never;
  let plan: HistoryPlan;

  before(async () => {
    rest = await startRestStandIn();
    for (const name of ['played', 'written'] as const) {
      const clock = createFixedClock(
        DateTime.fromISO(`${DAYS[0]}T07:00`, { zone: ZONE }).toJSDate(),
      );
      runtimes[name] = Object.assign(
        await createTestRuntime({
          clock,
          database: `history-${name}`,
          env: { TWILIO_API_BASE_URL: rest.url, REDIS_PREFIX: `${testRun.redisPrefix}-${name}` },
          queues: historyQueues(),
        }),
        { clock },
      );
    }
    plan = planSmallHistory(runtimes.played, SEED, DAYS);
    const { played, written } = runtimes;
    await playHistory([played], plan, { seed: SEED, actors: await prepareHistory(played, plan) });
    await writeHistory(written, plan, { seed: SEED, actors: await prepareHistory(written, plan) });
  });
  after(() => rest.close());

  it('when a history is written and the same history played through the service, then every table holds the same rows', async () => {
    const played = await dumpTables(runtimes.played.database.db);
    const written = await dumpTables(runtimes.written.database.db);
    assert.ok(played.calls!.length > 80 && played.bookings!.length > 50, 'the history is played');
    assert.deepEqual(Object.keys(written), Object.keys(played));
    for (const table of Object.keys(played)) {
      const missing = played[table]!.filter((row) => !written[table]!.includes(row));
      const extra = written[table]!.filter((row) => !played[table]!.includes(row));
      assert.deepEqual(
        {
          missing: missing.slice(0, 3),
          extra: extra.slice(0, 3),
          counts: [written[table]!.length, played[table]!.length],
        },
        { missing: [], extra: [], counts: [played[table]!.length, played[table]!.length] },
        `${table} differs`,
      );
    }
  });

  it('when written, then every figure of the statistics is the played one, day by day and over the days', async () => {
    const at = DateTime.fromISO(`${DAYS.at(-1)}T23:30`, { zone: ZONE }).toJSDate();
    for (const runtime of Object.values(runtimes)) runtime.clock.set(at);
    const figures = async (runtime: PlayingRuntime) => ({
      days: await Promise.all(DAYS.map((day) => runtime.reports.period(day, day))),
      whole: await runtime.reports.period(DAYS[0]!, DAYS.at(-1)!),
      staffing: await runtime.reports.staffing({ from: DAYS[0]!, to: DAYS.at(-1)! }),
      evaluations: await runtime.evaluations.report(DAYS[0]!, DAYS.at(-1)!),
    });
    const played = await figures(runtimes.played);
    assert.ok(played.whole.total.answered > 0);
    assert.deepEqual(await figures(runtimes.written), played);
  });
});
