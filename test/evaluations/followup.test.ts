import assert from 'node:assert/strict';
import { followUpDeadline } from '../../src/evaluations/index.js';
import { createFixedClock } from '../../src/platform/clock.js';
import type { Runtime } from '../../src/runtime.js';
import { readTwiml } from '../../src/telephony/twiml-reader.js';
import {
  client,
  createAgent,
  routingRuntime,
  serveRouting,
  useTwilioMockSuite,
} from '../agents/agents-support.js';
import { PUBLIC_BASE_URL } from '../support/env.js';
import { buildCallSid, postSigned } from '../support/twilio.js';

describe('every 差评 followed up (回访)', () => {
  const twilio = useTwilioMockSuite();
  // Monday 28 September 2026, 10:00 in Beijing: National Day (1-7 October) lies ahead, with Saturday 10 October a make-up working day.
  const clock = createFixedClock('2026-09-28T10:00:00+08:00');
  let runtime: Runtime;
  let url: string;
  let agent: string;
  const hotline = () => runtime.catalogue.hotlines.find((h) => h.department === 'hf-withdraw')!;

  beforeEach(async () => {
    clock.set('2026-09-28T10:00:00+08:00');
    runtime = await routingRuntime(twilio(), clock);
    url = await serveRouting(runtime);
    agent = await createAgent(runtime, { skills: ['hf-withdraw'], displayName: '孙丽' });
    await runtime.evaluations.setEnabled(hotline().number, true, 'supervisor-test');
  });

  /** The cases these calls' 差评 opened (other test files share the database). */
  async function casesOf(callSids: string[]) {
    const found = await Promise.all(callSids.map((callSid) => runtime.followUps.ofCall(callSid)));
    return found.filter((c) => c !== undefined);
  }

  /** A call answered by the agent, then evaluated by `key` on the phone; returns the call SID. */
  async function evaluated(key: string): Promise<string> {
    const callSid = buildCallSid();
    const line = hotline();
    await runtime.ledger.recordArrival({
      callSid,
      from: '+8613904691234',
      to: line.number,
      hotline: { number: line.number, hall: line.hall, department: line.department },
    });
    await runtime.ledger.recordQueued(callSid, {
      skill: 'hf-withdraw',
      priority: 0,
      greenChannel: false,
      commissionerId: null,
    });
    const after = await postSigned(
      url,
      `/twilio/voice/agents/dial-result?${new URLSearchParams({ agent, call: callSid })}`,
      { CallSid: callSid, DialCallStatus: 'completed', CallStatus: 'in-progress' },
    );
    const menuUrl = readTwiml(after.body)[0]!.text.trim();
    const menu = await postSigned(url, menuUrl.slice(PUBLIC_BASE_URL.length), { CallSid: callSid });
    const answer = readTwiml(menu.body)[0]!.attributes.action!;
    await postSigned(url, answer.slice(PUBLIC_BASE_URL.length), { CallSid: callSid, Digits: key });
    return callSid;
  }

  it('when the deadline is counted from Monday 28 September 2026, then the National Day holiday is skipped and the make-up Saturday counts: 15 working days end on Friday 23 October', () => {
    const { dueOn, dueAt } = followUpDeadline(
      runtime.calendar,
      new Date('2026-09-28T10:00:00+08:00'),
      15,
    );
    assert.equal(dueOn, '2026-10-23');
    assert.equal(dueAt.toISOString(), '2026-10-23T16:00:00.000Z');
    // Counted on weekdays alone it would have been Monday 19 October.
    assert.equal(
      followUpDeadline(
        {
          day: (date) => ({
            date,
            working: ![0, 6].includes(new Date(`${date}T12:00:00Z`).getUTCDay()),
            kind: 'workday',
            source: 'statutory',
          }),
        },
        new Date('2026-09-28T10:00:00+08:00'),
        15,
      ).dueOn,
      '2026-10-19',
    );
  });

  it('when a caller presses 4 (不满意), then a case opens for the department with that deadline; 1-3 open none', async () => {
    const calls = [await evaluated('2'), await evaluated('4')];
    const cases = await casesOf(calls);
    assert.equal(cases.length, 1);
    const [opened] = cases;
    assert.ok(
      (await runtime.followUps.list(['hf-withdraw'])).some((c) => c.id === opened!.id),
      'the department sees it',
    );
    assert.equal(opened!.level, '不满意');
    assert.equal(opened!.departmentName, '提取窗口');
    assert.equal(opened!.agentName, '孙丽');
    assert.equal(opened!.phone, '139****1234');
    assert.equal(opened!.dueOn, '2026-10-23');
    assert.equal(opened!.status, 'open');
    assert.deepEqual(
      opened!.steps.map((s) => s.what),
      ['差评生成回访工单'],
    );
    assert.ok(
      !(await runtime.followUps.list(['hf-loan'])).some((c) => c.id === opened!.id),
      'another department does not see it',
    );
  });

  it("when the supervisor calls back, records the finding and closes the case with the citizen's 追评 in time, then every step is kept with who and when and it is not late", async () => {
    const [mine] = await casesOf([await evaluated('5')]);
    const supervisor = await createAgent(runtime, {
      skills: ['hf-withdraw'],
      role: 'supervisor',
      displayName: '周科长',
    });
    const browser = client(url);
    await browser.login(supervisor);
    const listed = (await browser.request('GET', '/api/evaluations/cases')).body.cases.find(
      (c: { id: number }) => c.id === mine!.id,
    );
    assert.ok(listed, 'the supervisor sees the case');
    const early = await browser.request('POST', `/api/evaluations/cases/${listed.id}/close`, {});
    assert.equal(early.status, 409);
    assert.equal(early.body.error.code, 'finding_required');
    const called = await browser.request('POST', `/api/evaluations/cases/${listed.id}/callback`);
    assert.equal(called.status, 200);
    const request = await runtime.callbackRequests.find(
      Number(called.body.case.steps.at(-1).detail.callbackRequestId),
    );
    assert.equal(request?.phone, '+8613904691234');
    assert.equal(request?.skill, 'hf-withdraw');
    assert.equal(request?.status, 'pending');
    const bad = await browser.request('PUT', `/api/evaluations/cases/${listed.id}/finding`, {
      finding: 'maybe',
      rectification: '',
      reply: '',
    });
    assert.equal(bad.status, 422);
    clock.set('2026-10-09T15:00:00+08:00');
    const found = await browser.request('PUT', `/api/evaluations/cases/${listed.id}/finding`, {
      finding: 'substantiated',
      rectification: '对窗口人员进行服务规范培训，提取材料一次性告知',
      reply: '已向来电人致歉并说明整改措施',
    });
    assert.equal(found.status, 200);
    const closed = await browser.request('POST', `/api/evaluations/cases/${listed.id}/close`, {
      reEvaluationLevel: 2,
    });
    assert.equal(closed.status, 200);
    const view = closed.body.case;
    assert.equal(view.status, 'closed');
    assert.equal(view.finding, '属实');
    assert.equal(view.reEvaluation, '满意');
    assert.equal(view.late, false);
    assert.deepEqual(
      view.steps.map((s: { what: string }) => s.what),
      ['差评生成回访工单', '发起回访电话', '登记核实结果与整改', '办结', '群众追评'],
    );
    assert.deepEqual(
      view.steps.slice(1).map((s: { who: string }) => s.who),
      ['周科长', '周科长', '周科长', '周科长'],
    );
    assert.equal(
      (await browser.request('POST', `/api/evaluations/cases/${listed.id}/close`, {})).status,
      409,
      'a closed case stays closed',
    );
  });

  it('when a case is closed after its deadline, then it counts as late; an open one past it is alerted once', async () => {
    const [first, second] = await casesOf([await evaluated('4'), await evaluated('5')]);
    clock.set('2026-10-24T09:00:00+08:00');
    // Cases of earlier tests in the same database may be alerted too.
    assert.ok((await runtime.followUps.alertOverdue()) >= 2);
    assert.equal(await runtime.followUps.alertOverdue(), 0, 'each case is alerted once');
    assert.equal((await runtime.followUps.get(first!.id)).overdue, true);
    await runtime.followUps.recordFinding(first!.id, 'supervisor-test', {
      finding: 'unsubstantiated',
      rectification: '经核实窗口答复符合规定，无需整改',
      reply: '已向来电人解释政策',
    });
    const closed = await runtime.followUps.close(first!.id, 'supervisor-test', {});
    assert.equal(closed.late, true);
    assert.equal(closed.overdue, false);
    assert.deepEqual(
      closed.steps.map((s) => s.what),
      ['差评生成回访工单', '逾期提醒', '登记核实结果与整改', '办结'],
    );
    assert.equal((await runtime.followUps.get(second!.id)).overdue, true);
  });

  it('when an agent asks for the cases, then 403', async () => {
    const browser = client(url);
    await browser.login(agent);
    assert.equal((await browser.request('GET', '/api/evaluations/cases')).status, 403);
  });
});
