import assert from 'node:assert/strict';
import * as callbackRepository from '../../src/callbacks/callbacks-repository.js';
import { buildIncomingParams, postSigned } from '../support/twilio.js';
import { callSidOf, expectAllValidTwiml, keys, startIvr } from './ivr-support.js';

const HOTLINE = '+864694226101';

describe('IVR queueing, waiting and leaving the queue', () => {
  let ivr: Awaited<ReturnType<typeof startIvr>>;

  before(async () => {
    ivr = await startIvr('2020-02-03T10:00', { IVR_CALLBACK_OFFER_SECONDS: '60' });
  });

  after(async () => ivr.expectValidAnswers());

  it('when the green channel is chosen, then the call queues in cc-green with priority 10 and the Enqueue names the skill with IVR-owned wait and action URLs', async () => {
    const result = await ivr.call({ to: HOTLINE, inputs: keys('5'), queueResult: 'bridged' });
    const callSid = callSidOf(result);
    assert.equal(result.queue, 'cc-green');
    const enqueue = result.requests.find((r) => r.twiml.includes('<Enqueue'))!.twiml;
    assert.match(
      enqueue,
      /<Enqueue waitUrl="https:\/\/hotline\.example\.test\/twilio\/voice\/queue\/wait\?menu=citizen-centre&amp;skill=cc-green" waitUrlMethod="POST" action="https:\/\/hotline\.example\.test\/twilio\/voice\/queue\/result\?menu=citizen-centre&amp;skill=cc-green" method="POST">cc-green<\/Enqueue>/,
    );
    const call = await ivr.runtime.ledger.find(callSid);
    assert.equal(call?.queueSkill, 'cc-green');
    assert.equal(call?.priority, 10);
    assert.equal(call?.greenChannel, true);
    assert.equal(call?.priorityReason, 'green-channel');
    assert.ok(call?.queuedAt);
    // Routing is handed the Twilio queue the caller waits in (it records it: it dequeues from it).
    assert.match(ivr.routing.handed.find((c) => c.callSid === callSid)?.queueSid ?? '', /^QU/);
    assert.ok(ivr.routing.queued.includes(callSid), 'routing told with the queue SID');
  });

  it('when a caller on the priority list queues, then priority 5 and the reason are on the call', async () => {
    const result = await ivr.call({ to: HOTLINE, from: '+8613804690001', inputs: keys('2', '1') });
    const call = await ivr.runtime.ledger.find(callSidOf(result));
    assert.equal(call?.priority, 5);
    assert.equal(call?.priorityReason, 'elderly');
    assert.equal(call?.greenChannel, false);
  });

  it('when an enterprise with a commissioner calls, then the commissioner is offered and 1 queues for them with the enterprise and commissioner on the call', async () => {
    const from = '+8618904696049';
    const accepted = await ivr.call({ to: HOTLINE, from, inputs: keys('1') });
    assert.match(accepted.requests[0]!.twiml, /您的企业首席服务专员是刘建国，转接专员请按1/);
    assert.equal(accepted.queue, 'cc-resume');
    const call = await ivr.runtime.ledger.find(callSidOf(accepted));
    assert.equal(call?.commissionerId, 'csc-01');
    assert.equal(call?.enterpriseId, 'ent-001');
    const declined = await ivr.call({ to: HOTLINE, from, inputs: keys('2') });
    assert.equal(new URL(declined.unansweredGather!).searchParams.get('node'), 'main');
  });

  it('when a caller on the priority list or an enterprise with a commissioner calls while closed, then closed is said first, with no transfer and no commissioner offered', async () => {
    ivr.setTime('2020-10-01T10:00');
    try {
      for (const from of ['+8613804690001', '+8618904696049']) {
        const first = (await ivr.call({ to: HOTLINE, from, inputs: [] })).requests[0]!.twiml;
        assert.match(first, /今天是国庆节假期/);
        assert.match(first, /reason=closed/);
        assert.doesNotMatch(first, /专员|优先转接|为您转接|按0/);
      }
    } finally {
      ivr.setTime('2020-02-03T10:00');
    }
  });

  it('when waiting, then position and expected wait are said at the first turn and again after 45 s, and the callback offer comes after the configured wait', async () => {
    const params = buildIncomingParams({ To: HOTLINE });
    await postSigned(ivr.url, '/twilio/voice/incoming', params);
    const wait = (queueTime: number) =>
      postSigned(ivr.url, '/twilio/voice/queue/wait?menu=citizen-centre&skill=cc-general', {
        ...params,
        QueueSid: 'QU00000000000000000000000000000001',
        QueuePosition: '3',
        QueueTime: String(queueTime),
        AvgQueueTime: '180',
        CurrentQueueSize: '3',
      });
    const first = (await wait(0)).body;
    assert.match(first, /您前面还有2位来电者，预计等待约3分钟/);
    assert.match(first, /<Play>http:\/\/com\.twilio\.music/);
    assert.doesNotMatch(first, /按1预约回电/);
    const soon = (await wait(20)).body;
    assert.doesNotMatch(soon, /您前面/);
    assert.match(soon, /<Play>/);
    const later = (await wait(61)).body;
    assert.match(later, /您前面还有2位来电者/);
    assert.match(
      later,
      /<Gather input="dtmf" numDigits="1" timeout="4" action="https:\/\/hotline\.example\.test\/twilio\/voice\/queue\/wait-input[^"]*" method="POST"><Say[^>]*>等待时间较长，按1预约回电/,
    );
    await expectAllValidTwiml([first, soon, later]);
  });

  it('when the caller presses 1 while waiting, then a callback request keeps their original place and priority, they are told when, and they leave the queue', async () => {
    const result = await ivr.call({
      to: HOTLINE,
      from: '+8613804690001',
      inputs: keys('2', '1', '1'),
      waitRounds: 3,
    });
    const callSid = callSidOf(result);
    assert.match(result.lines.join('\n'), /离开队列/);
    assert.ok(result.requests.some((r) => r.twiml.includes('<Leave/>')));
    assert.match(result.requests.at(-1)!.twiml, /感谢您的来电，再见。<\/Say><Hangup\/>/);
    const call = await ivr.runtime.ledger.find(callSid);
    assert.equal(call?.callbackRequested, true);
    const [request] = (
      await callbackRepository.listDueCallbacks(
        ivr.runtime.database.db,
        ['cc-general'],
        new Date('2020-02-03T03:00:00Z'),
        100,
      )
    ).filter((r) => r.callSid === callSid);
    assert.ok(request);
    assert.equal(request.queuedAt.toISOString(), call?.queuedAt?.toISOString());
    assert.equal(request.phone, '+8613804690001');
    assert.equal(request.priority, 5);
    assert.ok(result.requests.some((r) => r.twiml.includes('拨打您尾号0001的来电号码')));
    assert.deepEqual(
      ivr.routing.left.find((l) => l.callSid === callSid),
      { callSid, result: 'leave' },
    );
  });

  it('when Redis loses a queueing before the first turn of the wait, then that turn queues the call again from its wait URL and routing is told', async () => {
    let waitUrl = '';
    const result = await ivr.call({
      to: HOTLINE,
      inputs: keys('2', '1'),
      // Stopped where the provider would first request the wait URL (and not the Enqueue's action).
      stopAt: (url) =>
        url.includes('/queue/wait') ? ((waitUrl = url), true) : url.includes('/queue/'),
    });
    const callSid = callSidOf(result);
    const prefix = ivr.runtime.config.redisPrefix;
    const lost = [
      ...(await ivr.runtime.redis.keys(`${prefix}:ivr:queued:${callSid}`)),
      ...(await ivr.runtime.redis.keys(`${prefix}:calls:path-queued:${callSid}`)),
    ];
    assert.equal(lost.length, 2, 'the IVR and the ledger held the queueing');
    await ivr.runtime.redis.del(...lost);
    assert.equal((await ivr.runtime.ledger.find(callSid))?.queuedAt, null);

    const wait = await postSigned(ivr.url, new URL(waitUrl).pathname + new URL(waitUrl).search, {
      ...result.requests[0]!.params,
      QueueSid: 'QU00000000000000000000000000000001',
      QueueTime: '0',
      QueuePosition: '1',
      AvgQueueTime: '0',
      CurrentQueueSize: '1',
    });
    assert.equal(wait.status, 200);
    const handed = ivr.routing.handed.find((c) => c.callSid === callSid);
    assert.deepEqual(
      [handed?.skill, handed?.priority, handed?.queueSid],
      ['cc-general', 0, 'QU00000000000000000000000000000001'],
    );
    assert.equal((await ivr.runtime.ledger.find(callSid))?.queueSkill, 'cc-general');
  });

  it('when the caller hangs up in the queue, then an abandon with its queue time is recorded and routing is told', async () => {
    const result = await ivr.call({
      to: HOTLINE,
      inputs: keys('2', '1'),
      waitRounds: 2,
      queueResult: 'hangup',
    });
    const callSid = callSidOf(result);
    const events = await ivr.runtime.ledger.events(callSid);
    const abandon = events.find((e) => e.event === 'abandoned');
    assert.deepEqual(abandon?.payload, {
      queueResult: 'hangup',
      queueTime: 50,
      skill: 'cc-general',
    });
    assert.deepEqual(
      ivr.routing.left.find((l) => l.callSid === callSid),
      { callSid, result: 'hangup' },
    );
    assert.equal(
      result.requests.at(-1)!.twiml,
      '<?xml version="1.0" encoding="UTF-8"?><Response/>',
    );
  });

  for (const [queueResult, heard] of [
    ['queue-full', /当前排队的来电较多.*预约回电请按1；返回主菜单请按2/],
    ['error', /排队时出现了问题.*预约回电请按1/],
    ['system-error', /排队时出现了问题/],
  ] as const) {
    it(`when the queue answers ${queueResult}, then the caller is offered a callback or the menu, never silence`, async () => {
      const result = await ivr.call({
        to: HOTLINE,
        inputs: keys('2', '1'),
        waitRounds: 1,
        queueResult,
      });
      assert.equal(result.outcome, 'caller-hung-up');
      assert.match(result.requests.at(-1)!.twiml, heard);
    });
  }

  it('when bridged and the agent has finished, then a goodbye; when redirected by routing, then no answer and routing not told of a drop', async () => {
    const bridged = await ivr.call({
      to: HOTLINE,
      inputs: keys('2', '1'),
      waitRounds: 1,
      queueResult: 'bridged',
    });
    assert.match(bridged.requests.at(-1)!.twiml, /感谢您的来电，再见/);
    const redirected = await ivr.call({
      to: HOTLINE,
      inputs: keys('2', '1'),
      waitRounds: 1,
      queueResult: 'redirected',
    });
    assert.equal(
      ivr.routing.left.some((l) => l.callSid === callSidOf(redirected)),
      false,
    );
  });

  it('when the caller ends the call with # in the more-services menu, then a goodbye and the call is marked as ended in the IVR', async () => {
    const result = await ivr.call({ to: HOTLINE, inputs: keys('6', '#') });
    assert.equal(result.outcome, 'hangup');
    assert.match(result.requests.at(-1)!.twiml, /感谢您的来电，再见。<\/Say><Hangup\/>/);
    const call = await ivr.runtime.ledger.find(callSidOf(result));
    assert.equal(call?.endReason, 'ended_in_ivr');
    assert.ok(call?.ivrEndedAt);
  });

  it('when a call went through the menus, then its path is recorded with inputs and times', async () => {
    const result = await ivr.call({
      to: HOTLINE,
      inputs: [{ kind: 'speech', text: '我想咨询一下', confidence: 0.8 }, ...keys('1')],
      waitRounds: 3,
    });
    const steps = await ivr.runtime.ledger.steps(callSidOf(result));
    const path = steps.map((s) => `${s.nodeId}:${s.kind}${s.input ? `:${s.input}` : ''}`);
    assert.deepEqual(path, [
      'main:entered',
      'main:choice:我想咨询一下',
      'consult-menu:entered',
      'consult-menu:choice:1',
      'q-general:entered',
      'cc-general:queued:综合咨询',
      'cc-general:queue-bridged:100',
    ]);
    assert.ok(steps.every((s) => s.at instanceof Date));
  });
});
