import assert from 'node:assert/strict';
import * as callbackRepository from '../../src/callbacks/callbacks-repository.js';
import { startJobs } from '../../src/jobs.js';
import { createFixedClock } from '../../src/platform/clock.js';
import type { Runtime } from '../../src/runtime.js';
import { ownDatabase } from '../support/env.js';
import { buildCallSid, postSigned } from '../support/twilio.js';
import { expectValidTwiml } from '../support/twiml.js';
import {
  assertTwilioConformant,
  client,
  createAgent,
  eventually,
  routingRuntime,
  serveRouting,
  type TwilioMock,
  useTwilioMockSuite,
} from './agents-support.js';

const MONDAY_10AM = '2026-03-02T02:00:00Z';
const HOTLINE = '+864694212366';
const CITIZEN = '+8613904690002';

async function buildCallbackRequest(runtime: Runtime, overrides: { skill?: string } = {}) {
  const { row } = await callbackRepository.insertCallbackRequest(runtime.database.db, {
    callSid: buildCallSid(),
    hotlineNumber: HOTLINE,
    hallId: 'tax-jianshan',
    skill: overrides.skill ?? 'tj-declare',
    phone: CITIZEN,
    priority: 0,
    queuedAt: new Date('2026-03-02T01:30:00Z'),
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
const placePath = (id: number) => `/api/desk/callbacks/${id}/place`;

// A database of its own: callbacks other files leave due would be admitted first when the agent becomes available.
describe('placing a callback now from the desk', function () {
  this.timeout(30_000);
  const suiteMock = useTwilioMockSuite();
  let mock: TwilioMock;
  before(() => {
    mock = suiteMock();
  });

  it('when the agent clicks twice, then one outbound call rings the agent through the worker, bridges the citizen, and the attempt is kept like a routed callback', async () => {
    const runtime = await routingRuntime(mock, createFixedClock(MONDAY_10AM), {
      DATABASE_URL: await ownDatabase('callback-place-now'),
    });
    const url = await serveRouting(runtime);
    const request = await buildCallbackRequest(runtime);
    const agent = await createAgent(runtime, { skills: ['tj-declare'] });
    const desk = client(url);
    await desk.login(agent);
    await desk.request('PUT', '/api/agents/me/state', { state: 'available' });

    const listed = await desk.request('GET', '/api/desk/my-work');
    const row = listed.body.callbacks.find((c: { id: number }) => c.id === request.id);
    assert.deepEqual([row.group, row.placeable], ['due', true]);

    const jobs = await startJobs(runtime);
    try {
      const clicks = await Promise.all([
        desk.request('POST', placePath(request.id)),
        desk.request('POST', placePath(request.id)),
      ]);
      assert.deepEqual(
        clicks.map((c) => c.status),
        [202, 202],
      );
      assert.deepEqual(clicks[0]!.body, { requestId: request.id, status: 'placing' });
      const create = await mock.waitFor('/Calls.json');
      assertTwilioConformant(create);
      assert.equal(create.params.To, `client:${agent}`);
      assert.equal(create.params.From, HOTLINE);
      assert.match(
        String(create.params.Url),
        new RegExp(`/twilio/voice/agents/callback/connect\\?request=${request.id}&agent=`),
      );
      const again = await desk.request('POST', placePath(request.id));
      assert.equal(again.status, 202, 'a third click while the agent rings is the same request');
      const placeJobs = await runtime.queues
        .get('callback-place')
        .getJobs(['completed', 'active', 'waiting', 'delayed']);
      assert.equal(placeJobs.filter((job) => job?.data.requestId === request.id).length, 1);
      await eventually(
        async () =>
          (await runtime.queues.get('callback-place').getJobCounts('completed')).completed === 1,
        'the place job done',
      );
    } finally {
      await jobs.close();
    }
    assert.equal(
      mock.requests.filter((r) => r.path.endsWith('/Calls.json')).length,
      1,
      'one outbound call',
    );
    const dialing = await callbackRepository.findCallbackRequest(runtime.database.db, request.id);
    assert.deepEqual([dialing?.status, dialing?.attempts, dialing?.agentId], ['dialing', 1, agent]);

    const agentLeg = buildCallSid();
    const connect = await postSigned(
      url,
      cbPath('connect', request.id, agent),
      params({ CallSid: agentLeg, CallStatus: 'in-progress' }),
    );
    await expectValidTwiml(connect.body);
    assert.match(
      connect.body,
      new RegExp(
        `<Dial callerId="\\${HOTLINE}"[^>]*action="[^"]+callback/result[^"]+"[^>]*><Number>\\${CITIZEN}</Number></Dial>`,
      ),
    );
    assert.equal((await runtime.routing.store.agent(agent)).state, 'on_call');
    const busy = await desk.request('POST', placePath(request.id));
    assert.deepEqual([busy.status, busy.body.error.code], [409, 'callback_in_progress']);

    const citizenLeg = buildCallSid();
    await postSigned(
      url,
      cbPath('result', request.id, agent),
      params({ CallSid: agentLeg, DialCallStatus: 'completed', DialCallSid: citizenLeg }),
    );
    const done = await callbackRepository.findCallbackRequest(runtime.database.db, request.id);
    assert.deepEqual([done?.status, done?.outboundCallSid], ['completed', citizenLeg]);
    assert.equal((await runtime.routing.store.agent(agent)).state, 'wrap_up');
    const closed = await desk.request('POST', placePath(request.id));
    assert.deepEqual([closed.status, closed.body.error.code], [409, 'callback_closed']);
    const after = await desk.request('GET', '/api/desk/my-work');
    assert.deepEqual(
      after.body.callbacks
        .filter((c: { id: number }) => c.id === request.id)
        .map((c: { group: string; placeable: boolean }) => [c.group, c.placeable]),
      [['done', false]],
    );
  });

  it('when the agent is not available, not of its department, or the request is unknown, then 4xx with a code; a supervisor may place it', async () => {
    const runtime = await routingRuntime(mock, createFixedClock(MONDAY_10AM), {
      DATABASE_URL: await ownDatabase('callback-place-now'),
    });
    const url = await serveRouting(runtime);
    const request = await buildCallbackRequest(runtime);
    const onBreak = await createAgent(runtime, { skills: ['tj-declare'] });
    const stranger = await createAgent(runtime, { skills: ['cc-fund'] });
    const supervisor = await createAgent(runtime, { skills: [], role: 'supervisor' });

    const breakDesk = client(url);
    await breakDesk.login(onBreak);
    await breakDesk.request('PUT', '/api/agents/me/state', { state: 'break', reason: '用餐' });
    const refused = await breakDesk.request('POST', placePath(request.id));
    assert.deepEqual([refused.status, refused.body.error.code], [409, 'agent_not_available']);

    const strangerDesk = client(url);
    await strangerDesk.login(stranger);
    await strangerDesk.request('PUT', '/api/agents/me/state', { state: 'available' });
    const forbidden = await strangerDesk.request('POST', placePath(request.id));
    assert.deepEqual([forbidden.status, forbidden.body.error.code], [403, 'not_your_callback']);
    const unknown = await strangerDesk.request('POST', placePath(request.id + 100_000));
    assert.equal(unknown.status, 404);
    const malformed = await strangerDesk.request('POST', '/api/desk/callbacks/abc/place');
    assert.equal(malformed.status, 422);

    const unchanged = await callbackRepository.findCallbackRequest(runtime.database.db, request.id);
    assert.deepEqual(
      [unchanged?.status, unchanged?.attempts],
      ['pending', 0],
      'refusals change nothing',
    );

    const room = client(url);
    await room.login(supervisor);
    await room.request('PUT', '/api/agents/me/state', { state: 'available' });
    const placed = await room.request('POST', placePath(request.id));
    assert.equal(placed.status, 202);
    const snapshot = await runtime.routing.store.agent(supervisor);
    assert.deepEqual([snapshot.state, snapshot.callSid], ['reserved', `cb:${request.id}`]);
    const other = await breakDesk.request('POST', placePath(request.id));
    assert.deepEqual([other.status, other.body.error.code], [409, 'callback_in_progress']);
  });
});
