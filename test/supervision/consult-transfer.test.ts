import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { listAudit } from '../../src/platform/audit-repository.js';
import { assertTwilioConformant, eventually } from '../agents/agents-support.js';
import { closeProviderRuntimes } from '../telephony/telephony-support.js';
import { colleagueAndCall, shortPath, untilState } from './bridge-support.js';

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

describe('咨询转接 from the desk through the conference bridge', function () {
  this.timeout(60_000);
  afterEach(closeProviderRuntimes);

  /** An agent on a call consults a free colleague: the caller is held in the conference. */
  async function consulting() {
    const live = await colleagueAndCall();
    const { runtime, browser, callSid, legSid, colleague, colleagueDesk } = live;
    live.rest.length = 0;
    const response = await browser.request('POST', `/api/agents/me/calls/${callSid}/consult`, {
      agent: colleague,
    });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    await eventually(
      async () =>
        colleagueDesk.signals.some((s) =>
          same(s, { peer: callSid, join: true, send: false, receive: false }),
        ) &&
        colleagueDesk.signals.some((s) =>
          same(s, { peer: legSid, join: true, send: true, receive: true }),
        ),
      'the colleague talks with the agent and neither hears nor is heard by the held caller',
    );
    for (const request of live.rest) assertTwilioConformant(request);
    const hold = live.rest.find((r) => r.path.endsWith(`/Participants/${callSid}.json`))!;
    assert.deepEqual(hold.params, {
      Hold: 'true',
      HoldUrl: runtime.config.ivr.holdMusicUrl,
    });
    return live;
  }

  it('when the agent consults a colleague and presses 完成转接, then the caller is unheld with the colleague, the agent leaves into wrap-up, the transfer is in the ledger as the blind one is, and the colleague wraps up after the call', async () => {
    const live = await consulting();
    const { runtime, browser, callSid, legSid, agent, colleague } = live;
    assert.equal((await runtime.routing.store.agent(colleague)).state, 'on_call');
    live.rest.length = 0;
    const done = await browser.request('POST', `/api/agents/me/calls/${callSid}/consult/complete`);
    assert.equal(done.status, 204, JSON.stringify(done.body));
    assert.deepEqual(
      live.rest
        .filter((r) => r.method !== 'GET')
        .map((r) => [r.method, shortPath(r.path), r.params]),
      [
        [
          'POST',
          `/2010-04-01/Accounts/AC/Conferences/bridge-${callSid}/Participants/${callSid}.json`,
          { Hold: 'false' },
        ],
        [
          'DELETE',
          `/2010-04-01/Accounts/AC/Conferences/bridge-${callSid}/Participants/${legSid}.json`,
          {},
        ],
      ],
    );
    for (const request of live.rest) assertTwilioConformant(request);
    await untilState(runtime, agent, 'wrap_up', 'the agent in wrap-up once they left');
    assert.ok(
      live.colleagueDesk.signals.some((s) => same(s, { peer: callSid, hold: false })),
      'the colleague told the caller is back',
    );
    const events = (await runtime.database.db.execute(
      sql`select event, payload from call_events where call_sid = ${callSid} and event in ('consult', 'transferred') order by id`,
    )) as unknown as Array<{ event: string; payload: unknown }>;
    assert.deepEqual(
      [...events].map((row) => [row.event, row.payload]),
      [
        ['consult', { agentId: agent, colleagueId: colleague }],
        ['transferred', { agentId: agent, to: { agent: colleague }, consult: true }],
      ],
    );
    assert.deepEqual(
      (await listAudit(runtime.database.db, callSid)).map((row) => [row.actorId, row.action]),
      [
        [agent, 'consult-call'],
        [agent, 'consult-transfer-call'],
      ],
    );
    live.colleagueDesk.hangup();
    const result = await live.call;
    assert.equal(result.finalStatus, 'completed');
    await untilState(
      runtime,
      colleague,
      'wrap_up',
      'the colleague in wrap-up after the transferred call',
    );
    // The call is the colleague's now: they record its outcome, which ends their wrap-up.
    const outcome = await runtime.desk.outcomes.record(colleague, callSid, 'other', {
      reason: 'information_only',
    });
    assert.equal(outcome.agentId, colleague);
    await untilState(
      runtime,
      colleague,
      'available',
      'the colleague free again once the outcome is recorded',
    );
  });

  it('when the agent consults a colleague and presses 取消, then the colleague leaves and is free, the caller is unheld with the agent, whose leaving ends the call again', async () => {
    const live = await consulting();
    const { runtime, browser, callSid, legSid, agent, colleague } = live;
    live.rest.length = 0;
    const cancel = await browser.request('POST', `/api/agents/me/calls/${callSid}/consult/cancel`);
    assert.equal(cancel.status, 204, JSON.stringify(cancel.body));
    await untilState(runtime, colleague, 'available', 'the colleague free again');
    await eventually(
      async () => live.rest.some((r) => r.path.endsWith(`/Participants/${legSid}.json`)),
      "the agent's participant ends the conference again",
    );
    for (const request of live.rest) assertTwilioConformant(request);
    assert.equal((await runtime.routing.store.agent(agent)).state, 'on_call');
    const again = await browser.request('POST', `/api/agents/me/calls/${callSid}/consult/complete`);
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'not_consulting');
    assert.match(again.body.error.messageZh, /没有正在进行的咨询/);
    live.desk.hangup();
    assert.equal((await live.call).finalStatus, 'completed');
    await untilState(runtime, agent, 'wrap_up', 'the agent in wrap-up');
  });

  it('when the colleague hangs up during the consultation, then they are free again and the caller is taken off hold with the agent', async () => {
    const live = await consulting();
    const { runtime, callSid, agent, colleague } = live;
    live.rest.length = 0;
    live.colleagueDesk.hangup();
    await untilState(runtime, colleague, 'available', 'the colleague free again');
    await eventually(
      async () =>
        live.rest.some(
          (r) => r.path.endsWith(`/Participants/${callSid}.json`) && r.params.Hold === 'false',
        ),
      'the caller taken off hold',
    );
    for (const request of live.rest) assertTwilioConformant(request);
    assert.equal((await runtime.routing.store.agent(agent)).state, 'on_call');
    live.desk.hangup();
    assert.equal((await live.call).finalStatus, 'completed');
  });
});
