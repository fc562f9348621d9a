import assert from 'node:assert/strict';
import { createFixedClock } from '../../src/platform/clock.js';
import { ownDatabase } from '../support/env.js';
import { buildCallSid, postSigned } from '../support/twilio.js';
import { expectValidTwiml } from '../support/twiml.js';
import {
  assertTwilioConformant,
  client,
  createAgent,
  routingRuntime,
  serveRouting,
  type TwilioMock,
  useTwilioMockSuite,
} from './agents-support.js';

const MONDAY_10AM = '2026-03-02T02:00:00Z';
const HOTLINE = '+864694212366';
const CITIZEN = '+8613904690077';

const params = (extra: Record<string, string>) => ({
  AccountSid: 'AC00000000000000000000000000000000',
  ...extra,
});
const outboundPath = (route: string, agent: string) =>
  `/twilio/voice/agents/outbound/${route}?${new URLSearchParams({ agent })}`;

// A database of its own: the day's offered calls are counted from the whole ledger.
describe('an outbound call (外呼) from the desk', function () {
  this.timeout(30_000);
  const suiteMock = useTwilioMockSuite();
  let mock: TwilioMock;
  before(() => {
    mock = suiteMock();
  });

  it("when an available agent dials a citizen's number, then the REST client rings the agent with the hotline as caller ID, the answer bridges the citizen, and the call ends in wrap-up and an outcome, outside the inbound figures", async () => {
    const runtime = await routingRuntime(mock, createFixedClock(MONDAY_10AM), {
      DATABASE_URL: await ownDatabase('outbound-call'),
    });
    const url = await serveRouting(runtime);
    const agent = await createAgent(runtime, { skills: ['tj-declare'], displayName: '王丽' });
    const desk = client(url);
    await desk.login(agent);
    await desk.request('PUT', '/api/agents/me/state', { state: 'available' });

    const bad = await desk.request('POST', '/api/desk/outbound', { number: '12345' });
    assert.deepEqual([bad.status, bad.body.error.code], [422, 'validation_failed']);
    const placed = await desk.request('POST', '/api/desk/outbound', { number: '139 0469 0077' });
    assert.equal(placed.status, 202, JSON.stringify(placed.body));
    assert.equal(placed.body.hotline, HOTLINE);
    const agentLeg: string = placed.body.callSid;

    const creates = mock.requests.filter((r) => r.path.endsWith('/Calls.json'));
    assert.equal(creates.length, 1);
    assertTwilioConformant(creates[0]!);
    assert.equal(creates[0]!.params.To, `client:${agent}`);
    assert.equal(creates[0]!.params.From, HOTLINE);
    assert.match(
      String(creates[0]!.params.Url),
      /\/twilio\/voice\/agents\/outbound\/connect\?agent=/,
    );
    assert.equal((await runtime.routing.store.agent(agent)).state, 'reserved');
    const twice = await desk.request('POST', '/api/desk/outbound', { number: CITIZEN });
    assert.deepEqual([twice.status, twice.body.error.code], [409, 'agent_not_available']);

    const connect = await postSigned(
      url,
      outboundPath('connect', agent),
      params({ CallSid: agentLeg, CallStatus: 'in-progress' }),
    );
    await expectValidTwiml(connect.body);
    assert.match(
      connect.body,
      new RegExp(
        `<Dial callerId="\\${HOTLINE}"[^>]*action="[^"]+outbound/result[^"]+"[^>]*><Number>\\${CITIZEN}</Number></Dial>`,
      ),
    );
    const onCall = await runtime.routing.store.agent(agent);
    assert.deepEqual([onCall.state, onCall.callSid], ['on_call', agentLeg]);

    await postSigned(
      url,
      outboundPath('result', agent),
      params({ CallSid: agentLeg, DialCallStatus: 'completed', DialCallSid: buildCallSid() }),
    );
    assert.equal((await runtime.routing.store.agent(agent)).state, 'wrap_up');
    await postSigned(
      url,
      outboundPath('status', agent),
      params({
        CallSid: agentLeg,
        CallStatus: 'completed',
        CallDuration: '95',
        SequenceNumber: '0',
        Timestamp: new Date('2026-03-02T02:02:00Z').toUTCString(),
      }),
    );
    const outcome = await desk.request('POST', `/api/calls/${agentLeg}/outcomes/other`, {
      reason: 'complaint',
    });
    assert.equal(outcome.status, 201, JSON.stringify(outcome.body));

    const row = await runtime.ledger.find(agentLeg);
    assert.deepEqual(
      [
        row?.direction,
        row?.fromNumber,
        row?.toNumber,
        row?.hotlineNumber,
        Boolean(row?.answeredAt),
      ],
      ['outbound', HOTLINE, CITIZEN, HOTLINE, true],
    );
    // One inbound call of the day beside it, so that the day has figures.
    await runtime.ledger.recordArrival({
      callSid: buildCallSid(),
      from: '+8613904690001',
      to: HOTLINE,
      hotline: { number: HOTLINE, hall: 'tax-jianshan', department: 'tj-general' },
    });
    const report = await runtime.reports.period('2026-03-02', '2026-03-02');
    assert.equal(report.total.offered, 1, 'the inbound call only, not the outbound one');
    assert.equal(report.total.answered, 0, 'the outbound call is not an inbound call answered');
    assert.deepEqual(
      report.byAgent.map((a) => [a.name, a.handled, a.other]),
      [['王丽', 1, 1]],
      "the agent's own work",
    );
  });

  it('when the agent does not answer their own phone, or the citizen does not answer, then the agent is free again and no wrap-up is owed', async () => {
    const runtime = await routingRuntime(mock, createFixedClock(MONDAY_10AM), {
      DATABASE_URL: await ownDatabase('outbound-call'),
    });
    const url = await serveRouting(runtime);
    const agent = await createAgent(runtime, { skills: ['tj-declare'] });
    const desk = client(url);
    await desk.login(agent);
    await desk.request('PUT', '/api/agents/me/state', { state: 'available' });

    const first = await desk.request('POST', '/api/desk/outbound', { number: CITIZEN });
    await postSigned(
      url,
      outboundPath('status', agent),
      params({
        CallSid: first.body.callSid,
        CallStatus: 'no-answer',
        SequenceNumber: '0',
        Timestamp: new Date('2026-03-02T02:01:00Z').toUTCString(),
      }),
    );
    assert.equal((await runtime.routing.store.agent(agent)).state, 'available');

    const second = await desk.request('POST', '/api/desk/outbound', { number: CITIZEN });
    assert.equal(second.status, 202);
    await postSigned(
      url,
      outboundPath('connect', agent),
      params({ CallSid: second.body.callSid, CallStatus: 'in-progress' }),
    );
    const unreached = await postSigned(
      url,
      outboundPath('result', agent),
      params({ CallSid: second.body.callSid, DialCallStatus: 'no-answer' }),
    );
    await expectValidTwiml(unreached.body);
    assert.match(unreached.body, /市民未接听/);
    assert.equal((await runtime.routing.store.agent(agent)).state, 'available');

    // No word at all from the provider about the agent's leg: the offer timeout job frees them.
    await desk.request('POST', '/api/desk/outbound', { number: CITIZEN });
    const reserved = await runtime.routing.store.agent(agent);
    assert.deepEqual([reserved.state, reserved.callSid], ['reserved', `outbound:${agent}`]);
    const timeouts = await runtime.queues.get('routing-offer-timeout').getJobs(['delayed']);
    const job = timeouts.find((j) => j?.data.callSid === `outbound:${agent}`);
    assert.equal(job?.data.version, reserved.version, 'the safety net is queued');
    await runtime.routing.acd.offerTimedOut(`outbound:${agent}`, agent, reserved.version);
    assert.equal((await runtime.routing.store.agent(agent)).state, 'available');
  });
});
