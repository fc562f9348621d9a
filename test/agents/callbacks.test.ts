import assert from 'node:assert/strict';
import * as callbackRepository from '../../src/callbacks/callbacks-repository.js';
import { startJobs } from '../../src/jobs.js';
import { createFixedClock } from '../../src/platform/clock.js';
import type { Runtime } from '../../src/runtime.js';
import { buildCallSid, postSigned } from '../support/twilio.js';
import { expectValidTwiml } from '../support/twiml.js';
import { assertRestCore, assertTwimlCore, PROFILES } from '../support/twiml-core.js';
import {
  assertTwilioConformant,
  createAgent,
  eventually,
  findJob,
  queueCall,
  routingRuntime,
  serveRouting,
  type TwilioMock,
  useTwilioMockSuite,
} from './agents-support.js';

const MONDAY_10AM = '2026-03-02T02:00:00Z';
const HOTLINE = '+864694212366';

async function requestCallback(
  runtime: Runtime,
  options: { skill?: string; queuedAt?: Date; priority?: number; phone?: string } = {},
) {
  const { row } = await callbackRepository.insertCallbackRequest(runtime.database.db, {
    callSid: buildCallSid(),
    hotlineNumber: HOTLINE,
    hallId: 'tax-jianshan',
    skill: options.skill ?? 'tj-declare',
    phone: options.phone ?? '+8613904690001',
    priority: options.priority ?? 0,
    queuedAt: options.queuedAt ?? new Date('2026-03-02T01:30:00Z'),
    requestedAt: new Date('2026-03-02T01:31:00Z'),
    notBefore: new Date('2026-03-02T01:31:00Z'),
  });
  return row;
}

const params = (extra: Record<string, string>) => ({
  AccountSid: 'AC00000000000000000000000000000000',
  ...extra,
});
const cbPath = (route: string, request: number, agent: string) =>
  `/twilio/voice/agents/callback/${route}?${new URLSearchParams({ request: String(request), agent })}`;

describe('callbacks', () => {
  const suiteMock = useTwilioMockSuite();
  let mock: TwilioMock;
  before(() => {
    mock = suiteMock();
  });

  for (const profile of PROFILES) {
    const core = profile === 'twiml-core';
    it(`when a callback request is older than a waiting call, then the free agent gets the callback first, agent leg first (${core ? 'at their SIP address' : 'on the softphone client'}), then the citizen with the hotline as caller ID (TELEPHONY_PROFILE=${profile})`, async () => {
      const clock = createFixedClock(MONDAY_10AM);
      const runtime = await routingRuntime(mock, clock, { TELEPHONY_PROFILE: profile });
      const url = await serveRouting(runtime);
      const request = await requestCallback(runtime, {
        queuedAt: new Date('2026-03-02T01:30:00Z'),
      });
      await queueCall(runtime, { skill: 'tj-declare', queuedAt: new Date('2026-03-02T01:45:00Z') });
      assert.equal(await runtime.callbacks.admitDue(), 1);
      const agent = await createAgent(runtime, { skills: ['tj-declare'] });
      const sip = `sip:${agent}@hotline.sip.example.cn`;
      if (core) await runtime.staff.setPhone(agent, { sipAddress: sip });
      await runtime.routing.presence.setState(agent, 'available');
      /** Offers of live calls: Queue member dequeues, or, without provider queues, updates of the live call. */
      const offers = () =>
        core
          ? mock.requests.filter(
              (r) => r.method === 'POST' && /\/Calls\/CA[0-9a-f]{32}\.json$/.test(r.path),
            )
          : mock.dequeues();
      assert.equal(offers().length, 0, 'the live call waits behind the older callback');
      const dialing = await callbackRepository.findCallbackRequest(runtime.database.db, request.id);
      assert.equal(dialing?.status, 'dialing');
      assert.equal(dialing?.attempts, 1);
      const placeJob = await findJob(
        runtime,
        'callback-place',
        (data) => data.requestId === request.id,
      );
      assert.deepEqual(placeJob?.data, {
        requestId: request.id,
        agentId: agent,
        version: (await runtime.routing.store.agent(agent)).version,
      });
      assert.ok(!JSON.stringify(placeJob?.data).includes('+86'), 'no phone number in the job');

      await runtime.callbacks.place(request.id, agent, placeJob!.data.version);
      const create = await mock.waitFor('/Calls.json');
      assertTwilioConformant(create);
      assert.equal(create.params.To, core ? sip : `client:${agent}`);
      assert.equal(create.params.From, HOTLINE);
      assert.match(
        String(create.params.Url),
        /\/twilio\/voice\/agents\/callback\/connect\?request=\d+&agent=/,
      );

      const agentLeg = buildCallSid();
      const connect = await postSigned(
        url,
        cbPath('connect', request.id, agent),
        params({ CallSid: agentLeg, CallStatus: 'in-progress' }),
      );
      await expectValidTwiml(connect.body);
      if (core) assertTwimlCore(connect.body, 'callback connect');
      // Under twiml-core only what Somleng's switch reads: no answerOnBridge, no record.
      const extras = core ? '' : ' answerOnBridge="true"';
      const record = core ? '' : ' record="record-from-answer-dual"';
      assert.match(
        connect.body,
        new RegExp(
          `<Dial callerId="\\${HOTLINE}"${extras} timeout="30"${record} action="[^"]+callback/result[^"]+" method="POST"><Number>\\+8613904690001</Number></Dial>`,
        ),
      );
      assert.equal((await runtime.routing.store.agent(agent)).state, 'on_call');

      const done = await postSigned(
        url,
        cbPath('result', request.id, agent),
        params({ CallSid: agentLeg, DialCallStatus: 'completed', DialCallSid: buildCallSid() }),
      );
      await expectValidTwiml(done.body);
      if (core) assertTwimlCore(done.body, 'callback result');
      assert.equal(
        (await callbackRepository.findCallbackRequest(runtime.database.db, request.id))?.status,
        'completed',
      );
      assert.equal((await runtime.routing.store.agent(agent)).state, 'wrap_up');
      await runtime.desk.outcomes.record(agent, agentLeg, 'consultation', {
        topic: '个税汇算',
        question: '如何申报',
        answer: '已指导',
        resolution: 'resolved',
      });
      assert.equal(
        (await runtime.routing.store.agent(agent)).state,
        'reserved',
        'free again, the agent takes the waiting call',
      );
      assert.equal(offers().length, 1);
      if (core) assertRestCore(mock.requests);
    });
  }

  it('when the citizen does not answer, then the callback is retried after the retry delay and given up after the last attempt', async () => {
    const clock = createFixedClock(MONDAY_10AM);
    const runtime = await routingRuntime(mock, clock, {
      CALLBACK_MAX_ATTEMPTS: '2',
      CALLBACK_RETRY_SECONDS: '300',
    });
    const url = await serveRouting(runtime);
    const agent = await createAgent(runtime, { skills: ['tj-invoice'] });
    await runtime.routing.presence.setState(agent, 'available');
    const request = await requestCallback(runtime, { skill: 'tj-invoice' });
    for (const [attempt, status] of [
      [1, 'no-answer'],
      [2, 'busy'],
    ] as const) {
      await runtime.callbacks.admitDue();
      const row = await callbackRepository.findCallbackRequest(runtime.database.db, request.id);
      assert.equal(row?.status, 'dialing', `attempt ${attempt} started`);
      assert.equal(row?.attempts, attempt);
      await runtime.callbacks.place(
        request.id,
        agent,
        (await runtime.routing.store.agent(agent)).version,
      );
      const agentLeg = buildCallSid();
      await postSigned(url, cbPath('connect', request.id, agent), params({ CallSid: agentLeg }));
      const result = await postSigned(
        url,
        cbPath('result', request.id, agent),
        params({ CallSid: agentLeg, DialCallStatus: status }),
      );
      await expectValidTwiml(result.body);
      assert.equal((await runtime.routing.store.agent(agent)).state, 'available');
      if (attempt === 1) {
        const pending = await callbackRepository.findCallbackRequest(
          runtime.database.db,
          request.id,
        );
        assert.equal(pending?.status, 'pending');
        assert.equal(
          pending?.notBefore.toISOString(),
          new Date(clock.now().getTime() + 300_000).toISOString(),
        );
        assert.equal(await runtime.callbacks.admitDue(), 0, 'not before the retry delay');
        clock.advance(301_000);
      }
    }
    assert.equal(
      (await callbackRepository.findCallbackRequest(runtime.database.db, request.id))?.status,
      'given_up',
    );
    assert.equal(mock.requests.filter((r) => r.path.endsWith('/Calls.json')).length, 2);
  });

  it('when the agent does not answer the callback leg, then the request keeps its place and the attempt is not counted', async () => {
    const runtime = await routingRuntime(mock, createFixedClock(MONDAY_10AM), {
      AGENT_MAX_MISSED_OFFERS: '1',
    });
    const url = await serveRouting(runtime);
    const agent = await createAgent(runtime, { skills: ['tj-general'] });
    await runtime.routing.presence.setState(agent, 'available');
    const request = await requestCallback(runtime, { skill: 'tj-general' });
    await runtime.callbacks.admitDue();
    await runtime.callbacks.place(
      request.id,
      agent,
      (await runtime.routing.store.agent(agent)).version,
    );
    const status = await postSigned(
      url,
      cbPath('status', request.id, agent),
      params({ CallSid: buildCallSid(), CallStatus: 'no-answer', Direction: 'outbound-api' }),
    );
    assert.equal(status.status, 204);
    const row = await callbackRepository.findCallbackRequest(runtime.database.db, request.id);
    assert.equal(row?.attempts, 0);
    assert.equal(row?.status, 'pending');
    const snapshot = await runtime.routing.store.agent(agent);
    assert.equal(snapshot.state, 'break');
    assert.equal(snapshot.reason, 'missed-offers');
    assert.deepEqual(
      await runtime.routing.store.waiting('tj-general'),
      [`cb:${request.id}`],
      'back in line, in its place',
    );
  });

  it('when a waiting caller leaves the queue for a callback, then the request joins the wait list at once, in the place they had', async () => {
    const runtime = await routingRuntime(mock, createFixedClock(MONDAY_10AM));
    const call = await queueCall(runtime, {
      skill: 'tj-general',
      queuedAt: new Date('2026-03-02T01:10:00Z'),
    });
    await queueCall(runtime, { skill: 'tj-general', queuedAt: new Date('2026-03-02T01:20:00Z') });
    const { row } = await callbackRepository.insertCallbackRequest(runtime.database.db, {
      callSid: call.callSid,
      hotlineNumber: HOTLINE,
      hallId: 'tax-jianshan',
      skill: 'tj-general',
      phone: '+8613904690002',
      priority: 0,
      queuedAt: new Date('2026-03-02T01:10:00Z'),
      requestedAt: new Date(MONDAY_10AM),
      notBefore: new Date(MONDAY_10AM),
    });
    await runtime.routing.acd.callLeftQueue(call.callSid, 'leave');
    const waiting = await runtime.routing.store.waiting('tj-general');
    assert.equal(waiting[0], `cb:${row.id}`, 'ahead of the call that came after');
    assert.ok(!waiting.includes(call.callSid));
  });

  it('when a reserved callback is never placed, then the offer timeout frees the agent and the request keeps its place', async () => {
    const runtime = await routingRuntime(mock, createFixedClock(MONDAY_10AM));
    const agent = await createAgent(runtime, { skills: ['tj-invoice'] });
    await runtime.routing.presence.setState(agent, 'break', 'training');
    const request = await requestCallback(runtime, { skill: 'tj-invoice' });
    await runtime.callbacks.admitDue();
    await runtime.routing.presence.setState(agent, 'available');
    const reserved = await runtime.routing.store.agent(agent);
    assert.equal(reserved.callSid, `cb:${request.id}`);
    const timeout = await findJob(
      runtime,
      'routing-offer-timeout',
      (data) => data.callSid === `cb:${request.id}`,
    );
    assert.equal(timeout?.opts.delay, 80_000);
    await runtime.routing.presence.setState(
      await createAgent(runtime, { skills: ['tj-declare'] }),
      'available',
    );
    await runtime.routing.acd.offerTimedOut(`cb:${request.id}`, agent, reserved.version);
    const row = await callbackRepository.findCallbackRequest(runtime.database.db, request.id);
    assert.equal(
      row?.attempts,
      row?.status === 'dialing' ? 1 : 0,
      'the lost attempt is not counted',
    );
    assert.equal(
      (await runtime.routing.store.agent(agent)).callSid,
      `cb:${request.id}`,
      'the only eligible agent, freed, is offered it again',
    );
  });

  it('when the hall is closed, then due callbacks do not join the queue', async () => {
    const runtime = await routingRuntime(mock, createFixedClock('2026-03-07T02:00:00Z'));
    await requestCallback(runtime, { skill: 'tj-declare' });
    assert.equal(await runtime.callbacks.admitDue(), 0);
    assert.deepEqual(await runtime.routing.store.waiting('tj-declare'), []);
  });

  it('when several callbacks are placed at once, then the worker starts at most one outbound call per second', async function () {
    this.timeout(30_000);
    const runtime = await routingRuntime(mock, createFixedClock(MONDAY_10AM));
    const jobs = await startJobs(runtime);
    try {
      for (let i = 0; i < 3; i += 1) {
        const agent = await createAgent(runtime, { skills: ['tj-declare'] });
        await runtime.routing.presence.setState(agent, 'available');
        await requestCallback(runtime, { skill: 'tj-declare' });
      }
      await runtime.callbacks.admitDue();
      const creates = await eventually(
        async () => {
          const found = mock.requests.filter((r) => r.path.endsWith('/Calls.json'));
          return found.length >= 3 ? found : undefined;
        },
        'three outbound calls',
        10_000,
      );
      const gaps = creates.slice(1).map((r, i) => r.at - creates[i]!.at);
      const shown = `gaps between outbound calls: ${gaps.map((g) => g.toFixed(0)).join(', ')} ms`;
      // The limiter spaces job starts by a second; each request then leaves after its own job's
      // processing time, so single gaps jitter around 1000 ms while the rate holds on average.
      assert.ok(creates[2]!.at - creates[0]!.at >= 1800, shown);
      assert.ok(
        gaps.every((gap) => gap >= 500),
        shown,
      );
    } finally {
      await jobs.close();
    }
  });
});
