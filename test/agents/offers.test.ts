import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { createFixedClock } from '../../src/platform/clock.js';
import { postSigned } from '../support/twilio.js';
import { expectValidTwiml } from '../support/twiml.js';
import {
  createAgent,
  dequeued,
  findJob,
  queueCall,
  queueWaitPath,
  routingRuntime,
  serveRouting,
  type TwilioMock,
  useTwilioMockSuite,
  agentPath,
  voiceParams,
} from './agents-support.js';

type Mock = TwilioMock;

describe('offers through Twilio: connect, answer, no answer, wrap-up', () => {
  const suiteMock = useTwilioMockSuite();
  let mock: Mock;
  before(() => {
    mock = suiteMock();
  });

  async function setUp(env: Record<string, string> = {}) {
    const clock = createFixedClock('2026-03-02T02:00:00Z');
    const runtime = await routingRuntime(mock, clock, env);
    return { runtime, clock, url: await serveRouting(runtime) };
  }

  it('when an offered agent answers and hangs up, then on call, wrap-up, and available once the outcome is recorded', async () => {
    const { runtime, url } = await setUp();
    const agent = await createAgent(runtime, { skills: ['re-register'] });
    await runtime.routing.presence.setState(agent, 'available');
    const { callSid } = await queueCall(runtime, { skill: 're-register' });
    assert.equal(dequeued(mock.dequeues().at(-1)!).agentId, agent);

    const connect = await postSigned(
      url,
      agentPath('connect', agent, callSid),
      voiceParams(callSid),
    );
    assert.equal(connect.status, 200);
    await expectValidTwiml(connect.body);
    assert.match(
      connect.body,
      /<Dial answerOnBridge="true" timeout="20" record="record-from-answer-dual" action="https:\/\/hotline\.example\.test\/twilio\/voice\/agents\/dial-result\?agent=/,
    );
    assert.match(
      connect.body,
      /<Client [^>]*statusCallbackEvent="answered completed"[^>]*><Identity>[^<]+<\/Identity><Parameter name="callSid" value="CA/,
    );

    await postSigned(
      url,
      agentPath('leg-status', agent, callSid),
      voiceParams('CAffffffffffffffffffffffffffffffff', { CallStatus: 'in-progress' }),
    );
    assert.equal((await runtime.routing.store.agent(agent)).state, 'on_call');
    const call = await runtime.ledger.find(callSid);
    assert.equal(call?.agentId, agent);
    assert.ok(call?.answeredAt && call.offeredAt);
    assert.equal(
      await runtime.routing.store.call(callSid),
      undefined,
      'an answered call leaves routing',
    );

    const ended = await postSigned(
      url,
      agentPath('dial-result', agent, callSid),
      voiceParams(callSid, { DialCallStatus: 'completed', CallStatus: 'in-progress' }),
    );
    await expectValidTwiml(ended.body);
    assert.match(ended.body, /<Hangup\/>/);
    assert.equal((await runtime.routing.store.agent(agent)).state, 'wrap_up');
    assert.equal(
      await runtime.routing.presence
        .setState(agent, 'available')
        .catch((e: { code: string }) => e.code),
      'outcome_required',
    );
    const wrapUp = await findJob(runtime, 'agent-wrap-up-end', (data) => data.callSid === callSid);
    assert.equal(wrapUp?.opts.delay, 60_000);

    await runtime.desk.outcomes.record(agent, callSid, 'other', { reason: 'information_only' });
    const after = await runtime.routing.store.agent(agent);
    assert.equal(after.state, 'available');
    assert.equal(
      await findJob(runtime, 'agent-wrap-up-end', (data) => data.callSid === callSid),
      undefined,
      'the wrap-up timer is cancelled',
    );
    const { findAgentCall } = await import('../../src/routing/agent-calls-repository.js');
    const handled = await findAgentCall(runtime.database.db, callSid, agent);
    assert.equal(handled?.outcomeStatus, 'recorded');
    assert.equal(
      handled?.wrapUpEndedAt?.getTime(),
      runtime.clock.now().getTime(),
      'the outcome ends the after-call work, and its time is kept',
    );
    const log = await runtime.routing.states.transition({
      agentId: agent,
      from: ['offline'],
      to: 'available',
    });
    assert.equal(log.ok, false, 'a transition from the wrong state is refused');
  });

  it('when an outcome is refused while the agent is in wrap-up on the call, then the agent stays in wrap-up and no end of wrap-up is written; once recorded, its end and log row are', async () => {
    const { runtime, url } = await setUp();
    const { findAgentCall, listStateLog } =
      await import('../../src/routing/agent-calls-repository.js');
    const { agentCalls } = await import('../../src/routing/routing-tables.js');
    const agent = await createAgent(runtime, { skills: ['re-register'] });
    await runtime.routing.presence.setState(agent, 'available');
    const { callSid } = await queueCall(runtime, { skill: 're-register' });
    await postSigned(url, agentPath('leg-status', agent, callSid), {
      ...voiceParams('CAeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee', { CallStatus: 'in-progress' }),
    });
    await postSigned(
      url,
      agentPath('dial-result', agent, callSid),
      voiceParams(callSid, { DialCallStatus: 'completed', CallStatus: 'in-progress' }),
    );
    const inWrapUp = await runtime.routing.store.agent(agent);
    assert.equal(inWrapUp.state, 'wrap_up');
    const wrapUpEnds = async () =>
      (await listStateLog(runtime.database.db, agent)).filter((row) => row.fromState === 'wrap_up');

    // The agent's answered call is gone (as if its row had never been written): the outcome finds no call.
    const answered = await findAgentCall(runtime.database.db, callSid, agent);
    await runtime.database.db.delete(agentCalls).where(eq(agentCalls.id, answered!.id));
    const refused = await runtime.desk.outcomes
      .record(agent, callSid, 'other', { reason: 'information_only' })
      .catch((error: { status: number }) => error.status);
    assert.equal(refused, 404);
    const after = await runtime.routing.store.agent(agent);
    assert.deepEqual([after.state, after.callSid], ['wrap_up', callSid], 'still in wrap-up');
    assert.deepEqual(await wrapUpEnds(), [], 'no end of wrap-up logged');
    assert.ok(
      await findJob(runtime, 'agent-wrap-up-end', (data) => data.callSid === callSid),
      'the wrap-up timer still runs',
    );

    await runtime.database.db.insert(agentCalls).values(answered!);
    await runtime.desk.outcomes.record(agent, callSid, 'other', { reason: 'information_only' });
    assert.equal((await runtime.routing.store.agent(agent)).state, 'available');
    const ends = await wrapUpEnds();
    assert.deepEqual(
      ends.map((row) => [row.toState, row.reason, row.callSid, row.at.getTime()]),
      [['available', 'outcome-recorded', null, runtime.clock.now().getTime()]],
    );
    const handled = await findAgentCall(runtime.database.db, callSid, agent);
    assert.equal(handled?.outcomeStatus, 'recorded');
    assert.equal(handled?.wrapUpEndedAt?.getTime(), runtime.clock.now().getTime());
  });

  it('when wrap-up runs out without an outcome, then the agent is available and the call is listed as lacking an outcome', async () => {
    const { runtime, url } = await setUp({ WRAP_UP_SECONDS_BY_DEPARTMENT: 're-query=5' });
    const agent = await createAgent(runtime, { skills: ['re-query'] });
    await runtime.routing.presence.setState(agent, 'available');
    const { callSid } = await queueCall(runtime, { skill: 're-query' });
    await postSigned(
      url,
      agentPath('leg-status', agent, callSid),
      voiceParams(callSid, { CallStatus: 'in-progress' }),
    );
    await postSigned(
      url,
      agentPath('dial-result', agent, callSid),
      voiceParams(callSid, { DialCallStatus: 'completed' }),
    );
    assert.equal(
      (await findJob(runtime, 'agent-wrap-up-end', (data) => data.callSid === callSid))?.opts.delay,
      5000,
      'wrap-up time per department',
    );
    await runtime.routing.presence.heartbeat(agent);
    await runtime.routing.presence.wrapUpEnded(agent, callSid);
    assert.equal((await runtime.routing.store.agent(agent)).state, 'available');
    const lacking = await runtime.desk.outcomes.lacking();
    assert.ok(
      lacking.some(
        (row) =>
          row.callSid === callSid &&
          row.agentId === agent &&
          row.outcomeStatus === 'missing' &&
          row.wrapUpEndedAt !== null,
      ),
    );
  });

  it('when the agent does not answer, then the caller is put back in the queue in the same place and the agent is set aside', async () => {
    const { runtime, clock, url } = await setUp();
    const first = await createAgent(runtime, { skills: ['ms-enrol'] });
    await runtime.routing.presence.setState(first, 'available');
    clock.advance(10_000);
    const early = await queueCall(runtime, {
      skill: 'ms-enrol',
      queuedAt: new Date('2026-03-02T01:40:00Z'),
    });
    const later = await queueCall(runtime, {
      skill: 'ms-enrol',
      queuedAt: new Date('2026-03-02T01:45:00Z'),
    });
    assert.deepEqual(dequeued(mock.dequeues().at(-1)!), { callSid: early.callSid, agentId: first });

    const noAnswer = await postSigned(
      url,
      agentPath('dial-result', first, early.callSid),
      voiceParams(early.callSid, { DialCallStatus: 'no-answer', CallStatus: 'in-progress' }),
    );
    await expectValidTwiml(noAnswer.body);
    assert.match(
      noAnswer.body,
      /<Enqueue waitUrl="https:\/\/hotline\.example\.test\/twilio\/voice\/agents\/queue-wait\?call=CA[0-9a-f]+&amp;menu=[a-z-]+&amp;skill=ms-enrol&amp;place=[\w-]+" waitUrlMethod="POST" action="https:\/\/hotline\.example\.test\/twilio\/voice\/queue\/result\?menu=[a-z-]+&amp;skill=ms-enrol" method="POST">ms-enrol<\/Enqueue>/,
    );
    const setAside = await runtime.routing.store.agent(first);
    assert.equal(setAside.missed, 1);
    assert.equal(setAside.state, 'reserved');
    assert.equal(
      setAside.callSid,
      later.callSid,
      'the agent, the only one free, took the next call meanwhile',
    );

    const second = await createAgent(runtime, { skills: ['ms-enrol'] });
    await runtime.routing.presence.setState(second, 'available');
    assert.equal(
      mock.dequeues().length,
      2,
      'the requeued call waits until the caller is back in the Twilio queue',
    );
    const wait = await postSigned(
      url,
      await queueWaitPath(runtime, early.callSid),
      voiceParams(early.callSid, { QueueSid: early.queueSid }),
    );
    await expectValidTwiml(wait.body);
    assert.match(
      wait.body,
      /<Redirect method="POST">https:\/\/hotline\.example\.test\/twilio\/voice\/queue\/wait\?menu=[a-z-]+&amp;skill=ms-enrol<\/Redirect>/,
    );
    assert.deepEqual(dequeued(mock.dequeues().at(-1)!), {
      callSid: early.callSid,
      agentId: second,
    });
    assert.equal(
      (await runtime.ledger.find(early.callSid))?.queuedAt?.toISOString(),
      '2026-03-02T01:40:00.000Z',
      'the original wait is kept',
    );
  });

  it('when a requeued call waits with a newer call, then it is offered first (its place is kept)', async () => {
    const { runtime, url } = await setUp();
    const agent = await createAgent(runtime, { skills: ['ms-claim'] });
    await runtime.routing.presence.setState(agent, 'available');
    const old = await queueCall(runtime, {
      skill: 'ms-claim',
      queuedAt: new Date('2026-03-02T01:00:00Z'),
    });
    await postSigned(
      url,
      agentPath('dial-result', agent, old.callSid),
      voiceParams(old.callSid, { DialCallStatus: 'busy' }),
    );
    await runtime.routing.presence.setState(agent, 'break', 'coffee');
    await postSigned(
      url,
      await queueWaitPath(runtime, old.callSid),
      voiceParams(old.callSid, { QueueSid: old.queueSid }),
    );
    const fresh = await queueCall(runtime, {
      skill: 'ms-claim',
      queuedAt: new Date('2026-03-02T01:59:00Z'),
    });
    assert.deepEqual(await runtime.routing.store.waiting('ms-claim'), [old.callSid, fresh.callSid]);
    await runtime.routing.presence.setState(agent, 'available');
    assert.equal(dequeued(mock.dequeues().at(-1)!).callSid, old.callSid);
  });

  it('when an agent misses N offers in a row, then they are put on break and supervisors get an alert', async () => {
    const { runtime, url } = await setUp({ AGENT_MAX_MISSED_OFFERS: '2' });
    const alerts: string[] = [];
    const stop = await runtime.routing.events.subscribe('supervisors', (event) => {
      if (event.type === 'alert') alerts.push(event.message);
    });
    const agent = await createAgent(runtime, { skills: ['ss-card'] });
    await runtime.routing.presence.setState(agent, 'available');
    const call = await queueCall(runtime, { skill: 'ss-card' });
    await postSigned(
      url,
      agentPath('dial-result', agent, call.callSid),
      voiceParams(call.callSid, { DialCallStatus: 'no-answer' }),
    );
    await postSigned(
      url,
      await queueWaitPath(runtime, call.callSid),
      voiceParams(call.callSid, { QueueSid: call.queueSid }),
    );
    assert.equal(
      dequeued(mock.dequeues().at(-1)!).agentId,
      agent,
      'the only agent is offered it again',
    );
    await postSigned(
      url,
      agentPath('dial-result', agent, call.callSid),
      voiceParams(call.callSid, { DialCallStatus: 'no-answer' }),
    );
    const snapshot = await runtime.routing.store.agent(agent);
    assert.equal(snapshot.state, 'break');
    assert.equal(snapshot.reason, 'missed-offers');
    for (let i = 0; i < 50 && alerts.length === 0; i += 1)
      await new Promise((r) => setTimeout(r, 20));
    await stop();
    assert.equal(alerts.length, 1);
    assert.match(alerts[0]!, /missed 2 offers in a row/);
    assert.equal(
      (await runtime.routing.store.call(call.callSid))?.state,
      'held',
      'held until the caller is back in the queue',
    );
  });

  it('when the caller hangs up while the agent rings, then the agent is freed without a miss and the call leaves routing', async () => {
    const { runtime, url } = await setUp();
    const agent = await createAgent(runtime, { skills: ['vo-license'] });
    await runtime.routing.presence.setState(agent, 'available');
    const call = await queueCall(runtime, { skill: 'vo-license' });
    const response = await postSigned(
      url,
      agentPath('dial-result', agent, call.callSid),
      voiceParams(call.callSid, { DialCallStatus: 'canceled', CallStatus: 'completed' }),
    );
    await expectValidTwiml(response.body);
    const snapshot = await runtime.routing.store.agent(agent);
    assert.equal(snapshot.state, 'available');
    assert.equal(snapshot.missed, 0);
    assert.equal(await runtime.routing.store.call(call.callSid), undefined);
  });

  it('when no Twilio callback follows an offer, then the offer timeout frees the agent and the call is offered again', async () => {
    const { runtime } = await setUp();
    const agent = await createAgent(runtime, { skills: ['vo-violation'] });
    await runtime.routing.presence.setState(agent, 'available');
    const call = await queueCall(runtime, { skill: 'vo-violation' });
    const reserved = await runtime.routing.store.agent(agent);
    const job = await findJob(
      runtime,
      'routing-offer-timeout',
      (data) => data.callSid === call.callSid,
    );
    assert.equal(job?.opts.delay, 35_000);
    await runtime.routing.acd.offerTimedOut(call.callSid, agent, reserved.version);
    assert.equal(mock.dequeues().filter((r) => dequeued(r).callSid === call.callSid).length, 2);
    await runtime.routing.acd.offerTimedOut(call.callSid, agent, reserved.version);
    assert.equal(
      mock.dequeues().filter((r) => dequeued(r).callSid === call.callSid).length,
      2,
      'a stale timeout does nothing',
    );
  });

  it('when Twilio asks to connect an offer that no longer holds, then the caller goes back to the queue', async () => {
    const { runtime, url } = await setUp();
    const agent = await createAgent(runtime, { skills: ['vo-general'] });
    const call = await queueCall(runtime, { skill: 'vo-general' });
    const response = await postSigned(
      url,
      agentPath('connect', agent, call.callSid),
      voiceParams(call.callSid),
    );
    await expectValidTwiml(response.body);
    assert.match(response.body, /<Enqueue [^>]*>vo-general<\/Enqueue>/);
  });
});
