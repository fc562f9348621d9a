import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import { agentsNeeded } from '../../src/reports/index.js';
import { playCall, type AgentLeg, type CallScript } from '../../tools/history/call-player.js';
import { startRestStandIn } from '../../tools/history/rest-stand-in.js';
import { createFixedClock, ZONE } from '../../src/platform/clock.js';
import type { Runtime } from '../../src/runtime.js';
import { createAgent } from '../agents/agents-support.js';
import { createTestRuntime, startTestServer } from '../support/env.js';
import { buildCallSid } from '../support/twilio.js';

const DAY = '2021-06-07';
const NEXT = '2021-06-08';
const HOTLINE = '+864694226101';
const SERVICE = 'cc-general-guide';
const at = (local: string) => DateTime.fromISO(local, { zone: ZONE }).toJSDate();

const consultation = {
  path: 'consultation' as const,
  body: {
    serviceId: SERVICE,
    topic: '办事指南',
    question: '需要什么材料',
    answer: '身份证',
    resolution: 'resolved',
  },
};
const byPost = {
  path: 'completed-by-phone' as const,
  body: {
    serviceId: SERVICE,
    referenceNumber: 'R-1',
    result: '已办结',
    delivery: { method: 'post', address: '尖山区新兴大街1号', postcode: '155100' },
  },
};
const pickup = {
  path: 'completed-by-phone' as const,
  body: {
    serviceId: SERVICE,
    referenceNumber: 'R-2',
    result: '已办结',
    delivery: { method: 'pickup' },
  },
};
const transferred = { path: 'other' as const, body: { reason: 'transferred' } };

describe('statistics views over a known day', function () {
  this.timeout(60_000);
  const clock = createFixedClock(at(`${DAY}T08:00`));
  let runtime: Runtime;
  let a: string;
  let b: string;

  function call(
    arrive: string,
    rest: Omit<CallScript, 'callSid' | 'hotline' | 'from' | 'arrivedAt'>,
  ): CallScript {
    return {
      callSid: buildCallSid(),
      hotline: HOTLINE,
      from: '+8613904691234',
      arrivedAt: at(arrive),
      ...rest,
    };
  }
  const leg = (
    agentId: string,
    waitSeconds: number,
    talkSeconds: number,
    wrapUpSeconds: number,
    outcome?: AgentLeg['outcome'],
  ): AgentLeg => ({ agentId, waitSeconds, talkSeconds, wrapUpSeconds, outcome });

  before(async () => {
    // The transfer redirects the live call over REST: to a stand-in, as Twilio is out of reach.
    const rest = await startRestStandIn();
    after(() => rest.close());
    runtime = await createTestRuntime({
      clock,
      database: 'reports-views',
      env: { TWILIO_API_BASE_URL: rest.url },
    });
    a = await createAgent(runtime, {
      skills: ['cc-general'],
      id: `wang_li_${process.pid}`,
      displayName: '王丽',
    });
    b = await createAgent(runtime, { skills: ['cc-general'], id: `zhao_min_${process.pid}` });
    clock.set(at(`${DAY}T08:30`));
    for (const agent of [a, b]) await runtime.routing.presence.setState(agent, 'available');
    const playing = runtime as Runtime & { clock: typeof clock };
    for (const script of [
      call(`${DAY}T09:00`, { ivrSeconds: 40, ivr: 'abandoned' }),
      call(`${DAY}T09:05`, { ivrSeconds: 120, ivr: 'self-served' }),
      call(`${DAY}T09:10`, {
        ivrSeconds: 30,
        ivr: 'queue',
        queue: { skill: 'cc-general', legs: [leg(a, 10, 200, 30, consultation)] },
      }),
      call(`${DAY}T09:40`, {
        ivrSeconds: 20,
        ivr: 'queue',
        queue: { skill: 'cc-general', legs: [leg(b, 40, 100, 20, byPost)] },
      }),
      // A answers in 15 s and transfers; B answers 25 s later.
      call(`${DAY}T10:00`, {
        ivrSeconds: 20,
        ivr: 'queue',
        queue: {
          skill: 'cc-general',
          legs: [leg(a, 15, 60, 5, transferred), leg(b, 25, 120, 10, pickup)],
        },
      }),
      call(`${DAY}T10:20`, {
        ivrSeconds: 20,
        ivr: 'queue',
        queue: { skill: 'cc-general', leftAfterSeconds: 3 },
      }), // short abandon
      call(`${DAY}T10:40`, {
        ivrSeconds: 20,
        ivr: 'queue',
        queue: { skill: 'cc-general', leftAfterSeconds: 50 },
      }),
      call(`${DAY}T11:00`, {
        ivrSeconds: 20,
        ivr: 'queue',
        queue: {
          skill: 'cc-general',
          leftAfterSeconds: 100,
          callback: { attempts: 1, reached: true, afterSeconds: 600 },
        },
      }),
      call(`${DAY}T11:10`, {
        ivrSeconds: 20,
        ivr: 'queue',
        queue: {
          skill: 'cc-general',
          leftAfterSeconds: 95,
          callback: { attempts: 3, reached: false, afterSeconds: 600 },
        },
      }),
    ]) {
      await playCall(playing, script);
    }
    clock.set(at(`${DAY}T16:30`));
    for (const agent of [a, b]) await runtime.routing.presence.setState(agent, 'offline');
    await playCall(playing, call(`${NEXT}T09:00`, { ivrSeconds: 30, ivr: 'abandoned' }));
    clock.set(at('2021-06-09T10:00'));
  });

  it('when the day is reported, then every figure of the hotline row is exact', async () => {
    const report = await runtime.reports.period(DAY, DAY);
    const row = report.byHotline.find((r) => r.hotline === HOTLINE)!;
    const pick = (keys: string[]) =>
      Object.fromEntries(keys.map((k) => [k, (row as unknown as Record<string, unknown>)[k]]));
    assert.deepEqual(
      pick([
        'offered',
        'answered',
        'answeredInTarget',
        'selfServed',
        'abandonedInIvr',
        'abandonedInQueue',
        'shortAbandons',
        'callbacksRequested',
        'callbacksPlaced',
        'callbacksCompleted',
        'callbacksNotReached',
        'transfers',
        'consultations',
        'completedByPhone',
        'queueSecondsAnswered',
        'talkSeconds',
        'afterCallSeconds',
        'inProgress',
      ]),
      {
        offered: 9,
        answered: 3,
        answeredInTarget: 2,
        selfServed: 1,
        abandonedInIvr: 1,
        abandonedInQueue: 1,
        shortAbandons: 1,
        callbacksRequested: 2,
        callbacksPlaced: 2,
        callbacksCompleted: 1,
        callbacksNotReached: 1,
        transfers: 1,
        consultations: 1,
        completedByPhone: 2,
        queueSecondsAnswered: 65,
        talkSeconds: 505,
        afterCallSeconds: 65,
        inProgress: 0,
      },
    );
    // Within 20 s: 10 s and 15 s; the 40 s answer and the 50 s abandon count against; the 3 s abandon is left out.
    assert.equal(row.serviceLevel, 2 / 4);
    assert.equal(row.abandonRate, 1 / 4);
    assert.equal(row.asaSeconds, 65 / 3);
    assert.equal(row.ahtSeconds, 505 / 3);
    assert.equal(row.handleSeconds, (505 + 65) / 3);
    assert.equal(report.total.offered, 9);
    assert.equal(report.history.note, null);
  });

  it('when the day is reported, then per agent (by display name, else username) talk, after-call time, outcomes and transfers are exact', async () => {
    const report = await runtime.reports.period(DAY, DAY);
    assert.deepEqual(report.byAgent, [
      {
        agentId: a,
        name: '王丽',
        handled: 2,
        talkSeconds: 260,
        holdSeconds: null,
        afterCallSeconds: 35,
        handleSeconds: 147.5,
        consultations: 1,
        completedByPhone: 0,
        bookings: 0,
        other: 1,
        transfers: 1,
      },
      {
        agentId: b,
        name: b,
        handled: 2,
        talkSeconds: 220,
        holdSeconds: null,
        afterCallSeconds: 30,
        handleSeconds: 125,
        consultations: 0,
        completedByPhone: 2,
        bookings: 0,
        other: 0,
        transfers: 0,
      },
    ]);
  });

  it("when the day is exported, then the agents' sheet names each agent (坐席姓名) with the username beside it", async () => {
    const { xlsx } = await runtime.reports.exportDay(DAY);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('按坐席')!;
    const values = (n: number) => (sheet.getRow(n).values as unknown[]).slice(1, 4);
    assert.deepEqual(values(1), ['坐席姓名', '用户名', '接听量']);
    // An account without a display name shows its username in both columns.
    assert.deepEqual(
      [values(2), values(3)],
      [
        ['王丽', a, 2],
        [b, b, 2],
      ],
    );
  });

  it('when the day is reported, then per service consultations, items completed by phone and by post are exact', async () => {
    const report = await runtime.reports.period(DAY, DAY);
    assert.deepEqual(report.byService, [
      {
        serviceId: SERVICE,
        serviceName: '办事指南咨询',
        departmentName: '综合受理导办窗口',
        hallName: '双鸭山市市民服务中心',
        consultations: 1,
        completedByPhone: 2,
        completedByPost: 1,
      },
    ]);
  });

  it('when the day is reported, then calls by half hour and by day are exact', async () => {
    const report = await runtime.reports.period(DAY, NEXT);
    const busy = report.byHalfHour.filter((h) => h.arrivals > 0);
    assert.equal(report.byHalfHour.length, 48);
    assert.deepEqual(busy, [
      { halfHour: 18, time: '09:00', arrivals: 4, answered: 1, abandoned: 0 },
      { halfHour: 19, time: '09:30', arrivals: 1, answered: 1, abandoned: 0 },
      { halfHour: 20, time: '10:00', arrivals: 2, answered: 1, abandoned: 1 },
      { halfHour: 21, time: '10:30', arrivals: 1, answered: 0, abandoned: 1 },
      { halfHour: 22, time: '11:00', arrivals: 2, answered: 0, abandoned: 0 },
    ]);
    assert.deepEqual(report.byDay, [
      { day: DAY, offered: 9, answered: 3, abandonedInQueue: 1, serviceLevel: 0.5 },
      { day: NEXT, offered: 1, answered: 0, abandonedInQueue: 0, serviceLevel: null },
    ]);
  });

  it('when a period lies outside the recorded history, then 404 with the reason, never zeros; a partly covered one says so', async () => {
    await assert.rejects(runtime.reports.period('2021-06-01', '2021-06-06'), {
      status: 404,
      code: 'outside_history',
      message: '2021年6月1日至6月6日早于有记录的第一天（2021年6月7日），没有统计数据',
    });
    await assert.rejects(runtime.reports.period('2021-06-10', '2021-06-10'), {
      status: 404,
      message: '2021年6月10日尚未到来，没有统计数据（今天是2021年6月9日）',
    });
    await assert.rejects(runtime.reports.periodOf({ week: '2021-W22' }), { status: 404 });
    const partly = await runtime.reports.period('2021-06-01', DAY);
    assert.deepEqual(
      [partly.total.offered, partly.history.note],
      [9, '记录始于2021年6月7日，此前无数据'],
    );
    const week = await runtime.reports.periodOf({ week: '2021-W23' });
    assert.deepEqual(
      [week.from, week.to, week.total.offered, week.label],
      ['2021-06-07', '2021-06-13', 10, '2021年第23周（2021年6月7日至6月13日）'],
    );
    assert.equal(week.history.note, '2021年6月9日为当日数据，截至10:00；此后尚未到来');
    const month = await runtime.reports.periodOf({ month: '2021-06' });
    assert.equal(
      month.history.note,
      '记录始于2021年6月7日，此前无数据；2021年6月9日为当日数据，截至10:00；此后尚未到来',
    );
  }).timeout(60_000);

  it('when the sentence is made, then it carries full dates whenever the years differ, for one day, a month, a year and the whole history', async () => {
    const sentence = async (from: string, to: string) =>
      runtime.reports.cumulativeSentence(await runtime.reports.period(from, to));
    assert.match(
      await sentence(DAY, DAY),
      /^2021年6月7日，全市预约热线共接入来电9次，人工接听3次，其中业务咨询1件，通过电话办理事项2件；自助办结1次，预约回电2次；/,
    );
    assert.match(
      await sentence('2021-05-20', NEXT),
      /^自2021年5月20日至6月8日，全市预约热线共接入来电10次，/,
    );
    assert.match(
      await sentence('2020-12-28', NEXT),
      /^自2020年12月28日至2021年6月8日，全市预约热线共接入来电10次，/,
    );
    const history = await runtime.reports.periodOf({ from: DAY, to: NEXT });
    assert.match(
      runtime.reports.cumulativeSentence(history),
      /^自2021年6月7日至6月8日，全市预约热线共接入来电10次，人工接听3次/,
    );
  });

  it('when the staffing plan is made, then each half hour has the Erlang C agents for its load, beside the agents logged in', async () => {
    const plan = await runtime.reports.staffing({ from: DAY, to: NEXT });
    assert.equal(plan.days, 2);
    const ten = plan.rows.find((r) => r.departmentId === 'cc-general' && r.halfHour === 20)!;
    // Two calls queued in 10:00–10:30 over two days with calls; the one answered took 205 s talk + 15 s wrap-up.
    assert.equal(ten.callsPerHalfHour, 1);
    assert.equal(ten.handleSeconds, 220);
    const expected = agentsNeeded({
      callsPerInterval: 1,
      handleSeconds: 220,
      intervalSeconds: 1800,
      targetSeconds: 20,
      goal: 0.8,
    });
    assert.deepEqual(
      [ten.agentsNeeded, ten.serviceLevel, ten.expectedWaitSeconds, ten.occupancy],
      [expected.agents, expected.serviceLevel, expected.expectedWaitSeconds, expected.occupancy],
    );
    assert.equal(ten.agentsNeeded, 1);
    // Both agents were logged in all of 10:00–10:30 on the first day, none on the second.
    assert.equal(ten.agentsLoggedIn, 1);
  });

  it('when a supervisor downloads a period export, then CSV and XLSX with the made time, every view and the staffing sheet; bad periods are 4xx', async () => {
    const { url } = await startTestServer(runtime);
    const boss = await createAgent(runtime, { skills: [], role: 'supervisor' });
    const login = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-requested-with': 'XMLHttpRequest' },
      body: JSON.stringify({ username: boss, password: 'correct horse battery' }),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const get = (path: string) => fetch(`${url}${path}`, { headers: { cookie } });
    const csv = await get('/api/reports/period.csv?week=2021-W23');
    assert.equal(csv.status, 200);
    const lines = (await csv.text())
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    const total = lines.at(-1)!.split(',');
    assert.deepEqual(
      [total[0], total[1], total[6], total[7]],
      ['2021-06-07~2021-06-13', '合计', '10', '3'],
    );
    assert.equal(total.at(-1), '2021-06-09 10:00');
    const xlsx = await get('/api/reports/period.xlsx?from=2021-06-07&to=2021-06-08');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await xlsx.arrayBuffer()) as ArrayBuffer);
    assert.deepEqual(
      workbook.worksheets.map((s) => s.name),
      ['按热线', '按部门', '按坐席', '按事项', '按半小时', '按日', '人员配置', '说明', '好差评'],
    );
    const notes = workbook.getWorksheet('说明')!;
    assert.equal(
      notes.getCell('B4').value,
      '2021-06-09 10:00（北京时间；迟到的通话事件可通过重新制表更新）',
    );
    assert.match(String(notes.getRow(2).getCell(2).value), /2021年6月7日至6月8日/);
    const agentRow = workbook.getWorksheet('按坐席')!.getRow(2);
    assert.deepEqual([agentRow.getCell(1).value, agentRow.getCell(2).value], ['王丽', a]);
    assert.deepEqual(
      (await (await get('/api/reports/period?week=2021-W60')).json()).error.code,
      'validation_failed',
    );
    const early = await get('/api/reports/period?day=2019-01-01');
    assert.equal(early.status, 404);
    assert.match((await early.json()).error.message, /早于有记录的第一天/);
    assert.equal((await get('/api/reports/period?month=2021-06&year=2021')).status, 422);
  });
});

describe('Erlang C', () => {
  it('when the classic example is computed (100 calls in 30 min, AHT 180 s, 80 % in 20 s), then 14 agents, as published', () => {
    const plan = agentsNeeded({
      callsPerInterval: 100,
      handleSeconds: 180,
      intervalSeconds: 1800,
      targetSeconds: 20,
      goal: 0.8,
    });
    assert.equal(plan.traffic, 10);
    assert.equal(plan.agents, 14);
    // Published for this example: P(wait) 17.4 %, service level 88.8 %, ASA 7.8 s, occupancy 71.4 %; 13 agents give 79.6 %.
    assert.equal(plan.waitProbability.toFixed(3), '0.174');
    assert.equal(plan.serviceLevel.toFixed(3), '0.888');
    assert.equal(plan.expectedWaitSeconds.toFixed(1), '7.8');
    assert.equal(plan.occupancy.toFixed(3), '0.714');
    assert.equal(
      agentsNeeded({
        callsPerInterval: 100,
        handleSeconds: 180,
        intervalSeconds: 1800,
        targetSeconds: 20,
        goal: 0.79,
      }).agents,
      13,
    );
  });

  it('when the load is large, then the recursion stays finite (no N! overflow) and the plan is just above the traffic', () => {
    const plan = agentsNeeded({
      callsPerInterval: 3000,
      handleSeconds: 240,
      intervalSeconds: 1800,
      targetSeconds: 20,
      goal: 0.8,
    });
    assert.equal(plan.traffic, 400);
    assert.ok(plan.agents > 400 && plan.agents < 430, String(plan.agents));
    assert.ok(Number.isFinite(plan.expectedWaitSeconds));
  });
});
