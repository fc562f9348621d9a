import assert from 'node:assert/strict';
import * as callbackRepository from '../../src/callbacks/callbacks-repository.js';
import { createFixedClock } from '../../src/platform/clock.js';

type FixedClock = ReturnType<typeof createFixedClock>;
import type { Runtime } from '../../src/runtime.js';
import { buildCallSid, postSigned } from '../support/twilio.js';
import { expectValidTwiml } from '../support/twiml.js';
import {
  assertTwilioConformant,
  buildQueueSid,
  client,
  createAgent,
  dequeued,
  queueCall,
  queueWaitPath,
  routingRuntime,
  serveRouting,
  type TwilioMock,
  useTwilioMockSuite,
  agentPath,
  voiceParams,
} from './agents-support.js';

const updatesOf = (mock: TwilioMock, callSid: string) =>
  mock.requests.filter((r) => r.method === 'POST' && r.path.endsWith(`/Calls/${callSid}.json`));

describe('hold and resume from the desk', function () {
  this.timeout(30_000);
  const suiteMock = useTwilioMockSuite();
  let mock: TwilioMock;
  before(() => {
    mock = suiteMock();
  });

  /** An agent talking to a queued caller, logged in on the desk. */
  async function onCall(): Promise<{
    runtime: Runtime;
    clock: FixedClock;
    url: string;
    agent: string;
    callSid: string;
    desk: ReturnType<typeof client>;
  }> {
    const clock = createFixedClock('2026-03-02T02:00:00Z');
    const runtime = await routingRuntime(mock, clock);
    const url = await serveRouting(runtime);
    const agent = await createAgent(runtime, { skills: ['re-register'] });
    const desk = client(url);
    await desk.login(agent);
    await desk.request('PUT', '/api/agents/me/state', { state: 'available' });
    const { callSid } = await queueCall(runtime, { skill: 're-register' });
    await postSigned(url, agentPath('connect', agent, callSid), voiceParams(callSid));
    await postSigned(
      url,
      agentPath('leg-status', agent, callSid),
      voiceParams(buildCallSid(), { CallStatus: 'in-progress' }),
    );
    assert.equal((await runtime.routing.store.agent(agent)).state, 'on_call');
    return { runtime, clock, url, agent, callSid, desk };
  }

  it('when the agent holds and resumes, then the caller is moved to the hold loop and back to a Dial of the same agent, the agent stays busy, and the record shows the hold time', async () => {
    const { runtime, clock, url, agent, callSid, desk } = await onCall();
    const holdPath = `/api/agents/me/calls/${callSid}/hold`;
    const clicks = await Promise.all([
      desk.request('POST', holdPath),
      desk.request('POST', holdPath),
    ]);
    assert.deepEqual(
      clicks.map((c) => c.status),
      [200, 200],
    );
    assert.equal(clicks[0]!.body.since, clicks[1]!.body.since, 'a double click is one hold');
    const [toHold, ...more] = updatesOf(mock, callSid);
    assert.equal(more.length, 0, 'one REST update');
    assertTwilioConformant(toHold!);
    assert.equal(toHold!.params.Url, runtime.routing.urls.hold(callSid));
    assert.equal(toHold!.params.Method, 'POST');

    const loop = await postSigned(
      url,
      `/twilio/voice/agents/hold?call=${callSid}`,
      voiceParams(callSid, { CallStatus: 'in-progress' }),
    );
    await expectValidTwiml(loop.body);
    assert.match(
      loop.body,
      /<Say[^>]*>请稍候，工作人员马上回来。<\/Say><Play>[^<]+<\/Play><Redirect method="POST">[^<]*\/agents\/hold\?call=CA[0-9a-f]+<\/Redirect>/,
    );

    // Twilio ends the agent leg and requests the Dial action because the caller moved to new TwiML.
    const action = await postSigned(
      url,
      agentPath('dial-result', agent, callSid),
      voiceParams(callSid, { DialCallStatus: 'completed', CallStatus: 'in-progress' }),
    );
    await expectValidTwiml(action.body);
    await postSigned(
      url,
      agentPath('leg-status', agent, callSid),
      voiceParams(buildCallSid(), { CallStatus: 'completed' }),
    );
    assert.deepEqual(
      [
        (await runtime.routing.store.agent(agent)).state,
        (await runtime.routing.store.agent(agent)).callSid,
      ],
      ['on_call', callSid],
      'on hold is not the end of the call',
    );

    const second = await queueCall(runtime, { skill: 're-register' });
    assert.equal(
      mock.dequeues().filter((r) => r.path.includes(second.callSid)).length,
      0,
      'routing offers the agent on hold nothing',
    );
    assert.deepEqual(await runtime.routing.store.waiting('re-register'), [second.callSid]);
    const card = await desk.request('GET', '/api/desk/call');
    assert.equal(card.body.hold.since, '2026-03-02T02:00:00.000Z');
    assert.equal(card.body.holdable, true);
    const supervisor = await createAgent(runtime, { skills: [], role: 'supervisor' });
    const room = client(url);
    await room.login(supervisor);
    const board = await room.request('GET', '/api/supervisor/wallboard');
    const row = board.body.agents.find((a: { agentId: string }) => a.agentId === agent);
    assert.deepEqual(
      [row.state, row.reason],
      ['on_call', '保持中'],
      'the wallboard says the agent is holding a caller',
    );

    clock.advance(65_000);
    const resumed = await desk.request('POST', `/api/agents/me/calls/${callSid}/resume`);
    assert.deepEqual([resumed.status, resumed.body], [200, { onHold: false, heldSeconds: 65 }]);
    const back = updatesOf(mock, callSid).at(-1)!;
    assertTwilioConformant(back);
    assert.equal(back.params.Url, runtime.routing.urls.resume(agent, callSid, 1));
    const again = await desk.request('POST', `/api/agents/me/calls/${callSid}/resume`);
    assert.deepEqual([again.status, again.body.error.code], [409, 'not_on_hold']);

    const dial = await postSigned(
      url,
      `/twilio/voice/agents/resume?${new URLSearchParams({ agent, call: callSid, leg: '1' })}`,
      voiceParams(callSid, { CallStatus: 'in-progress' }),
    );
    await expectValidTwiml(dial.body);
    assert.match(
      dial.body,
      /<Dial [^>]*action="[^"]*\/agents\/dial-result\?agent=[^"]*&amp;leg=1"/,
    );
    assert.match(
      dial.body,
      /<Client [^>]*statusCallback="[^"]*\/agents\/leg-status\?[^"]*leg=1"[^>]*><Identity>[^<]+<\/Identity><Parameter name="callSid" value="CA[0-9a-f]+"\/><Parameter name="resume" value="1"\/><\/Client>/,
    );
    await postSigned(
      url,
      agentPath('leg-status', agent, callSid, 1),
      voiceParams(buildCallSid(), { CallStatus: 'in-progress' }),
    );
    // A late action of the first leg changes nothing either.
    await postSigned(
      url,
      agentPath('dial-result', agent, callSid),
      voiceParams(callSid, { DialCallStatus: 'completed', CallStatus: 'in-progress' }),
    );
    assert.equal((await runtime.routing.store.agent(agent)).state, 'on_call');
    assert.equal((await desk.request('GET', '/api/desk/call')).body.hold, null);

    const ended = await postSigned(
      url,
      agentPath('dial-result', agent, callSid, 1),
      voiceParams(callSid, { DialCallStatus: 'completed', CallStatus: 'in-progress' }),
    );
    assert.match(ended.body, /<Hangup\/>/);
    assert.equal((await runtime.routing.store.agent(agent)).state, 'wrap_up');
    const record = await desk.request('GET', '/api/desk/call');
    assert.deepEqual(
      [record.body.call.holdText, record.body.call.holdSeconds],
      ['保持 1 次，共 1 分 5 秒', 65],
    );
    const events = await runtime.database.db.execute(
      `select event from call_events where call_sid = '${callSid}' and source = 'agent' and event like 'hold-%' order by id` as never,
    );
    assert.deepEqual(
      (events as unknown as Array<{ event: string }>).map((e) => e.event),
      ['hold-started', 'hold-ended'],
    );
  });

  it('when the caller hangs up on hold, then the call ends normally and the agent goes to wrap-up', async () => {
    const { runtime, clock, url, agent, callSid, desk } = await onCall();
    assert.equal((await desk.request('POST', `/api/agents/me/calls/${callSid}/hold`)).status, 200);
    await postSigned(
      url,
      agentPath('dial-result', agent, callSid),
      voiceParams(callSid, { DialCallStatus: 'completed', CallStatus: 'in-progress' }),
    );
    clock.advance(30_000);
    const status = await postSigned(
      url,
      '/twilio/voice/status',
      voiceParams(callSid, { CallStatus: 'completed', SequenceNumber: '3', CallDuration: '95' }),
    );
    assert.equal(status.status, 204);
    assert.equal((await runtime.routing.store.agent(agent)).state, 'wrap_up');
    assert.ok((await runtime.ledger.find(callSid))?.endedAt, 'the call ended');
    const record = await desk.request('GET', '/api/desk/call');
    assert.equal(record.body.call.holdText, '保持 1 次，共 30 秒');
    assert.equal(
      (await desk.request('POST', `/api/agents/me/calls/${callSid}/resume`)).body.error.code,
      'not_on_this_call',
    );
  });

  it('when the agent does not pick the resumed call up, then the caller waits on hold again', async () => {
    const { runtime, url, agent, callSid, desk } = await onCall();
    await desk.request('POST', `/api/agents/me/calls/${callSid}/hold`);
    await desk.request('POST', `/api/agents/me/calls/${callSid}/resume`);
    const unanswered = await postSigned(
      url,
      agentPath('dial-result', agent, callSid, 1),
      voiceParams(callSid, { DialCallStatus: 'no-answer', CallStatus: 'in-progress' }),
    );
    await expectValidTwiml(unanswered.body);
    assert.match(unanswered.body, /<Redirect method="POST">[^<]*\/agents\/hold\?call=/);
    assert.equal((await runtime.routing.store.agent(agent)).state, 'on_call');
    assert.ok((await desk.request('GET', '/api/desk/call')).body.hold?.since);
  });

  it('when the agent left the call while the caller was on hold (CALL_MAX_MINUTES), then the hold ends and the next round of the loop puts the caller back in the queue', async () => {
    const { runtime, url, agent, callSid, desk } = await onCall();
    await desk.request('POST', `/api/agents/me/calls/${callSid}/hold`);
    await runtime.routing.acd.startWrapUp(agent, callSid, 're-register', 'call-max-length');
    const loop = await postSigned(
      url,
      `/twilio/voice/agents/hold?call=${callSid}`,
      voiceParams(callSid, { CallStatus: 'in-progress' }),
    );
    await expectValidTwiml(loop.body);
    assert.match(
      loop.body,
      /<Enqueue [^>]*waitUrl="[^"]*\/agents\/queue-wait\?call=CA[0-9a-f]+[^"]*"[^>]*>re-register<\/Enqueue>/,
    );
    const events = await runtime.database.db.execute(
      `select payload->>'reason' as reason from call_events where call_sid = '${callSid}' and event = 'hold-ended'` as never,
    );
    assert.deepEqual(
      (events as unknown as Array<{ reason: string }>).map((e) => e.reason),
      ['call-max-length'],
    );
  });

  it('when Redis lost the hold, then the loop takes it up again for the agent still on the call, who can resume it', async () => {
    const { runtime, clock, url, callSid, desk } = await onCall();
    await desk.request('POST', `/api/agents/me/calls/${callSid}/hold`);
    assert.equal(await runtime.redis.del(`${runtime.config.redisPrefix}:hold:${callSid}`), 1);
    clock.advance(1000);
    const loop = await postSigned(
      url,
      `/twilio/voice/agents/hold?call=${callSid}`,
      voiceParams(callSid, { CallStatus: 'in-progress' }),
    );
    assert.match(loop.body, /<Play>/);
    const started = await runtime.database.db.execute(
      `select payload->>'reason' as reason from call_events where call_sid = '${callSid}' and event = 'hold-started' order by id` as never,
    );
    assert.deepEqual(
      (started as unknown as Array<{ reason: string | null }>).map((e) => e.reason),
      [null, 'hold-restored'],
    );
    assert.ok((await desk.request('GET', '/api/desk/call')).body.hold?.since);
    assert.equal(
      (await desk.request('POST', `/api/agents/me/calls/${callSid}/resume`)).status,
      200,
    );
  });

  it('when a call that was held and resumed is transferred, then the next agent answers and ends it as any call', async () => {
    const { runtime, url, agent, callSid, desk } = await onCall();
    await desk.request('POST', `/api/agents/me/calls/${callSid}/hold`);
    await desk.request('POST', `/api/agents/me/calls/${callSid}/resume`);
    await postSigned(
      url,
      agentPath('leg-status', agent, callSid, 1),
      voiceParams(buildCallSid(), { CallStatus: 'in-progress' }),
    );
    const next = await createAgent(runtime, { skills: ['re-register'] });
    await runtime.routing.presence.setState(next, 'available');
    assert.equal(
      (
        await desk.request('POST', `/api/agents/me/calls/${callSid}/transfer`, {
          department: 're-register',
        })
      ).status,
      200,
    );
    assert.equal((await runtime.routing.store.agent(agent)).state, 'wrap_up');
    await postSigned(
      url,
      await queueWaitPath(runtime, callSid),
      voiceParams(callSid, { QueueSid: buildQueueSid() }),
    );
    assert.deepEqual(dequeued(mock.dequeues().at(-1)!), { callSid, agentId: next });
    await postSigned(url, agentPath('connect', next, callSid), voiceParams(callSid));
    await postSigned(
      url,
      agentPath('leg-status', next, callSid),
      voiceParams(buildCallSid(), { CallStatus: 'in-progress' }),
    );
    assert.equal((await runtime.routing.store.agent(next)).state, 'on_call');
    await postSigned(
      url,
      agentPath('dial-result', next, callSid),
      voiceParams(callSid, { DialCallStatus: 'completed', CallStatus: 'in-progress' }),
    );
    assert.equal((await runtime.routing.store.agent(next)).state, 'wrap_up');
  });

  it("when the agent is on a callback, then hold is refused: the agent's own leg is the parent call", async () => {
    const clock = createFixedClock('2026-03-02T02:00:00Z');
    const runtime = await routingRuntime(mock, clock);
    const url = await serveRouting(runtime);
    const agent = await createAgent(runtime, { skills: ['tj-declare'] });
    const desk = client(url);
    await desk.login(agent);
    await desk.request('PUT', '/api/agents/me/state', { state: 'available' });
    const { row: request } = await callbackRepository.insertCallbackRequest(runtime.database.db, {
      callSid: buildCallSid(),
      hotlineNumber: '+864694212366',
      hallId: 'tax-jianshan',
      skill: 'tj-declare',
      phone: '+8613904690003',
      queuedAt: new Date('2026-03-02T01:30:00Z'),
      requestedAt: new Date('2026-03-02T01:31:00Z'),
      notBefore: new Date('2026-03-02T01:31:00Z'),
    });
    assert.equal(
      (await desk.request('POST', `/api/desk/callbacks/${request.id}/place`)).status,
      202,
    );
    const agentLeg = buildCallSid();
    await runtime.ledger.recordArrival({
      callSid: agentLeg,
      from: '+864694212366',
      to: `client:${agent}`,
      direction: 'outbound',
      payload: { callbackRequestId: request.id },
    });
    await postSigned(
      url,
      `/twilio/voice/agents/callback/connect?${new URLSearchParams({ request: String(request.id), agent })}`,
      voiceParams(agentLeg, { CallStatus: 'in-progress' }),
    );
    assert.deepEqual(
      [
        (await runtime.routing.store.agent(agent)).state,
        (await runtime.routing.store.agent(agent)).callSid,
      ],
      ['on_call', agentLeg],
    );
    assert.equal(
      (await desk.request('GET', '/api/desk/call')).body.holdable,
      false,
      'the desk offers no hold on a callback',
    );
    const refused = await desk.request('POST', `/api/agents/me/calls/${agentLeg}/hold`);
    assert.deepEqual([refused.status, refused.body.error.code], [409, 'not_holdable']);
    assert.equal(updatesOf(mock, agentLeg).length, 0);
  });

  it('when the agent is not on the call, then hold is refused with a code', async () => {
    const { runtime, desk } = await onCall();
    const other = await queueCall(runtime, { skill: 're-register', notify: false });
    const refused = await desk.request('POST', `/api/agents/me/calls/${other.callSid}/hold`);
    assert.deepEqual([refused.status, refused.body.error.code], [409, 'not_on_this_call']);
    assert.equal(updatesOf(mock, other.callSid).length, 0);
  });
});
