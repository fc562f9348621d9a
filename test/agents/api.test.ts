import assert from 'node:assert/strict';
import { createFixedClock } from '../../src/platform/clock.js';
import type { Runtime } from '../../src/runtime.js';
import { postSigned } from '../support/twilio.js';
import {
  assertTwilioConformant,
  client,
  closeRoutingRuntimes,
  createAgent,
  eventually,
  queueCall,
  queueWaitPath,
  routingRuntime,
  serveRouting,
  startTwilioMock,
  type TwilioMock,
} from './agents-support.js';
import { expectValidTwiml } from '../support/twiml.js';

const PASSWORD = 'correct horse battery';

describe('staff API: sessions, agent state, outcomes, tokens, live events', () => {
  let mock: TwilioMock;
  let runtime: Runtime;
  let url: string;
  const clock = createFixedClock('2026-03-02T02:00:00Z');

  before(async () => {
    mock = await startTwilioMock();
    runtime = await routingRuntime(mock, clock);
    url = await serveRouting(runtime);
  });
  after(async () => {
    await closeRoutingRuntimes();
    await mock.close();
  });

  it('when an agent logs in, then a session cookie that is HttpOnly, SameSite=Strict and Secure, and the API knows them', async () => {
    const agent = await createAgent(runtime, { skills: ['cc-general'] });
    const browser = client(url);
    const login = await browser.login(agent);
    assert.equal(login.status, 200);
    assert.match(
      login.setCookie!,
      /^sid=[A-Za-z0-9_-]{43}; Max-Age=43200; Path=\/; Expires=.+; HttpOnly; Secure; SameSite=Strict$/,
    );
    const me = await browser.request('GET', '/api/agents/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.user.id, agent);
    assert.deepEqual(me.body.user.skills, ['cc-general']);
    assert.equal(me.body.state.state, 'offline');
  });

  it('when the password is wrong, then 401; after five failures the account is locked even with the right password', async () => {
    const agent = await createAgent(runtime, { skills: ['cc-general'] });
    const browser = client(url);
    for (let i = 0; i < 5; i += 1)
      assert.equal((await browser.login(agent, 'wrong password!')).status, 401);
    const locked = await browser.login(agent);
    assert.equal(locked.status, 429);
    assert.equal(locked.body.error.code, 'rate_limited');
  });

  it('when logging out, then the session ends and the cookie no longer works', async () => {
    const agent = await createAgent(runtime, { skills: ['cc-general'] });
    const browser = client(url);
    await browser.login(agent);
    const stale = browser.cookie;
    assert.equal((await browser.request('POST', '/api/auth/logout')).status, 204);
    const after = await fetch(`${url}/api/agents/me`, { headers: { cookie: stale } });
    assert.equal(after.status, 401);
    assert.equal(
      (await browser.login(agent)).status,
      200,
      'a stale cookie does not stop logging in again',
    );
  });

  it('when a cookie-authenticated write lacks X-Requested-With, then 403 (CSRF), and login needs it too', async () => {
    const agent = await createAgent(runtime, { skills: ['cc-general'] });
    const browser = client(url);
    await browser.login(agent);
    const forged = await browser.request('PUT', '/api/agents/me/state', { state: 'available' }, {});
    assert.equal(forged.status, 403);
    const forgedLogin = await client(url).request(
      'POST',
      '/api/auth/login',
      { username: agent, password: PASSWORD },
      {},
    );
    assert.equal(forgedLogin.status, 403);
  });

  it('when a route needs a role, then no session is 401 and a lower role is 403', async () => {
    assert.equal((await fetch(`${url}/api/agents/me`)).status, 401);
    const agent = await createAgent(runtime, { skills: ['cc-general'] });
    const browser = client(url);
    await browser.login(agent);
    assert.equal((await browser.request('GET', '/api/supervisor/agents')).status, 403);
    const supervisor = await createAgent(runtime, { skills: [], role: 'supervisor' });
    const boss = client(url);
    await boss.login(supervisor);
    assert.equal((await boss.request('GET', '/api/supervisor/agents')).status, 200);
  });

  it('when an account is disabled, then its sessions end and it cannot log in', async () => {
    const agent = await createAgent(runtime, { skills: ['cc-general'] });
    const browser = client(url);
    await browser.login(agent);
    await runtime.staff.disableUser(agent);
    assert.equal((await browser.request('GET', '/api/agents/me')).status, 401);
    assert.equal((await client(url).login(agent)).status, 401);
  });

  it('when the agent sets their state, then it is versioned and logged; a break needs a reason; on-call states are refused', async () => {
    const agent = await createAgent(runtime, { skills: ['cc-estate'] });
    const browser = client(url);
    await browser.login(agent);
    const available = await browser.request('PUT', '/api/agents/me/state', { state: 'available' });
    assert.equal(available.status, 200);
    assert.equal(available.body.state.state, 'available');
    const noReason = await browser.request('PUT', '/api/agents/me/state', { state: 'break' });
    assert.equal(noReason.status, 422);
    const wrong = await browser.request('PUT', '/api/agents/me/state', { state: 'on_call' });
    assert.equal(wrong.status, 422);
    assert.equal(wrong.body.error.details.fields[0].field, 'state');
    const onBreak = await browser.request('PUT', '/api/agents/me/state', {
      state: 'break',
      reason: 'lunch',
    });
    assert.equal(onBreak.body.state.reason, 'lunch');
    assert.equal(onBreak.body.state.version, available.body.state.version + 1);
    const { listStateLog } = await import('../../src/routing/agent-calls-repository.js');
    const log = await listStateLog(runtime.database.db, agent);
    assert.deepEqual(
      log.map((row) => [row.fromState, row.toState, row.reason]),
      [
        ['offline', 'available', null],
        ['available', 'break', 'lunch'],
      ].map(([f, t, r]) => [f, t, r ?? '']),
    );
  });

  it("when an agent's panel goes silent, then the sweep takes them out of routing", async () => {
    const agent = await createAgent(runtime, { skills: ['cc-police'] });
    await runtime.routing.presence.setState(agent, 'available');
    clock.advance(30_000);
    assert.ok(
      !(await runtime.routing.presence.sweepSilentAgents()).includes(agent),
      'within the timeout the agent stays',
    );
    clock.advance(31_000);
    assert.ok((await runtime.routing.presence.sweepSilentAgents()).includes(agent));
    const snapshot = await runtime.routing.store.agent(agent);
    assert.equal(snapshot.state, 'offline');
    assert.equal(snapshot.reason, 'heartbeat-lost');
    assert.deepEqual(await runtime.routing.store.available('cc-police'), []);
  });

  it('when the softphone asks for a token, then a Voice access token for the agent', async () => {
    const agent = await createAgent(runtime, { skills: ['cc-general'] });
    const browser = client(url);
    await browser.login(agent);
    const token = await browser.request('GET', '/api/agents/me/token');
    assert.equal(token.status, 200);
    const payload = JSON.parse(
      Buffer.from(String(token.body.token).split('.')[1]!, 'base64url').toString('utf8'),
    );
    assert.equal(payload.grants.identity, agent);
    assert.deepEqual(payload.grants.voice.incoming, { allow: true });
    assert.equal(payload.sub, 'AC00000000000000000000000000000000');
    assert.ok(payload.exp - payload.iat <= 3600);
  });

  it('when outcomes are posted, then each kind is validated with 422s naming the field, stored once, and linked to call and agent', async () => {
    const agent = await createAgent(runtime, { skills: ['cc-fund'] });
    const browser = client(url);
    await browser.login(agent);
    await browser.request('PUT', '/api/agents/me/state', { state: 'available' });
    const { callSid } = await queueCall(runtime, { skill: 'cc-fund' });
    await runtime.routing.acd.agentLegStatus(agent, callSid, 'in-progress');

    const missing = await browser.request(
      'POST',
      `/api/calls/${callSid}/outcomes/completed-by-phone`,
      {
        serviceId: 'cc-general-guide',
        result: 'done',
        delivery: { method: 'post', address: '尖山区新兴大街1号', postcode: '1550' },
      },
    );
    assert.equal(missing.status, 422);
    assert.deepEqual(
      missing.body.error.details.fields.map((f: { field: string }) => f.field).sort(),
      ['delivery.postcode', 'referenceNumber'],
    );
    const badService = await browser.request(
      'POST',
      `/api/calls/${callSid}/outcomes/consultation`,
      { serviceId: 'no-such', topic: 't', question: 'q', answer: 'a', resolution: 'resolved' },
    );
    assert.equal(badService.status, 422);
    assert.equal(badService.body.error.details.fields[0].field, 'serviceId');
    const badKind = await browser.request('POST', `/api/calls/${callSid}/outcomes/nonsense`, {});
    assert.equal(badKind.status, 404);

    const stored = await browser.request(
      'POST',
      `/api/calls/${callSid}/outcomes/completed-by-phone`,
      {
        serviceId: 'cc-general-guide',
        referenceNumber: 'SYS-2026-000123',
        result: '已办结',
        delivery: {
          method: 'post',
          address: '尖山区新兴大街296号',
          postcode: '155100',
          trackingNumber: 'EMS1234567890',
        },
      },
    );
    assert.equal(stored.status, 201);
    assert.equal(stored.body.outcome.kind, 'completed_by_phone');
    assert.equal(stored.body.outcome.agentId, agent);
    assert.equal(stored.body.outcome.callSid, callSid);
    const again = await browser.request('POST', `/api/calls/${callSid}/outcomes/other`, {
      reason: 'complaint',
    });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'outcome_exists');
    const other = createAgent(runtime, { skills: ['cc-fund'] });
    const stranger = client(url);
    await stranger.login(await other);
    assert.equal(
      (
        await stranger.request('POST', `/api/calls/${callSid}/outcomes/other`, {
          reason: 'complaint',
        })
      ).status,
      404,
      'only the agent who answered records the outcome',
    );
    const booking = await queueCall(runtime, { skill: 'cc-fund' });
    const bookingAgent = await createAgent(runtime, { skills: ['cc-fund'] });
    await runtime.routing.presence.setState(bookingAgent, 'available');
    await runtime.routing.acd.agentLegStatus(bookingAgent, booking.callSid, 'in-progress');
    const bookingOutcome = await runtime.desk.outcomes.record(
      bookingAgent,
      booking.callSid,
      'booking',
      { bookingId: 'bk_01HX', bookingCode: 'A7K2Q9' },
    );
    assert.deepEqual(bookingOutcome.details, { bookingId: 'bk_01HX', bookingCode: 'A7K2Q9' });
  });

  it("when the agent reads their current call, then they see the caller's number and IVR path, and the read is audited", async () => {
    const agent = await createAgent(runtime, { skills: ['cc-tax'] });
    const browser = client(url);
    await browser.login(agent);
    await browser.request('PUT', '/api/agents/me/state', { state: 'available' });
    const { callSid } = await queueCall(runtime, { skill: 'cc-tax' });
    await runtime.ledger.recordStep(callSid, { nodeId: 'main', kind: 'chose', input: '0' });
    const current = await browser.request('GET', '/api/agents/me/call');
    assert.equal(current.body.call.from, '+8613904691234');
    assert.deepEqual(
      current.body.call.path.map((s: { node: string }) => s.node),
      ['main'],
    );
    const { listAudit } = await import('../../src/platform/audit-repository.js');
    const audit = await listAudit(runtime.database.db, callSid);
    assert.deepEqual(
      audit.map((row) => [row.actorId, row.action]),
      [[agent, 'read-call']],
    );
  });

  it('when an agent is on a call and transfers it to another department, then the caller is redirected to that queue with their original place', async () => {
    const agent = await createAgent(runtime, { skills: ['cc-enterprise'] });
    await runtime.routing.presence.setState(agent, 'available');
    const call = await queueCall(runtime, {
      skill: 'cc-enterprise',
      queuedAt: new Date('2026-03-02T01:20:00Z'),
    });
    await runtime.routing.acd.agentLegStatus(agent, call.callSid, 'in-progress');
    const browser = client(url);
    await browser.login(agent);
    const transfer = await browser.request(
      'POST',
      `/api/agents/me/calls/${call.callSid}/transfer`,
      { department: 'cc-green' },
    );
    assert.equal(transfer.status, 200, JSON.stringify(transfer.body));
    const redirect = mock.requests.find((r) => r.path.endsWith(`/Calls/${call.callSid}.json`));
    assertTwilioConformant(redirect!);
    assert.match(
      String(redirect?.params.Url),
      /\/twilio\/voice\/agents\/transfer-enqueue\?call=CA[0-9a-f]+&menu=[a-z-]+&skill=cc-green$/,
    );
    assert.equal((await runtime.routing.store.agent(agent)).state, 'wrap_up');
    const target = await createAgent(runtime, { skills: ['cc-green'] });
    await runtime.routing.presence.setState(target, 'available');
    const transferUrl = new URL(String(redirect?.params.Url));
    const enqueue = await postSigned(url, `${transferUrl.pathname}${transferUrl.search}`, {
      AccountSid: 'AC00000000000000000000000000000000',
      CallSid: call.callSid,
    });
    await expectValidTwiml(enqueue.body);
    assert.match(enqueue.body, /<Enqueue [^>]+>cc-green<\/Enqueue>/);
    const before = mock.dequeues().length;
    await postSigned(url, await queueWaitPath(runtime, call.callSid, 'cc-green'), {
      AccountSid: 'AC00000000000000000000000000000000',
      CallSid: call.callSid,
      QueueSid: 'QU11111111111111111111111111111111',
    });
    const offer = mock.dequeues().slice(before)[0];
    assert.equal(offer?.path.includes('/Queues/QU11111111111111111111111111111111/Members/'), true);
    assert.match(String(offer?.params.Url), new RegExp(`agent=${target}`));
    assert.equal(
      (await runtime.ledger.find(call.callSid))?.queuedAt?.toISOString(),
      '2026-03-02T01:20:00.000Z',
    );
  });

  it('when an agent transfers a call to a named agent, then that agent is preferred, and the department only after the timeout', async () => {
    const agent = await createAgent(runtime, { skills: ['cc-police'] });
    const named = await createAgent(runtime, { skills: ['cc-estate'] });
    const colleague = await createAgent(runtime, { skills: ['cc-police'] });
    await runtime.routing.presence.setState(agent, 'available');
    const call = await queueCall(runtime, { skill: 'cc-police' });
    await runtime.routing.acd.agentLegStatus(agent, call.callSid, 'in-progress');
    await runtime.routing.presence.setState(colleague, 'available');
    const result = await runtime.routing.transfer(agent, call.callSid, { agent: named });
    assert.deepEqual(result.skills, [`agent:${named}`]);
    const before = mock.dequeues().length;
    await postSigned(url, await queueWaitPath(runtime, call.callSid), {
      AccountSid: 'AC00000000000000000000000000000000',
      CallSid: call.callSid,
      QueueSid: 'QU22222222222222222222222222222222',
    });
    assert.equal(
      mock.dequeues().length,
      before,
      'the colleague of the department does not take it at first',
    );
    await runtime.routing.presence.setState(named, 'available');
    assert.match(
      String(mock.dequeues().at(-1)?.params.Url),
      new RegExp(`agent=${named}&call=${call.callSid}`),
    );
    const timeouts = (
      await runtime.queues.get('routing-offer-timeout').getJobs(['delayed'])
    ).filter((job) => job.data.callSid === call.callSid);
    assert.equal(timeouts.length, 2, 'the second offer of the same call has its own timeout');
  });

  it('when the agent leg completes without a Dial action, then the agent still goes to wrap-up', async () => {
    const agent = await createAgent(runtime, { skills: ['cc-resume'] });
    await runtime.routing.presence.setState(agent, 'available');
    const call = await queueCall(runtime, { skill: 'cc-resume' });
    await runtime.routing.acd.agentLegStatus(agent, call.callSid, 'in-progress');
    await runtime.routing.acd.agentLegStatus(agent, call.callSid, 'completed');
    assert.equal((await runtime.routing.store.agent(agent)).state, 'wrap_up');
  });

  it('when an item is recorded as completed by phone for a service that is not handled by phone, then 422; reading outcomes is audited', async () => {
    const agent = await createAgent(runtime, { skills: ['cc-general'] });
    await runtime.routing.presence.setState(agent, 'available');
    const call = await queueCall(runtime, { skill: 'cc-general' });
    await runtime.routing.acd.agentLegStatus(agent, call.callSid, 'in-progress');
    const browser = client(url);
    await browser.login(agent);
    const refused = await browser.request(
      'POST',
      `/api/calls/${call.callSid}/outcomes/completed-by-phone`,
      {
        serviceId: 'cc-general-intake',
        referenceNumber: 'R1',
        result: 'done',
        delivery: { method: 'pickup' },
      },
    );
    assert.equal(refused.status, 422);
    assert.match(refused.body.error.message, /cannot be completed by phone/);
    await browser.request('POST', `/api/calls/${call.callSid}/outcomes/other`, {
      reason: 'wrong_number',
    });
    const read = await browser.request('GET', `/api/calls/${call.callSid}/outcomes`);
    assert.equal(read.body.outcomes.length, 1);
    const { listAudit } = await import('../../src/platform/audit-repository.js');
    assert.deepEqual(
      (await listAudit(runtime.database.db, call.callSid)).map((row) => row.action),
      ['record-outcome', 'read-outcomes'],
    );
  });

  it('when a supervisor listens to the live stream, then agent state changes arrive through Redis', async () => {
    const supervisor = await createAgent(runtime, { skills: [], role: 'supervisor' });
    const boss = client(url);
    await boss.login(supervisor);
    const controller = new AbortController();
    const response = await fetch(`${url}/api/agents/events`, {
      headers: { cookie: boss.cookie },
      signal: controller.signal,
    });
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    const reader = response.body!.getReader();
    let text = '';
    const agent = await createAgent(runtime, { skills: ['cc-general'] });
    // The server announces itself only once its subscriptions exist: no wait is needed after it.
    await eventually(async () => {
      const { value } = await reader.read();
      text += new TextDecoder().decode(value);
      return text.includes(': connected');
    }, 'the stream announcing itself');
    await runtime.routing.presence.setState(agent, 'available');
    await eventually(async () => {
      const { value } = await reader.read();
      text += new TextDecoder().decode(value);
      return text.includes(`"agentId":"${agent}"`) && text.includes('"state":"available"');
    }, 'an agent-state event');
    controller.abort();
    assert.match(
      text,
      /event: agent-state\ndata: \{"type":"agent-state","agentId":"[^"]+","state":"available"/,
    );
  });
});
