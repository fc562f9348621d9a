import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as callbackRepository from '../../src/callbacks/callbacks-repository.js';
import { createAgentPhones } from '../../src/routing/agent-phone.js';
import { waitScore } from '../../src/routing/index.js';
import {
  createHttpTransport,
  placeCall,
  type CallerInput,
  type CallScript,
} from '../../tools/caller/caller.js';
import { createFixedClock } from '../../src/platform/clock.js';
import { DEV_AUTH_TOKEN } from '../../src/platform/config.js';
import type { Runtime } from '../../src/runtime.js';
import { createTestRuntime, PUBLIC_BASE_URL, testRun } from '../support/env.js';
import { postSigned } from '../support/twilio.js';
import { assertRestCore, assertTwimlCore } from '../support/twiml-core.js';
import {
  createAgent,
  queueCall,
  routingRuntime,
  serveRouting,
  useTwilioMockSuite,
  type TwilioMock,
} from './agents-support.js';

const CITIZEN_CENTRE = '+864694226101';
/** On the priority list (elderly): queues with priority 5. */
const PRIORITY_CALLER = '+8613804690001';
const keys = (...list: string[]): CallerInput[] => list.map((digits) => ({ kind: 'dtmf', digits }));
const CORE = { TELEPHONY_PROFILE: 'twiml-core' };

describe("routing under TELEPHONY_PROFILE=twiml-core: the service's own wait loop, agents at SIP addresses", function () {
  this.timeout(60_000);
  const suiteMock = useTwilioMockSuite();
  let mock: TwilioMock;
  before(() => {
    mock = suiteMock();
  });

  /** A caller through the real IVR to the general desk's queue (consult 2, general guidance 1), every answer within TwiML's core. */
  async function callIn(
    url: string,
    script: Omit<CallScript, 'to' | 'inputs'> & { inputs?: CallerInput[] },
  ) {
    const transport = createHttpTransport({
      publicBaseUrl: PUBLIC_BASE_URL,
      targetBaseUrl: url,
      authToken: DEV_AUTH_TOKEN,
    });
    const result = await placeCall(
      transport,
      PUBLIC_BASE_URL,
      { to: CITIZEN_CENTRE, waitRounds: 1, ...script, inputs: script.inputs ?? keys('2', '1') },
      null,
    );
    for (const request of result.requests) assertTwimlCore(request.twiml, request.url);
    assert.equal(result.queue, 'cc-general', result.lines.join('\n'));
    return { ...result, callSid: result.requests[0]!.params.CallSid! };
  }

  const sipOf = (agent: string) => `sip:${agent}@hotline.sip.example.cn`;

  async function freeAgentWithSip(runtime: Runtime): Promise<string> {
    const agent = await createAgent(runtime, { skills: ['cc-general'] });
    await runtime.staff.setPhone(agent, { sipAddress: sipOf(agent) });
    await runtime.routing.presence.setState(agent, 'available');
    return agent;
  }

  /** The URLs the service gave the mock provider for one live call, for the simulator to follow. */
  const liveUpdates = () => (callSid: string) =>
    callUpdates()
      .filter((r) => r.path.endsWith(`/Calls/${callSid}.json`) && r.params.Url)
      .map((r) => String(r.params.Url));

  const callUpdates = () =>
    mock.requests.filter(
      (r) => r.method === 'POST' && /\/Calls\/CA[0-9a-f]{32}\.json$/.test(r.path),
    );

  it("when callers wait in the wait loop and agents with SIP addresses become free one by one, then higher priority first, then the longest waiting, each re-pointed to a Dial of that agent's SIP address", async () => {
    const clock = createFixedClock('2026-03-02T01:50:00Z');
    const runtime = await routingRuntime(mock, clock, CORE);
    const url = await serveRouting(runtime);
    const early = await callIn(url, {});
    clock.set('2026-03-02T01:55:00Z');
    const late = await callIn(url, {});
    clock.set('2026-03-02T01:59:00Z');
    const urgent = await callIn(url, { from: PRIORITY_CALLER });
    clock.set('2026-03-02T02:00:00Z');
    // The wait loop says the place routing gives: the later caller has one ahead, the priority caller none.
    const firstTurn = (call: typeof early) =>
      call.requests.find((r) => r.url.includes('/queue/wait'))!.twiml;
    assert.match(firstTurn(late), /您前面还有1位来电者/);
    assert.match(firstTurn(urgent), /您是下一位/);
    assert.match(
      firstTurn(early),
      /<Play>[^<]+<\/Play><Redirect method="POST">https:\/\/hotline\.example\.test\/twilio\/voice\/queue\/wait\?menu=citizen-centre&amp;skill=cc-general<\/Redirect>/,
    );
    assert.equal(callUpdates().length, 0, 'nobody is free yet');

    const order: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const agent = await freeAgentWithSip(runtime);
      const update = callUpdates().at(-1)!;
      const connect = new URL(String(update.params.Url));
      assert.equal(connect.searchParams.get('agent'), agent);
      const callSid = /\/Calls\/(CA[0-9a-f]{32})\.json$/.exec(update.path)![1]!;
      order.push(callSid);
      const answer = await postSigned(url, `${connect.pathname}${connect.search}`, {
        AccountSid: 'AC00000000000000000000000000000000',
        CallSid: callSid,
        From: '+8613904691234',
        To: CITIZEN_CENTRE,
      });
      assertTwimlCore(answer.body, 'connect');
      assert.match(
        answer.body,
        new RegExp(
          `<Dial [^>]*action="[^"]*/agents/dial-result\\?agent=${agent}&amp;call=${callSid}&amp;place=[\\w-]+"[^>]*><Sip>${sipOf(agent)}</Sip></Dial>`,
        ),
      );
      // What Somleng's switch does not read is not sent (src/telephony/twiml-dialects.ts).
      assert.doesNotMatch(answer.body, /answerOnBridge|timeLimit|record=|statusCallback/);
    }
    assert.deepEqual(order, [urgent.callSid, early.callSid, late.callSid]);
    assert.equal(
      mock.requests.filter((r) => r.path.includes('/Queues/')).length,
      0,
      'no Queue resource',
    );
    assertRestCore(mock.requests);
  });

  it('when an agent has no SIP address and no desk number, then the offer counts as missed and the caller is sent back to the wait loop in their place', async () => {
    const runtime = await routingRuntime(mock, createFixedClock('2026-03-02T02:00:00Z'), CORE);
    const url = await serveRouting(runtime);
    const agent = await createAgent(runtime, { skills: ['cc-general'] });
    await runtime.routing.presence.setState(agent, 'available');
    const call = await callIn(url, {});
    const connect = new URL(String(callUpdates().at(-1)!.params.Url));
    const answer = await postSigned(url, `${connect.pathname}${connect.search}`, {
      AccountSid: 'AC00000000000000000000000000000000',
      CallSid: call.callSid,
    });
    assertTwimlCore(answer.body, 'connect');
    assert.match(answer.body, /<Redirect method="POST">[^<]*\/agents\/queue-wait\?call=/);
    assert.equal((await runtime.routing.store.call(call.callSid))?.state, 'held');
    assert.notEqual((await runtime.routing.store.agent(agent)).state, 'reserved');
  });

  it('when a caller in the wait loop presses 1 at the callback offer, then the request keeps their place (behind an earlier caller, ahead of a later one), the call leaves the wait list, and they hear the confirmation and a goodbye', async () => {
    const clock = createFixedClock('2026-03-02T02:00:00Z');
    const runtime = await routingRuntime(mock, clock, {
      ...CORE,
      IVR_CALLBACK_OFFER_SECONDS: '60',
    });
    const url = await serveRouting(runtime);
    const ahead = await callIn(url, {});
    clock.advance(10_000);
    let later = '';
    const caller = await callIn(url, {
      inputs: keys('2', '1', '1'),
      waitRounds: 3,
      onWaitTurn: async (turn) => {
        clock.advance(50_000);
        // Someone queues behind the caller while they wait.
        if (turn === 1)
          later = (await queueCall(runtime, { skill: 'cc-general', queuedAt: clock.now() }))
            .callSid;
      },
    });
    const offerTurn = caller.requests.findIndex((r) => r.twiml.includes('按1预约回电'));
    assert.ok(offerTurn > 0, caller.lines.join('\n'));
    const last = caller.requests.at(-1)!;
    assert.match(last.url, /\/queue\/wait-input\?/);
    assert.match(last.twiml, /拨打您尾号1234的来电号码.*感谢您的来电，再见。<\/Say><Hangup\/>/);
    assert.equal(caller.outcome, 'queue');

    const row = await runtime.ledger.find(caller.callSid);
    assert.equal(row?.callbackRequested, true);
    const [request] = (
      await callbackRepository.listDueCallbacks(
        runtime.database.db,
        ['cc-general'],
        clock.now(),
        100,
      )
    ).filter((r) => r.callSid === caller.callSid);
    assert.ok(request);
    assert.equal(request.queuedAt.toISOString(), row?.queuedAt?.toISOString());
    assert.equal(request.priority, 0);
    const waiting = await runtime.routing.store.waiting('cc-general');
    assert.deepEqual(
      waiting,
      [ahead.callSid, `cb:${request.id}`, later],
      'the callback waits where the call waited',
    );
    assert.equal(
      (await runtime.routing.store.call(`cb:${request.id}`))?.score,
      waitScore(0, row!.queuedAt!.getTime()),
    );
    assert.equal(
      await runtime.routing.store.call(caller.callSid),
      undefined,
      'the call itself left the wait list',
    );
    const events = await runtime.ledger.events(caller.callSid);
    assert.ok(
      events.some((e) => e.event === 'left-leave'),
      'the queue was left for the callback',
    );
    assertRestCore(mock.requests);
  });

  it("when the provider posts no status of the agent's leg, then the Dial action's completed result marks the call answered by the agent and starts wrap-up", async () => {
    const runtime = await routingRuntime(mock, createFixedClock('2026-03-02T02:00:00Z'), CORE);
    const url = await serveRouting(runtime);
    const agent = await freeAgentWithSip(runtime);
    const call = await callIn(url, { liveUpdates: liveUpdates() });
    assert.ok(
      call.requests.some((r) => r.url.includes('/agents/dial-result')),
      call.lines.join('\n'),
    );
    assert.equal((await runtime.routing.store.agent(agent)).state, 'wrap_up');
    assert.equal((await runtime.ledger.find(call.callSid))?.agentId, agent);
    assert.equal(await runtime.routing.store.call(call.callSid), undefined);
  });

  it("when Redis loses routing's wait lists, then the rebuild puts back the callers whose live call goes on (checked with a Calls fetch, no Queue resource) in their order and priority", async () => {
    // A database of its own: the rebuild reads every waiting call of the ledger.
    const runtime = await createTestRuntime({
      clock: createFixedClock('2026-03-02T02:00:00Z'),
      database: 'twiml_core_recovery',
      env: {
        ...CORE,
        REDIS_PREFIX: `${testRun.redisPrefix}-core-${randomBytes(3).toString('hex')}`,
        TWILIO_API_BASE_URL: mock.url,
      },
    });
    const departed = (
      await queueCall(runtime, { skill: 'cc-general', queuedAt: new Date('2026-03-02T01:50:00Z') })
    ).callSid;
    const early = (
      await queueCall(runtime, { skill: 'cc-general', queuedAt: new Date('2026-03-02T01:52:00Z') })
    ).callSid;
    const urgent = (
      await queueCall(runtime, {
        skill: 'cc-general',
        priority: 5,
        queuedAt: new Date('2026-03-02T01:55:00Z'),
      })
    ).callSid;
    mock.callStatuses.set(departed, 'completed');
    const prefix = runtime.config.redisPrefix;
    const keys = [
      ...(await runtime.redis.keys(`${prefix}:wait:*`)),
      ...(await runtime.redis.keys(`${prefix}:call:*`)),
    ];
    assert.ok(keys.length > 0);
    await runtime.redis.del(...keys);
    await runtime.routing.recovery.rebuild();
    assert.deepEqual(await runtime.routing.store.waiting('cc-general'), [urgent, early]);
    const fetched = mock.requests.filter((r) => r.method === 'GET').map((r) => r.path);
    for (const callSid of [departed, early, urgent])
      assert.ok(
        fetched.some((path) => path.endsWith(`/Calls/${callSid}.json`)),
        `${callSid} checked`,
      );
    assertRestCore(mock.requests);
  });

  it('when an agent transfers a caller to another department, then the live call is re-pointed into the wait loop of that department, keeping the original place, and its free agent is offered the call', async () => {
    const runtime = await routingRuntime(mock, createFixedClock('2026-03-02T02:00:00Z'), CORE);
    const url = await serveRouting(runtime);
    const first = await freeAgentWithSip(runtime);
    const call = await callIn(url, {});
    const post = async (target: string) => {
      const at = new URL(target);
      const answer = await postSigned(url, `${at.pathname}${at.search}`, {
        AccountSid: 'AC00000000000000000000000000000000',
        CallSid: call.callSid,
        From: '+8613904691234',
        To: CITIZEN_CENTRE,
      });
      assertTwimlCore(answer.body, at.pathname);
      return answer.body;
    };
    assert.match(
      await post(String(callUpdates().at(-1)!.params.Url)),
      new RegExp(`<Sip>${sipOf(first)}</Sip>`),
    );
    await runtime.routing.acd.agentLegStatus(first, call.callSid, 'in-progress');
    await runtime.routing.transfer(first, call.callSid, { department: 'cc-green' });
    const toTransfer = String(callUpdates().at(-1)!.params.Url);
    assert.match(
      toTransfer,
      /\/agents\/transfer-enqueue\?call=CA[0-9a-f]+&menu=citizen-centre&skill=cc-green$/,
    );
    const back = await post(toTransfer);
    const queueWait = /<Redirect method="POST">([^<]+)<\/Redirect>/
      .exec(back)![1]!
      .replace(/&amp;/g, '&');
    assert.match(
      queueWait,
      /\/agents\/queue-wait\?call=CA[0-9a-f]+&menu=citizen-centre&skill=cc-green$/,
    );
    const green = await createAgent(runtime, { skills: ['cc-green'] });
    await runtime.staff.setPhone(green, { deskNumber: '+864694226199' });
    await runtime.routing.presence.setState(green, 'available');
    assert.match(
      await post(queueWait),
      /<Redirect method="POST">[^<]+\/queue\/wait\?menu=citizen-centre&amp;skill=cc-green<\/Redirect>/,
    );
    const offer = new URL(String(callUpdates().at(-1)!.params.Url));
    assert.equal(offer.searchParams.get('agent'), green);
    assert.match(await post(offer.href), /<Dial [^>]*><Number>\+864694226199<\/Number><\/Dial>/);
    assert.equal(
      (await runtime.ledger.find(call.callSid))?.queuedAt?.toISOString(),
      '2026-03-02T02:00:00.000Z',
    );
    assertRestCore(mock.requests);
  });

  it("when a caller in the wait loop hangs up, then the status callback takes them out of routing's wait list, and the caller behind them hears they are next", async () => {
    const clock = createFixedClock('2026-03-02T02:00:00Z');
    const runtime = await routingRuntime(mock, clock, CORE);
    const url = await serveRouting(runtime);
    const gone = await callIn(url, {});
    clock.advance(10_000);
    const behind = await callIn(url, {});
    assert.deepEqual(await runtime.routing.store.waiting('cc-general'), [
      gone.callSid,
      behind.callSid,
    ]);
    const status = await postSigned(url, '/twilio/voice/status', {
      AccountSid: 'AC00000000000000000000000000000000',
      CallSid: gone.callSid,
      CallStatus: 'completed',
      SequenceNumber: '2',
      CallDuration: '40',
      From: '+8613904691234',
      To: CITIZEN_CENTRE,
      Direction: 'inbound',
    });
    assert.equal(status.status, 204);
    assert.deepEqual(await runtime.routing.store.waiting('cc-general'), [behind.callSid]);
    clock.advance(50_000);
    const turn = await postSigned(
      url,
      '/twilio/voice/queue/wait?menu=citizen-centre&skill=cc-general',
      {
        AccountSid: 'AC00000000000000000000000000000000',
        CallSid: behind.callSid,
        From: '+8613904691234',
        To: CITIZEN_CENTRE,
      },
    );
    assertTwimlCore(turn.body, 'wait');
    assert.match(turn.body, /您是下一位/);
  });

  it("when an agent's SIP address or desk number is set, then a malformed one is refused naming the field, an empty value clears it, and the SIP address is rung before the desk phone", async () => {
    const runtime = await routingRuntime(mock, createFixedClock('2026-03-02T02:00:00Z'), CORE);
    const agent = await createAgent(runtime, { skills: ['cc-general'] });
    await assert.rejects(
      runtime.staff.setPhone(agent, { sipAddress: 'wang@example' }),
      (error: Error & { status?: number }) =>
        error.status === 422 && /^sipAddress:/.test(error.message),
    );
    await assert.rejects(
      runtime.staff.setPhone(agent, { deskNumber: '04694226199' }),
      (error: Error & { status?: number }) =>
        error.status === 422 && /^deskNumber:/.test(error.message),
    );
    await assert.rejects(
      runtime.staff.setPhone('nobody_here', { deskNumber: '+864694226199' }),
      (error: Error & { status?: number }) => error.status === 404,
    );
    const phoneOf = createAgentPhones(runtime.staff, runtime.config.telephony);
    assert.equal(await phoneOf(agent), undefined, 'neither: this provider cannot ring the agent');
    const both = await runtime.staff.setPhone(agent, {
      sipAddress: sipOf(agent),
      deskNumber: '+864694226199',
    });
    assert.deepEqual([both.sipAddress, both.deskNumber], [sipOf(agent), '+864694226199']);
    assert.deepEqual(await phoneOf(agent), { sip: sipOf(agent) });
    const deskOnly = await runtime.staff.setPhone(agent, { sipAddress: '' });
    assert.deepEqual([deskOnly.sipAddress, deskOnly.deskNumber], [null, '+864694226199']);
    assert.deepEqual(await phoneOf(agent), { number: '+864694226199' });
    assert.deepEqual(
      await createAgentPhones(runtime.staff, { clientDialing: true })(agent),
      { client: agent },
      'on Twilio the softphone client, whatever is set',
    );
  });
});
