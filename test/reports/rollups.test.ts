import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { createFixedClock, ZONE } from '../../src/platform/clock.js';
import { sql, type Database } from '../../src/platform/db.js';
import { createLogger } from '../../src/platform/logger.js';
import { createReportsService, type ReportsService } from '../../src/reports/index.js';
import type { Runtime } from '../../src/runtime.js';
import { createTestRuntime } from '../support/env.js';
import { testSeed } from '../support/random.js';
import { createRawFigures } from './raw-figures.js';

/*
 * Random histories, written as rows the way the services write them (calls with their stages,
 * agent legs, outcomes, transfers, callback requests, agent states, slots and bookings), and
 * every figure of random periods and of the staffing plan read from the rollups held equal to
 * the same figure computed from the raw rows by the published definitions. Then late changes
 * (an outcome entered next morning, a callback placed, a booking cancelled, a late call, an
 * agent's next state, a renamed agent) and the figures compared again. Agents' states are written
 * in time order, as the desk writes them: the plan's logged-in time is a sum over days only then.
 */

const DAYS = ['2020-03-02', '2020-03-03', '2020-03-04', '2020-03-05'];
const dayStart = (i: number) => DateTime.fromISO(DAYS[0]!, { zone: ZONE }).plus({ days: i });
const AGENTS = ['rollup_agent_a', 'rollup_agent_b', 'rollup_agent_c'];
const KINDS = ['consultation', 'completed_by_phone', 'booking', 'other'] as const;
/** True with probability p. */
const chance = (p: number) => fc.integer({ min: 0, max: 999 }).map((n) => n < p * 1000);

const legArb = fc.record({
  agent: fc.integer({ min: 0, max: 2 }),
  gapMs: fc.integer({ min: 0, max: 90_000 }),
  talkMs: fc.integer({ min: 0, max: 1_200_000 }),
  ended: chance(0.9),
  wrapMs: fc.option(fc.integer({ min: 0, max: 200_000 }), { nil: null }),
  outcome: fc.option(
    fc.record({
      kind: fc.constantFrom(...KINDS),
      service: fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }),
      post: fc.boolean(),
      afterMs: fc.integer({ min: 0, max: 40_000_000 }),
    }),
    { nil: null },
  ),
  transferAfterMs: fc.option(fc.integer({ min: 0, max: 1_500_000 }), { nil: null }),
});

const callArb = fc.record({
  day: fc.integer({ min: 0, max: DAYS.length - 1 }),
  // Near midnight often: the days' boundaries are where rollups could go wrong.
  secondOfDay: fc.oneof(
    fc.integer({ min: 0, max: 86_399 }),
    fc.integer({ min: 85_000, max: 86_399 }),
  ),
  ms: fc.integer({ min: 0, max: 999 }),
  hotline: fc.integer({ min: 0, max: 3 }),
  outbound: chance(0.1),
  rejected: chance(0.05),
  path: fc.constantFrom('ivr', 'self', 'answered', 'abandoned', 'callback', 'running'),
  ivrMs: fc.integer({ min: 0, max: 300_000 }),
  waitMs: fc.integer({ min: 0, max: 60_000 }),
  legs: fc.array(legArb, { minLength: 1, maxLength: 3 }),
  callback: fc.record({
    attempts: fc.integer({ min: 0, max: 3 }),
    status: fc.constantFrom('pending', 'completed', 'given_up'),
    afterMs: fc.integer({ min: 0, max: 4_000_000 }),
  }),
  summarized: chance(0.85),
});

const stateArb = fc.record({
  agent: fc.integer({ min: 0, max: 2 }),
  atMs: fc.integer({ min: -86_400_000, max: DAYS.length * 86_400_000 }),
  to: fc.constantFrom('available', 'busy', 'wrap_up', 'offline'),
});
const slotArb = fc.record({
  service: fc.integer({ min: 0, max: 2 }),
  day: fc.integer({ min: -1, max: DAYS.length }),
  hour: fc.integer({ min: 8, max: 16 }),
  capacity: fc.integer({ min: 0, max: 4 }),
  closed: chance(0.2),
});
const bookingArb = fc.record({
  slot: fc.nat(),
  channel: fc.constantFrom('phone', 'ivr', 'web', 'wechat', 'walk_in'),
  status: fc.constantFrom('confirmed', 'cancelled', 'no_show', 'checked_in'),
});

const historyArb = fc.record({
  calls: fc.array(callArb, { maxLength: 40 }),
  states: fc.array(stateArb, { maxLength: 20 }),
  slots: fc.array(slotArb, { maxLength: 12 }),
  bookings: fc.array(bookingArb, { maxLength: 20 }),
});

const periodArb = fc
  .tuple(fc.integer({ min: -1, max: DAYS.length }), fc.integer({ min: 0, max: DAYS.length }))
  .map(([a, b]) => {
    const from = Math.min(a, b);
    const to = Math.max(a, b);
    return { from: dayStart(from).toISODate()!, to: dayStart(to).toISODate()! };
  });

const changeArb = fc.record({
  lateCall: fc.option(callArb, { nil: null }),
  outcomeKind: fc.option(fc.constantFrom(...KINDS), { nil: null }),
  callbackReached: fc.boolean(),
  cancelBooking: fc.boolean(),
  laterState: fc.option(
    fc.record({
      agent: fc.integer({ min: 0, max: 2 }),
      afterMs: fc.integer({ min: 0, max: 2 * 86_400_000 }),
      to: fc.constantFrom('available', 'offline'),
    }),
    { nil: null },
  ),
  rename: fc.boolean(),
});

type History = typeof historyArb extends fc.Arbitrary<infer T> ? T : never;
type CallSpec = History['calls'][number];

describe('statistics rollups: every figure equals the raw ledger', function () {
  this.timeout(600_000);
  let runtime: Runtime;
  let db: Database;
  let hotlines: Array<{ number: string; hall: string; department: string }>;
  let services: Array<{ id: string; hall: string }>;
  let serial = 0;

  before(async () => {
    runtime = await createTestRuntime({ database: 'reports-rollups' });
    db = runtime.database.db;
    hotlines = runtime.catalogue.hotlines
      .slice(0, 3)
      .map((h) => ({ number: h.number, hall: h.hall, department: h.department }));
    services = runtime.catalogue.halls
      .flatMap((h) =>
        h.departments.flatMap((d) => d.services.map((s) => ({ id: s.id, hall: h.id }))),
      )
      .slice(0, 3);
    for (const [i, id] of AGENTS.entries()) {
      await db.execute(
        sql`insert into staff_users (id, role, password_hash, skills, display_name) values (${id}, 'agent', 'x', ${JSON.stringify([hotlines[i % hotlines.length]!.department, hotlines[0]!.department])}::jsonb, ${i === 0 ? '' : `坐席${i}`})`,
      );
    }
  });

  async function reset(): Promise<void> {
    await db.execute(sql`truncate calls, call_events, agent_calls, call_outcomes, callback_requests, agent_state_log, bookings, booking_slots,
      report_rollup_days, report_rollup_changes, report_rollup_calls, report_rollup_agents, report_rollup_transfers, report_rollup_services,
      report_rollup_staffing, report_rollup_staffing_wrap_up, report_rollup_online, report_rollup_bookings, report_rollup_slots cascade`);
  }

  const iso = (ms: number) => new Date(ms).toISOString();

  async function writeCall(spec: CallSpec): Promise<void> {
    serial += 1;
    const sid = `CArollup${serial}`;
    const hotline = spec.hotline < hotlines.length ? hotlines[spec.hotline]! : null;
    const arrived = dayStart(spec.day).toMillis() + spec.secondOfDay * 1000 + spec.ms;
    const running = spec.path === 'running';
    const queued = ['answered', 'abandoned', 'callback', 'running'].includes(spec.path)
      ? arrived + spec.ivrMs
      : null;
    const legs: Array<{
      agent: string;
      answered: number;
      ended: number | null;
      wrap: number | null;
      leg: History['calls'][number]['legs'][number];
    }> = [];
    if ((spec.path === 'answered' || running) && queued !== null) {
      let t = queued + spec.waitMs;
      const seen = new Set<number>();
      for (const leg of spec.legs) {
        if (seen.has(leg.agent)) continue;
        seen.add(leg.agent);
        const answered = t + (legs.length > 0 ? leg.gapMs : 0);
        const ended = leg.ended || !running ? answered + leg.talkMs : null;
        legs.push({
          agent: AGENTS[leg.agent]!,
          answered,
          ended,
          wrap: ended !== null && leg.wrapMs !== null ? ended + leg.wrapMs : null,
          leg,
        });
        if (ended === null) break;
        t = ended;
      }
    }
    const answered = legs[0]?.answered ?? null;
    const last = legs.at(-1);
    const ended = running
      ? null
      : (last?.ended ??
        (queued ?? arrived) +
          (spec.path === 'ivr' || spec.path === 'self' ? spec.ivrMs : spec.waitMs));
    const summarized = ended !== null && spec.summarized;
    const endReason = !summarized
      ? spec.rejected
        ? 'rejected'
        : null
      : spec.rejected
        ? 'rejected'
        : answered !== null
          ? 'answered'
          : spec.path === 'callback'
            ? 'callback_requested'
            : queued !== null
              ? 'abandoned_in_queue'
              : spec.path === 'self'
                ? 'self_served'
                : 'abandoned_in_ivr';
    const seconds = (from: number | null, to: number | null) =>
      from !== null && to !== null ? Math.round((to - from) / 1000) : null;
    await db.execute(sql`insert into calls (call_sid, direction, hotline_number, hall_id, department_id, from_number, to_number, status, status_rank, arrived_at,
        queued_at, answered_at, ended_at, queue_skill, agent_id, self_served, callback_requested, end_reason, queue_seconds, talk_seconds, summarized_at)
      values (${sid}, ${spec.outbound ? 'outbound' : 'inbound'}, ${hotline?.number ?? null}, ${hotline?.hall ?? null}, ${hotline?.department ?? null}, '+8613900000000', ${hotline?.number ?? '+861000'},
        ${ended === null ? 'in-progress' : 'completed'}, ${ended === null ? 5 : 9}, ${iso(arrived)}::timestamptz,
        ${queued === null ? null : iso(queued)}::timestamptz, ${answered === null ? null : iso(answered)}::timestamptz, ${ended === null ? null : iso(ended)}::timestamptz,
        ${queued === null ? null : (hotline ?? hotlines[0]!).department}, ${last?.agent ?? null}, ${spec.path === 'self'}, ${spec.path === 'callback'}, ${endReason},
        ${summarized && queued !== null ? seconds(queued, answered ?? ended) : null}, ${summarized && answered !== null ? seconds(answered, ended) : null},
        ${summarized ? iso(ended!) : null}::timestamptz)`);
    for (const [i, leg] of legs.entries()) {
      await db.execute(sql`insert into agent_calls (call_sid, agent_id, skill, answered_at, ended_at, wrap_up_ended_at, outcome_status)
        values (${sid}, ${leg.agent}, ${(hotline ?? hotlines[0]!).department}, ${iso(leg.answered)}::timestamptz, ${leg.ended === null ? null : iso(leg.ended)}::timestamptz,
          ${leg.wrap === null ? null : iso(leg.wrap)}::timestamptz, 'pending')`);
      const outcome = leg.leg.outcome;
      if (outcome && leg.ended !== null) {
        await db.execute(sql`insert into call_outcomes (call_sid, agent_id, kind, service_id, details, recorded_at)
          values (${sid}, ${leg.agent}, ${outcome.kind}, ${outcome.service === null ? null : services[outcome.service]!.id},
            ${JSON.stringify(outcome.post ? { delivery: { method: 'post' } } : { delivery: { method: 'pickup' } })}::jsonb, ${iso(leg.ended + outcome.afterMs)}::timestamptz)`);
      }
      if (leg.leg.transferAfterMs !== null && i < legs.length - 1) {
        await db.execute(sql`insert into call_events (call_sid, source, event, dedupe_key, occurred_at, payload)
          values (${sid}, 'agent', 'transferred', ${`transferred:${i}`}, ${iso(leg.answered + leg.leg.transferAfterMs)}::timestamptz, ${JSON.stringify({ agentId: leg.agent })}::jsonb)`);
      }
    }
    if (spec.path === 'callback' && queued !== null) {
      const requested = ended ?? queued;
      await db.execute(sql`insert into callback_requests (call_sid, hotline_number, hall_id, skill, phone, queued_at, requested_at, not_before, status, attempts)
        values (${sid}, ${(hotline ?? hotlines[0]!).number}, ${(hotline ?? hotlines[0]!).hall}, ${(hotline ?? hotlines[0]!).department}, '+8613900000000',
          ${iso(queued)}::timestamptz, ${iso(requested + spec.callback.afterMs)}::timestamptz, ${iso(requested)}::timestamptz, ${spec.callback.status}, ${spec.callback.attempts})`);
    }
  }

  async function writeState(state: History['states'][number]): Promise<void> {
    serial += 1;
    await db.execute(sql`insert into agent_state_log (agent_id, from_state, to_state, reason, version, at)
      values (${AGENTS[state.agent]!}, 'offline', ${state.to}, 'test', ${serial}, ${iso(dayStart(0).toMillis() + state.atMs)}::timestamptz)`);
  }

  async function write(history: History): Promise<void> {
    for (const call of history.calls) await writeCall(call);
    // In time order per agent, as the desk writes them.
    for (const state of [...history.states].sort((a, b) => a.atMs - b.atMs))
      await writeState(state);
    const slotIds: number[] = [];
    for (const [i, slot] of history.slots.entries()) {
      const service = services[slot.service]!;
      const starts = dayStart(slot.day).set({ hour: slot.hour, minute: i % 60 });
      const [row] =
        (await db.execute(sql`insert into booking_slots (hall_id, service_id, day, starts_at, ends_at, base_capacity, capacity, closed)
        values (${service.hall}, ${service.id}, ${starts.toISODate()}::date, ${starts.toJSDate().toISOString()}::timestamptz, ${starts.plus({ minutes: 30 }).toJSDate().toISOString()}::timestamptz,
          ${slot.capacity}, ${slot.capacity}, ${slot.closed})
        on conflict do nothing returning id`)) as unknown as Array<{ id: string }>;
      if (row) slotIds.push(Number(row.id));
    }
    for (const booking of history.bookings) {
      if (slotIds.length === 0) break;
      const slotId = slotIds[booking.slot % slotIds.length]!;
      serial += 1;
      const taken = (await db.execute(
        sql`update booking_slots set booked = booked + 1 where id = ${slotId} and booked < capacity returning id`,
      )) as unknown as unknown[];
      const status = taken.length > 0 ? booking.status : 'cancelled';
      await db.execute(sql`insert into bookings (code, slot_id, hall_id, service_id, day, starts_at, ends_at, channel, made_by, phone, id_hash, id_masked, status)
        select ${`R${serial}`}, s.id, s.hall_id, s.service_id, s.day, s.starts_at, s.ends_at, ${booking.channel}, 'test', '+8613900000000', ${`hash${serial}`}, '23**', ${status}
        from booking_slots s where s.id = ${slotId}`);
    }
  }

  async function change(
    changes: typeof changeArb extends fc.Arbitrary<infer T> ? T : never,
  ): Promise<void> {
    if (changes.lateCall) await writeCall(changes.lateCall);
    if (changes.outcomeKind)
      await db.execute(
        sql`update call_outcomes set kind = ${changes.outcomeKind}, recorded_at = recorded_at + interval '1 hour' where id = (select min(id) from call_outcomes)`,
      );
    if (changes.callbackReached)
      await db.execute(
        sql`update callback_requests set status = 'completed', attempts = attempts + 1 where id = (select max(id) from callback_requests)`,
      );
    if (changes.cancelBooking)
      await db.execute(
        sql`update bookings set status = 'cancelled' where id = (select id from bookings where status <> 'cancelled' order by code limit 1)`,
      );
    if (changes.laterState) {
      // Appended after the agent's last state, as the desk records them (in time order).
      const agent = AGENTS[changes.laterState.agent]!;
      const [last] = (await db.execute(
        sql`select coalesce(max(extract(epoch from at) * 1000), 0)::float8 as ms from agent_state_log where agent_id = ${agent}`,
      )) as unknown as Array<{ ms: number }>;
      const atMs =
        Math.max(Number(last!.ms), dayStart(0).toMillis()) +
        changes.laterState.afterMs -
        dayStart(0).toMillis();
      await writeState({ agent: changes.laterState.agent, atMs, to: changes.laterState.to });
    }
    if (changes.rename)
      await db.execute(
        sql`update staff_users set display_name = display_name || '改' where id = ${AGENTS[1]!}`,
      );
  }

  /** The report, or the error it ends in; the made time aside. */
  async function outcomeOf<T extends object>(make: () => Promise<T>): Promise<unknown> {
    try {
      const { madeAt: _madeAt, ...rest } = (await make()) as T & { madeAt?: string };
      return rest;
    } catch (error) {
      return { error: (error as Error).message };
    }
  }

  async function compare(
    rolled: ReportsService,
    raw: ReportsService,
    periods: Array<{ from: string; to: string }>,
    when: string,
  ): Promise<void> {
    for (const { from, to } of periods) {
      assert.deepEqual(
        await outcomeOf(() => rolled.period(from, to)),
        await outcomeOf(() => raw.period(from, to)),
        `${when}: period ${from}…${to}`,
      );
      assert.deepEqual(
        await outcomeOf(() => rolled.staffing({ from, to })),
        await outcomeOf(() => raw.staffing({ from, to })),
        `${when}: staffing ${from}…${to}`,
      );
    }
  }

  it('when random histories are played and changed late, then every figure from the rollups equals the raw recomputation, for any period', async () => {
    const runs = Number(process.env.ROLLUP_RUNS ?? 30);
    await fc.assert(
      fc.asyncProperty(
        historyArb,
        fc.array(periodArb, { minLength: 1, maxLength: 3 }),
        changeArb,
        fc.constantFrom(-1, 1, 2, 5),
        fc.constantFrom(
          { targetSeconds: 20, shortAbandonSeconds: 5 },
          { targetSeconds: 30, shortAbandonSeconds: 10 },
        ),
        async (history, periods, changes, todayIndex, thresholds) => {
          await reset();
          await write(history);
          // Today: before, inside (its days rebuilt on every read) or after the history.
          const clock = createFixedClock(dayStart(todayIndex).set({ hour: 18 }).toJSDate());
          const common = {
            db,
            catalogue: runtime.catalogue,
            clock,
            logger: createLogger('silent'),
            serviceLevelSeconds: thresholds.targetSeconds,
            shortAbandonSeconds: thresholds.shortAbandonSeconds,
          };
          const rolled = createReportsService(common);
          const raw = createReportsService({
            ...common,
            figures: createRawFigures(db, thresholds),
          });
          const all = [...periods, { from: DAYS[0]!, to: DAYS.at(-1)! }];
          await compare(rolled, raw, all, 'played');
          await change(changes);
          await compare(rolled, raw, all, 'changed late');
        },
      ),
      { seed: testSeed, numRuns: runs, endOnFailure: process.env.ROLLUP_SHRINK === '0' },
    );
  });

  it('when a period never built is read by several requests at once (the page asks for the report and the staffing plan together), then each read waits for the build and has every figure', async () => {
    const history = fc.sample(historyArb, { seed: testSeed, numRuns: 1 })[0]!;
    for (let attempt = 0; attempt < 3; attempt++) {
      await reset();
      await write(history);
      const clock = createFixedClock(dayStart(DAYS.length + 1).toJSDate());
      const common = {
        db,
        catalogue: runtime.catalogue,
        clock,
        logger: createLogger('silent'),
        serviceLevelSeconds: 20,
        shortAbandonSeconds: 5,
      };
      const raw = createReportsService({
        ...common,
        figures: createRawFigures(db, { targetSeconds: 20, shortAbandonSeconds: 5 }),
      });
      const from = DAYS[0]!;
      const to = DAYS.at(-1)!;
      const expected = {
        period: await raw.period(from, to),
        staffing: await raw.staffing({ from, to }),
      };
      // Separate services, as separate web processes would be: nothing shared but the database.
      const readers = [0, 1, 2].map(() => createReportsService(common));
      const reads = await Promise.all(
        readers.flatMap((reports) => [reports.period(from, to), reports.staffing({ from, to })]),
      );
      reads.forEach((read, i) =>
        assert.deepEqual(
          read,
          i % 2 === 0 ? expected.period : expected.staffing,
          `read ${i}, try ${attempt}`,
        ),
      );
    }
  });

  it('when a day was built and its rows change later, then the change is recorded for that day alone, and not for today', async () => {
    await reset();
    const clock = createFixedClock(dayStart(DAYS.length).set({ hour: 12 }).toJSDate());
    const reports = createReportsService({
      db,
      catalogue: runtime.catalogue,
      clock,
      logger: createLogger('silent'),
      serviceLevelSeconds: 20,
      shortAbandonSeconds: 5,
    });
    const call: CallSpec = {
      day: 1,
      secondOfDay: 36_000,
      ms: 0,
      hotline: 0,
      outbound: false,
      rejected: false,
      path: 'answered',
      ivrMs: 10_000,
      waitMs: 5_000,
      legs: [
        {
          agent: 0,
          gapMs: 0,
          talkMs: 60_000,
          ended: true,
          wrapMs: 10_000,
          outcome: null,
          transferAfterMs: null,
        },
      ],
      callback: { attempts: 0, status: 'pending', afterMs: 0 },
      summarized: true,
    };
    await writeCall(call);
    await reports.period(DAYS[0]!, DAYS.at(-1)!);
    const changes = async () =>
      (
        (await db.execute(
          sql`select distinct day::text as day from report_rollup_changes order by day`,
        )) as unknown as Array<{ day: string }>
      ).map((r) => r.day);
    assert.deepEqual(await changes(), []);
    await db.execute(
      sql`insert into call_outcomes (call_sid, agent_id, kind, service_id, details, recorded_at) values (${`CArollup${serial}`}, ${AGENTS[0]!}, 'consultation', null, '{}'::jsonb, now())`,
    );
    assert.deepEqual(await changes(), [DAYS[1]]);
    assert.equal((await reports.period(DAYS[1]!, DAYS[1]!)).total.consultations, 1);
    assert.deepEqual(await changes(), [], 'the rebuild took the change in');
    // A call of today (by the database's clock) records nothing, even with today built: today is rebuilt whenever it is read.
    await db.execute(
      sql`insert into report_rollup_days (day, target_seconds, short_abandon_seconds) values ((now() at time zone 'Asia/Shanghai')::date, 20, 5)`,
    );
    await db.execute(
      sql`insert into calls (call_sid, hotline_number, arrived_at) values ('CArollup-today', ${hotlines[0]!.number}, now())`,
    );
    assert.deepEqual(await changes(), []);
  });
});
