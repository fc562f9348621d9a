import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { createFixedClock, ZONE } from '../../src/platform/clock.js';
import type { PlayingRuntime } from '../../tools/history/booking-player.js';
import type { HistoryPlan } from '../../tools/history/history-model.js';
import { historyQueues, playHistory, prepareHistory } from '../../tools/history/history-player.js';
import { startRestStandIn } from '../../tools/history/rest-stand-in.js';
import { createTestRuntime, testRun } from '../support/env.js';
import { planSmallHistory, SMALL_HISTORY_DAYS } from './small-history.js';

const DAYS = SMALL_HISTORY_DAYS;
const SEED = 11;

describe('demo history: a seeded history played through the services', function () {
  this.timeout(300_000);
  const queues = historyQueues();
  let runtime: PlayingRuntime;
  let plan: HistoryPlan;
  let rest: Awaited<ReturnType<typeof startRestStandIn>>;
  const planFor = (seed: number) => planSmallHistory(runtime, seed, DAYS);
  const count = async (query: ReturnType<typeof sql>) =>
    Number(((await runtime.database.db.execute(query)) as unknown as Array<{ n: string }>)[0]!.n);
  const snapshot = async () => ({
    calls: await count(sql`select count(*) as n from calls`),
    bookings: await count(sql`select count(*) as n from bookings`),
    bookingEvents: await count(sql`select count(*) as n from booking_events`),
    outcomes: await count(sql`select count(*) as n from call_outcomes`),
    agentCalls: await count(sql`select count(*) as n from agent_calls`),
    callEvents: await count(sql`select count(*) as n from call_events`),
    evaluations: await count(sql`select count(*) as n from evaluations where result = 'evaluated'`),
    caseSteps: await count(sql`select count(*) as n from evaluation_case_steps`),
  });

  before(async () => {
    rest = await startRestStandIn();
    const clock = createFixedClock(DateTime.fromISO(`${DAYS[0]}T07:00`, { zone: ZONE }).toJSDate());
    runtime = Object.assign(
      await createTestRuntime({
        clock,
        database: 'demo-history',
        env: { TWILIO_API_BASE_URL: rest.url, REDIS_PREFIX: `${testRun.redisPrefix}-history` },
        queues,
      }),
      { clock },
    );
    plan = planFor(SEED);
    await playHistory([runtime], plan, { seed: SEED, actors: await prepareHistory(runtime, plan) });
  });
  after(() => rest.close());

  it('when planned twice with one seed, then the same history; with another seed, another', () => {
    const shape = (p: HistoryPlan) => JSON.stringify(p.days.map((d) => [d.calls, d.bookings]));
    assert.equal(shape(planFor(SEED)), shape(plan));
    assert.notEqual(shape(planFor(SEED + 1)), shape(plan));
  });

  it('when played, then every channel books through the calendar, and every booking of a played day is settled: checked in, no-show or cancelled', async () => {
    const rows = (await runtime.database.db.execute(
      sql`select channel, status, day::text as day, count(*)::int as n from bookings group by 1, 2, 3`,
    )) as unknown as Array<{ channel: string; status: string; day: string; n: number }>;
    const byChannel = (channel: string) =>
      rows.filter((r) => r.channel === channel).reduce((n, r) => n + r.n, 0);
    for (const channel of ['web', 'wechat', 'walk_in', 'phone', 'ivr'])
      assert.ok(byChannel(channel) > 0, `no ${channel} booking`);
    const online = plan.days.reduce(
      (n, d) => n + d.bookings.filter((b) => b.channel !== 'walk_in').length,
      0,
    );
    assert.equal(
      byChannel('web') + byChannel('wechat'),
      online,
      'every planned online booking found a place',
    );
    const played = rows.filter((r) => r.day <= DAYS.at(-1)!);
    assert.deepEqual(
      played.filter((r) => r.status === 'confirmed'),
      [],
      'a booking of a played day still waits',
    );
    for (const status of ['checked_in', 'no_show'])
      assert.ok(
        played.some((r) => r.status === status),
        `no ${status}`,
      );
    assert.ok(
      rows.some((r) => r.status === 'cancelled'),
      'no cancellation',
    );
  });

  it("when an agent's outcome is a booking, then it names a phone booking made by that agent on that call's day", async () => {
    const rows = (await runtime.database.db.execute(
      sql`select o.agent_id, b.made_by, b.channel from call_outcomes o left join bookings b on b.id::text = o.details->>'bookingId' where o.kind = 'booking'`,
    )) as unknown as Array<{ agent_id: string; made_by: string | null; channel: string | null }>;
    const planned = plan.days
      .flatMap((d) => d.calls)
      .filter((c) => c.queue?.legs?.at(-1)?.booking).length;
    assert.ok(rows.length > 0 && rows.length <= planned);
    for (const row of rows) assert.deepEqual([row.made_by, row.channel], [row.agent_id, 'phone']);
  });

  it('when a call is transferred, then the transfer use case redirects the live call over REST once per transfer', async () => {
    const transfers = plan.days
      .flatMap((d) => d.calls)
      .filter((c) => (c.queue?.legs?.length ?? 0) > 1).length;
    assert.ok(transfers > 0, 'the seed plans no transfer');
    assert.equal(rest.redirects(), transfers);
    assert.equal(
      await count(sql`select count(*) as n from call_events where event = 'transferred'`),
      transfers,
    );
  });

  it("when played, then the jobs the calls produce are counted, never queued: a history's timers and SMS are due in the past", async () => {
    // Each call is summarized by its final status callback, not by a job.
    assert.equal(queues.counts.get('call-summary'), undefined);
    assert.equal(await count(sql`select count(*) as n from calls where summarized_at is null`), 0);
    assert.ok((queues.counts.get('booking-sms') ?? 0) > 0);
    const waiting = await runtime.redis.keys(`${runtime.config.redisPrefix}:bull:*`);
    assert.deepEqual(waiting, []);
  });

  it('when the report is made, then it has the planned answered calls, and outcomes by the dealt quotas', async () => {
    const report = await runtime.reports.period(DAYS[0]!, DAYS.at(-1)!);
    const finals = plan.days.flatMap((d) => d.calls).flatMap((c) => c.queue?.legs?.slice(-1) ?? []);
    assert.equal(report.total.answered, plan.answered);
    assert.equal(
      report.total.consultations,
      finals.filter((l) => l.outcome?.path === 'consultation').length,
    );
    assert.equal(
      report.total.completedByPhone,
      finals.filter((l) => l.outcome?.path === 'completed-by-phone').length,
    );
  });

  it('when played, then every answered call was offered the 好差评 menu, most callers pressed a key, and the 差评 opened cases', async () => {
    const offered = await count(sql`select count(*) as n from evaluations`);
    const evaluated = await count(
      sql`select count(*) as n from evaluations where level is not null`,
    );
    const poor = await count(sql`select count(*) as n from evaluations where level >= 4`);
    const cases = await count(sql`select count(*) as n from evaluation_cases`);
    assert.equal(offered, plan.answered);
    assert.ok(
      evaluated > offered * 0.7 && evaluated < offered,
      `${evaluated} of ${offered} evaluated`,
    );
    assert.equal(cases, poor);
  });

  it('when played again with the same seed (a resumed run), then nothing changes', async () => {
    const before = await snapshot();
    await playHistory([runtime], plan, { seed: SEED, actors: await prepareHistory(runtime, plan) });
    assert.deepEqual(await snapshot(), before);
  });
});
