import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { createFixedClock } from '../../src/platform/clock.js';
import { listAudit } from '../../src/platform/audit-repository.js';
import type { Runtime } from '../../src/runtime.js';
import { createTwilioClient } from '../../src/platform/twilio-client.js';
import { createSupervisorActions } from '../../src/supervision/supervisor-actions-service.js';
import type { LiveEvent } from '../../src/routing/index.js';
import { callThroughProvider } from '../../tools/caller/provider-caller.js';
import {
  assertTwilioConformant,
  client,
  closeRoutingRuntimes,
  createAgent,
  eventually,
  queueCall,
  routingRuntime,
  serveRouting,
  startTwilioMock,
  type TwilioMock,
} from '../agents/agents-support.js';
import {
  CITIZEN_CENTRE,
  answeringPhone,
  closeProviderRuntimes,
  providerRuntime,
} from '../telephony/telephony-support.js';

/** An agent on a call: a queued caller offered to them and their leg answered. */
async function onCall(runtime: Runtime, agent: string): Promise<string> {
  await runtime.routing.presence.setState(agent, 'available');
  const { callSid } = await queueCall(runtime, { skill: 'cc-general' });
  await eventually(
    async () => (await runtime.routing.presence.snapshot(agent)).state === 'reserved',
    'the call offered to the agent',
  );
  await runtime.routing.acd.agentLegStatus(agent, callSid, 'in-progress');
  assert.equal((await runtime.routing.presence.snapshot(agent)).state, 'on_call');
  return callSid;
}

describe('the 班长席 actions: force an agent state, end a call', function () {
  this.timeout(60_000);
  let mock: TwilioMock;
  let runtime: Runtime;
  let url: string;
  const clock = createFixedClock('2026-03-03T02:00:00Z');

  before(async () => {
    mock = await startTwilioMock();
    runtime = await routingRuntime(mock, clock);
    url = await serveRouting(runtime);
  });
  beforeEach(() => {
    mock.requests.length = 0;
  });
  after(async () => {
    await closeRoutingRuntimes();
    await mock.close();
  });

  async function supervisorSession() {
    const supervisor = await createAgent(runtime, {
      skills: [],
      role: 'supervisor',
      displayName: '李建国',
    });
    const browser = client(url);
    assert.equal((await browser.login(supervisor)).status, 200);
    return { supervisor, browser };
  }

  const actions = async (subject: string) =>
    (await listAudit(runtime.database.db, subject)).map((row) => ({
      actorId: row.actorId,
      action: row.action,
      detail: row.detail,
      at: row.at.toISOString(),
    }));

  for (const [state, action, from, reason] of [
    ['available', 'force-available', 'break', 'supervisor-forced'],
    ['break', 'force-break', 'available', '班长示忙'],
    ['offline', 'force-offline', 'available', 'supervisor-forced'],
  ] as const) {
    it(`when a supervisor forces an agent (${from}) to ${state}, then routing moves them, their desk hears it live, and the act is audited with who, whom and when`, async () => {
      const { supervisor, browser } = await supervisorSession();
      const agent = await createAgent(runtime, { skills: ['cc-tax'], displayName: '王丽' });
      if (from === 'break') await runtime.routing.presence.setState(agent, 'break', '用餐');
      else await runtime.routing.presence.setState(agent, 'available');
      const heard: LiveEvent[] = [];
      const stop = await runtime.routing.events.subscribe({ agentId: agent }, (event) =>
        heard.push(event),
      );
      try {
        const response = await browser.request('PUT', `/api/supervisor/agents/${agent}/state`, {
          state,
        });
        assert.equal(response.status, 200, JSON.stringify(response.body));
        assert.equal(response.body.state.state, state);
        assert.equal(response.body.state.reason, reason);
        const snapshot = await runtime.routing.presence.snapshot(agent);
        assert.equal(snapshot.state, state);
        assert.equal(snapshot.reason, reason);
        await eventually(
          async () => heard.some((event) => event.type === 'agent-state' && event.state === state),
          "the agent's desk told of the forced state",
        );
        assert.deepEqual(await actions(`staff:${agent}`), [
          {
            actorId: supervisor,
            action,
            detail: { from, to: state, outcome: 'done' },
            at: clock.now().toISOString(),
          },
        ]);
        if (state === 'available')
          assert.ok((await runtime.routing.store.available('cc-tax')).includes(agent));
        else assert.ok(!(await runtime.routing.store.available('cc-tax')).includes(agent));
      } finally {
        await stop();
      }
    });
  }

  it('when the agent is on a call, then forcing them available is refused with the reason in Chinese, nothing changes, and the attempt is audited as refused', async () => {
    const { supervisor, browser } = await supervisorSession();
    const agent = await createAgent(runtime, { skills: ['cc-general'], displayName: '张伟' });
    await onCall(runtime, agent);
    const response = await browser.request('PUT', `/api/supervisor/agents/${agent}/state`, {
      state: 'available',
    });
    assert.equal(response.status, 409);
    assert.equal(response.body.error.code, 'agent_busy');
    assert.equal(response.body.error.messageZh, '通话中，通话结束后才能切换状态');
    assert.equal((await runtime.routing.presence.snapshot(agent)).state, 'on_call');
    assert.deepEqual(await actions(`staff:${agent}`), [
      {
        actorId: supervisor,
        action: 'force-available',
        detail: { from: 'on_call', to: 'available', outcome: 'refused', code: 'agent_busy' },
        at: clock.now().toISOString(),
      },
    ]);
  });

  it("when a supervisor ends an agent's call (强拆), then the REST client sends Twilio's Calls update with Status=completed for that call, and the act is audited on the call", async () => {
    const { supervisor, browser } = await supervisorSession();
    const agent = await createAgent(runtime, { skills: ['cc-general'], displayName: '赵敏' });
    const callSid = await onCall(runtime, agent);
    mock.requests.length = 0;
    const response = await browser.request('POST', `/api/supervisor/agents/${agent}/end-call`, {
      callSid,
    });
    assert.equal(response.status, 204, JSON.stringify(response.body));
    const updates = mock.requests.filter((r) => r.method === 'POST');
    assert.deepEqual(
      updates.map((r) => ({
        path: r.path.replace(/\/Accounts\/[^/]+\//, '/Accounts/AC/'),
        params: r.params,
      })),
      [{ path: `/2010-04-01/Accounts/AC/Calls/${callSid}.json`, params: { Status: 'completed' } }],
    );
    for (const request of updates) assertTwilioConformant(request);
    assert.deepEqual(await actions(callSid), [
      {
        actorId: supervisor,
        action: 'end-call',
        detail: { agentId: agent, outcome: 'done' },
        at: clock.now().toISOString(),
      },
    ]);
  });

  it('when the agent is no longer on the call the supervisor saw, then ending it is refused (409) and no REST request is made', async () => {
    const { browser } = await supervisorSession();
    const agent = await createAgent(runtime, { skills: ['cc-general'] });
    const callSid = await onCall(runtime, agent);
    await runtime.routing.acd.startWrapUp(agent, callSid, 'cc-general');
    mock.requests.length = 0;
    const response = await browser.request('POST', `/api/supervisor/agents/${agent}/end-call`, {
      callSid,
    });
    assert.equal(response.status, 409);
    assert.equal(response.body.error.code, 'not_on_this_call');
    assert.deepEqual(mock.requests, []);
    assert.deepEqual(await actions(callSid), []);
  });

  it('when the audit row cannot be written, then neither action is done: the state stays, no REST request is made', async () => {
    const { supervisor, browser } = await supervisorSession();
    const agent = await createAgent(runtime, { skills: ['cc-tax'] });
    const busy = await createAgent(runtime, { skills: ['cc-general'] });
    const callSid = await onCall(runtime, busy);
    await runtime.routing.presence.setState(agent, 'available');
    // The audit log refuses this supervisor's rows only, as a full disk or a lost database would.
    const db = runtime.database.db;
    const fn = `refuse_audit_${supervisor}`.replace(/\W/g, '_');
    await db.execute(
      sql.raw(`create function ${fn}() returns trigger language plpgsql as $$ begin
        if new.actor_id = '${supervisor}' then raise exception 'audit log unavailable'; end if;
        return new; end $$;
      create trigger ${fn} before insert on audit_log for each row execute function ${fn}()`),
    );
    try {
      mock.requests.length = 0;
      const force = await browser.request('PUT', `/api/supervisor/agents/${agent}/state`, {
        state: 'offline',
      });
      const end = await browser.request('POST', `/api/supervisor/agents/${busy}/end-call`, {
        callSid,
      });
      assert.deepEqual([force.status, end.status], [500, 500]);
      assert.equal((await runtime.routing.presence.snapshot(agent)).state, 'available');
      assert.equal((await runtime.routing.presence.snapshot(busy)).state, 'on_call');
      assert.deepEqual(mock.requests, [], 'the call was not ended');
    } finally {
      await db.execute(sql.raw(`drop trigger ${fn} on audit_log; drop function ${fn}()`));
    }
    assert.deepEqual(await actions(`staff:${agent}`), []);
    assert.deepEqual(await actions(callSid), []);
  });

  it('when the provider refuses to end the call, then 502 and the audit row written before the request says failed', async () => {
    const refusing = createServer((_req, res) => {
      res.statusCode = 503;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ code: 20503, message: 'Service unavailable', status: 503 }));
    });
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    after(() => refusing.close());
    const supervisor = await createAgent(runtime, { skills: [], role: 'supervisor' });
    const agent = await createAgent(runtime, { skills: ['cc-general'] });
    const callSid = await onCall(runtime, agent);
    const direct = createSupervisorActions({
      db: runtime.database.db,
      presence: runtime.routing.presence,
      twilio: createTwilioClient({
        accountSid: runtime.config.twilio.accountSid,
        authToken: 'test-token',
        apiBaseUrl: `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`,
      }),
      clock,
      logger: runtime.logger,
    });
    await assert.rejects(direct.endCall(supervisor, agent, callSid), { status: 502 });
    assert.deepEqual(await actions(callSid), [
      {
        actorId: supervisor,
        action: 'end-call',
        detail: { agentId: agent, outcome: 'failed', code: 'twilio_unavailable' },
        at: clock.now().toISOString(),
      },
    ]);
    assert.equal((await runtime.routing.presence.snapshot(agent)).state, 'on_call');
  });

  it("when an agent tries the supervisors' actions, then 403 and nothing changes", async () => {
    const agent = await createAgent(runtime, { skills: ['cc-general'] });
    const other = await createAgent(runtime, { skills: ['cc-general'] });
    const callSid = await onCall(runtime, other);
    const browser = client(url);
    await browser.login(agent);
    mock.requests.length = 0;
    const force = await browser.request('PUT', `/api/supervisor/agents/${other}/state`, {
      state: 'offline',
    });
    const end = await browser.request('POST', `/api/supervisor/agents/${other}/end-call`, {
      callSid,
    });
    assert.deepEqual([force.status, end.status], [403, 403]);
    assert.equal((await runtime.routing.presence.snapshot(other)).state, 'on_call');
    assert.deepEqual(mock.requests, []);
    assert.deepEqual(await actions(`staff:${other}`), []);
    assert.deepEqual(await actions(callSid), []);
  });
});

describe('强拆 on the built-in provider', function () {
  this.timeout(60_000);
  afterEach(closeProviderRuntimes);

  it("when a supervisor ends a call the built-in provider carries, then the caller's call completes and the agent goes to wrap-up, through the same Calls update", async () => {
    const { runtime, telephony, url, rest } = await providerRuntime();
    const agent = await createAgent(runtime, { skills: ['cc-general'], displayName: '钱进' });
    const supervisor = await createAgent(runtime, { skills: [], role: 'supervisor' });
    const phone = answeringPhone();
    telephony.register(`client:${agent}`, phone);
    await runtime.routing.presence.setState(agent, 'available');
    const call = callThroughProvider(telephony, {
      to: CITIZEN_CENTRE,
      inputs: [
        { kind: 'dtmf', digits: '2' },
        { kind: 'dtmf', digits: '1' },
      ],
    });
    await eventually(async () => phone.offers.length === 1, "the agent's phone rings");
    const callSid = phone.offers[0]!.parentCallSid!;
    await eventually(
      async () => (await runtime.routing.store.agent(agent)).state === 'on_call',
      'the agent on the call',
    );
    const browser = client(url);
    await browser.login(supervisor);
    const response = await browser.request('POST', `/api/supervisor/agents/${agent}/end-call`, {
      callSid,
    });
    assert.equal(response.status, 204, JSON.stringify(response.body));
    const result = await call;
    assert.equal(result.finalStatus, 'completed');
    await eventually(
      async () => (await runtime.routing.store.agent(agent)).state === 'wrap_up',
      'the agent in wrap-up after the call ended',
    );
    const update = rest.find(
      (r) => r.method === 'POST' && r.path.endsWith(`/Calls/${callSid}.json`),
    );
    assert.deepEqual(update?.params, { Status: 'completed' });
    for (const request of rest) assertTwilioConformant(request);
    assert.deepEqual(
      (await listAudit(runtime.database.db, callSid)).map((row) => [row.actorId, row.action]),
      [[supervisor, 'end-call']],
    );
  });
});
