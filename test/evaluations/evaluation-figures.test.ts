import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { EvaluationFigures, EvaluationReport } from '../../src/evaluations/index.js';
import { createFixedClock, ZONE } from '../../src/platform/clock.js';
import { queryRows } from '../../src/platform/db.js';
import type { Runtime } from '../../src/runtime.js';
import { createAgent } from '../agents/agents-support.js';
import { createTestRuntime, testRun } from '../support/env.js';
import { createRandom, randomHex, testSeed } from '../support/random.js';
import { buildCallSid } from '../support/twilio.js';

/** One evaluation row as the figures were first computed from: one row each, added up in JavaScript. */
interface Fact extends Record<string, unknown> {
  hotline_number: string | null;
  department_id: string | null;
  agent_id: string | null;
  service_id: string | null;
  level: number | null;
  called_back: boolean;
  closed: boolean;
  closed_in_time: boolean;
}

/** The 好差评 report computed the first way (every evaluation read, grouped in JavaScript): the oracle. */
async function reportTheFirstWay(runtime: Runtime, from: string, to: string) {
  const start = DateTime.fromISO(from, { zone: ZONE }).startOf('day').toJSDate();
  const end = DateTime.fromISO(to, { zone: ZONE }).plus({ days: 1 }).startOf('day').toJSDate();
  const facts = await queryRows<Fact>(
    runtime.database.db,
    sql`select e.hotline_number, e.department_id, e.agent_id, o.service_id, e.level,
          exists (select 1 from evaluation_case_steps s where s.case_id = c.id and s.kind = 'callback') as called_back,
          coalesce(c.status = 'closed', false) as closed,
          coalesce(c.status = 'closed' and c.closed_at <= c.due_at, false) as closed_in_time
        from evaluations e
        left join call_outcomes o on o.call_sid = e.call_sid and o.agent_id = e.agent_id
        left join evaluation_cases c on c.evaluation_id = e.id
        where e.offered_at >= ${start.toISOString()}::timestamptz and e.offered_at < ${end.toISOString()}::timestamptz
          and not exists (select 1 from calls t where t.call_sid = e.call_sid and t.training)
        order by e.id`,
  );
  const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : null);
  const figuresOf = (rows: readonly Fact[]): EvaluationFigures => {
    const count = (test: (f: Fact) => boolean) => rows.filter(test).length;
    const levels = [1, 2, 3, 4, 5].map((level) => count((f) => f.level === level));
    const evaluated = levels.reduce((a, b) => a + b, 0);
    const poor = levels[3]! + levels[4]!;
    const isPoor = (f: Fact) => f.level === 4 || f.level === 5;
    const revisited = count((f) => isPoor(f) && f.called_back);
    const rectified = count((f) => isPoor(f) && f.closed);
    const rectifiedInTime = count((f) => isPoor(f) && f.closed_in_time);
    return {
      offered: rows.length,
      evaluated,
      verySatisfied: levels[0]!,
      satisfied: levels[1]!,
      basicallySatisfied: levels[2]!,
      dissatisfied: levels[3]!,
      veryDissatisfied: levels[4]!,
      notEvaluated: rows.length - evaluated,
      poor,
      revisited,
      rectified,
      rectifiedInTime,
      evaluationRate: ratio(evaluated, rows.length),
      satisfactionRate: ratio(levels[0]! + levels[1]! + levels[2]!, evaluated),
      revisitRate: ratio(revisited, poor),
      rectificationRate: ratio(rectified, poor),
      onTimeRectificationRate: ratio(rectifiedInTime, poor),
    };
  };
  const grouped = (key: (f: Fact) => string | null) => {
    const groups = new Map<string, Fact[]>();
    for (const fact of facts)
      groups.set(key(fact) ?? '', [...(groups.get(key(fact) ?? '') ?? []), fact]);
    return [...groups]
      .map(([k, rows]): [string, EvaluationFigures] => [k, figuresOf(rows)])
      .sort((a, b) => b[1].offered - a[1].offered || a[0].localeCompare(b[0]));
  };
  const { catalogue, staff } = runtime;
  const byAgent = [];
  for (const [agent, figures] of grouped((f) => f.agent_id))
    byAgent.push({
      agent: agent ? (await staff.findUser(agent))?.displayName || agent : '自助服务',
      username: agent,
      ...figures,
    });
  return {
    from,
    to,
    total: figuresOf(facts),
    byHotline: grouped((f) => f.hotline_number).map(([hotline, figures]) => ({
      hotline,
      name: catalogue.hotline(hotline)?.name ?? '未知热线',
      ...figures,
    })),
    byDepartment: grouped((f) => f.department_id).map(([department, figures]) => {
      const place = catalogue.department(department);
      return {
        department,
        hallName: place?.hall.name ?? '',
        departmentName: place?.department.name ?? '未知部门',
        ...figures,
      };
    }),
    byAgent,
    byService: grouped((f) => f.service_id).map(([service, figures]) => ({
      service,
      name: catalogue.service(service)?.service.name ?? '未登记事项',
      ...figures,
    })),
  } satisfies EvaluationReport;
}

describe('好差评 figures: added up by PostgreSQL, as they were added up row by row', function () {
  this.timeout(120_000);
  let runtime: Runtime;
  let named: string;
  let unnamed: string;

  before(async () => {
    runtime = await createTestRuntime({
      clock: createFixedClock('2027-03-10T09:00:00+08:00'),
      database: 'evaluation-figures',
      env: { REDIS_PREFIX: `${testRun.redisPrefix}-evf-${randomHex(3)}` },
    });
    const random = createRandom(testSeed);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const { catalogue } = runtime;
    const lines = catalogue.hotlines.slice(0, 4);
    const hotlines = [...lines.map((h) => h.number), '+861000000000', null];
    const departments = [...lines.map((h) => h.department), 'gone-department', null];
    const services = [
      ...lines.flatMap((h) => catalogue.department(h.department)?.department.services ?? []),
    ]
      .slice(0, 6)
      .map((s) => s.id);
    named = await createAgent(runtime, { skills: [], displayName: '钱一' });
    unnamed = await createAgent(runtime, { skills: [] });
    const agents = [named, unnamed, 'agent_left_long_ago', 'agent_never_staff', null];
    const db = runtime.database.db;
    // 600 evaluations from 28 February to 4 March, midnights included; the periods read are 1-3 March.
    for (let i = 0; i < 600; i += 1) {
      const callSid = buildCallSid();
      const offeredAt = DateTime.fromISO('2027-02-28T00:00', { zone: ZONE })
        .plus({
          minutes: i % 50 === 0 ? 1440 * Math.floor(random() * 5) : Math.floor(random() * 7200),
        })
        .toJSDate();
      const draw = random();
      const level = draw < 0.25 ? null : draw < 0.6 ? pick([1, 2, 3]) : pick([4, 5]);
      const agent = pick(agents);
      if (random() < 0.85)
        await db.execute(
          sql`insert into calls (call_sid, arrived_at, training) values (${callSid}, ${offeredAt.toISOString()}::timestamptz, ${random() < 0.1})`,
        );
      if (random() < 0.6)
        await db.execute(
          sql`insert into call_outcomes (call_sid, agent_id, kind, service_id, details, recorded_at)
              values (${callSid}, ${(random() < 0.9 && agent) || 'someone_else'}, 'consultation',
                ${pick([...services, 'unknown-service', null])}, '{}'::jsonb, ${offeredAt.toISOString()}::timestamptz)`,
        );
      const [evaluation] = await queryRows<{ id: number }>(
        db,
        sql`insert into evaluations (call_sid, channel, hotline_number, hall_id, department_id, agent_id, offered_at, result, level)
            values (${callSid}, ${agent ? 'agent' : 'self_service'}, ${pick(hotlines)}, 'hall', ${pick(departments)}, ${agent},
              ${offeredAt.toISOString()}::timestamptz, ${level ? 'evaluated' : pick(['offered', 'no_input', 'invalid', 'hung_up'])}, ${level})
            returning id`,
      );
      // Cases of most 差评, and a few of other levels, which count nothing.
      if (!((level ?? 0) >= 4 ? random() < 0.85 : random() < 0.03)) continue;
      const dueAt = DateTime.fromJSDate(offeredAt).plus({ days: 20 });
      const state = pick(['open', 'in time', 'late', 'on the dot', 'closed undated']);
      const closedAt =
        state === 'in time'
          ? dueAt.minus({ days: 3 })
          : state === 'late'
            ? dueAt.plus({ hours: 1 })
            : dueAt;
      const [c] = await queryRows<{ id: number }>(
        db,
        sql`insert into evaluation_cases (evaluation_id, department_id, hall_id, opened_at, due_on, due_at, status, closed_at)
            values (${evaluation!.id}, 'd', 'h', ${offeredAt.toISOString()}::timestamptz, ${dueAt.toISODate()!},
              ${dueAt.toISO()!}::timestamptz, ${state === 'open' ? 'open' : 'closed'},
              ${state === 'open' || state === 'closed undated' ? null : closedAt.toISO()!}::timestamptz)
            returning id`,
      );
      for (const kind of [
        'opened',
        pick(['callback', 'finding', 'overdue-alert']),
        pick(['callback', 'closed']),
      ])
        await db.execute(
          sql`insert into evaluation_case_steps (case_id, kind, at) values (${c!.id}, ${kind}, ${offeredAt.toISOString()}::timestamptz)`,
        );
    }
  });

  for (const [from, to] of [
    ['2027-03-01', '2027-03-03'],
    ['2027-03-02', '2027-03-02'],
    ['2027-02-28', '2027-03-04'],
    ['2027-03-20', '2027-03-20'],
  ] as const)
    it(`when the figures of ${from}..${to} are read, then they are those of every row added up`, async () => {
      const expected = await reportTheFirstWay(runtime, from, to);
      const report = await runtime.evaluations.report(from, to);
      assert.deepEqual(report, expected);
      if (from === '2027-03-20') {
        assert.equal(report.total.offered, 0);
        assert.deepEqual([report.byHotline, report.byAgent], [[], []]);
        return;
      }
      // The seeded rows reach every figure: none of them stays at zero.
      for (const [field, value] of Object.entries(report.total))
        if (typeof value === 'number') assert.ok(value > 0, `${field} is reached (${value})`);
      assert.ok(
        report.total.rectifiedInTime < report.total.rectified,
        'some 差评 were closed late',
      );
      assert.ok(report.byAgent.some((a) => a.agent === '钱一' && a.username === named));
      assert.ok(report.byAgent.some((a) => a.agent === unnamed && a.username === unnamed));
      assert.ok(report.byAgent.some((a) => a.agent === '自助服务' && a.username === ''));
    });

  it('when calls are training calls, then their evaluations are in no figure', async () => {
    const [row] = await queryRows<{ n: number }>(
      runtime.database.db,
      sql`select count(*)::int as n from evaluations e join calls t using (call_sid) where t.training`,
    );
    const all = await queryRows<{ n: number }>(
      runtime.database.db,
      sql`select count(*)::int as n from evaluations`,
    );
    const report = await runtime.evaluations.report('2027-02-01', '2027-03-31');
    assert.ok(row!.n > 0, 'some evaluations are on training calls');
    assert.equal(report.total.offered, all[0]!.n - row!.n);
  });
});
