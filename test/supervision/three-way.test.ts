import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { listAudit } from '../../src/platform/audit-repository.js';
import {
  assertTwilioConformant,
  client,
  createAgent,
  eventually,
} from '../agents/agents-support.js';
import { expectValidTwiml } from '../support/twiml.js';
import {
  CITIZEN_CENTRE,
  closeProviderRuntimes,
  providerRuntime,
} from '../telephony/telephony-support.js';
import { basic, colleagueAndCall, shortPath, untilState } from './bridge-support.js';

describe('三方通话 from the desk through the conference bridge', function () {
  this.timeout(60_000);
  afterEach(closeProviderRuntimes);

  async function threeWayCall() {
    const live = await colleagueAndCall();
    const { browser, callSid, colleague, colleagueDesk } = live;
    live.rest.length = 0;
    const response = await browser.request('POST', `/api/agents/me/calls/${callSid}/three-way`, {
      agent: colleague,
    });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(response.body.conference, `bridge-${callSid}`);
    await eventually(async () => colleagueDesk.offers.length === 1, "the colleague's desk rings");
    await eventually(
      async () => colleagueDesk.signals.length === 2,
      'the colleague introduced to the caller and the agent',
    );
    return live;
  }

  it('when an agent brings a free colleague into the call (三方通话), then the call moves into its conference with the agent not ending it, the colleague joins unmuted and hears and is heard by both, the REST requests are Twilio’s, and the act is audited and in the ledger', async () => {
    const live = await threeWayCall();
    const { runtime, callSid, legSid, agent, colleague } = live;
    assert.deepEqual(
      new Set(live.colleagueDesk.signals),
      new Set([
        { peer: callSid, join: true, send: true, receive: true },
        { peer: legSid, join: true, send: true, receive: true },
      ]),
    );
    assert.equal((await runtime.routing.store.agent(colleague)).state, 'on_call');
    assert.equal((await runtime.routing.store.agent(agent)).state, 'on_call');
    const posts = live.rest.filter((r) => r.method === 'POST' || r.path.endsWith('Calls.json'));
    assert.deepEqual(
      posts.map((r) => [r.method, shortPath(r.path)]),
      [
        ['GET', '/2010-04-01/Accounts/AC/Calls.json'],
        ['POST', `/2010-04-01/Accounts/AC/Calls/${legSid}.json`],
        ['POST', `/2010-04-01/Accounts/AC/Conferences/bridge-${callSid}/Participants.json`],
      ],
    );
    assert.match(String(posts[1]!.params.Twiml), /endConferenceOnExit="false"/);
    await expectValidTwiml(String(posts[1]!.params.Twiml));
    const { StatusCallback, ...created } = posts[2]!.params;
    assert.deepEqual(created, {
      From: CITIZEN_CENTRE,
      To: `client:${colleague}`,
      Beep: 'false',
      EndConferenceOnExit: 'false',
      StatusCallbackEvent: 'completed',
      StatusCallbackMethod: 'POST',
    });
    assert.match(String(StatusCallback), /\/supervision\/three-way-ended\?call=CA/);
    for (const request of live.rest) assertTwilioConformant(request);
    assert.deepEqual(
      (await listAudit(runtime.database.db, callSid)).map((row) => [row.actorId, row.action]),
      [[agent, 'three-way-call']],
    );

    const events = (await runtime.database.db.execute(
      sql`select payload from call_events where call_sid = ${callSid} and event = 'three-way'`,
    )) as unknown as Array<{ payload: unknown }>;
    assert.deepEqual(
      [...events].map((row) => row.payload),
      [{ agentId: agent, colleagueId: colleague }],
    );

    // The agent leaves: the colleague stays with the caller.
    live.desk.hangup();
    await eventually(
      async () =>
        live.colleagueDesk.signals.some(
          (s) => JSON.stringify(s) === JSON.stringify({ peer: legSid, leave: true }),
        ),
      'the colleague told the agent left',
    );
    await untilState(runtime, agent, 'wrap_up', 'the agent in wrap-up once they left');
    const account = runtime.config.twilio.accountSid;
    const listed = await fetch(
      `${live.url}/telephony/2010-04-01/Accounts/${account}/Conferences.json?FriendlyName=bridge-${callSid}`,
      { headers: { authorization: basic(runtime) } },
    );
    const [room] = ((await listed.json()) as { conferences: Array<{ status: string }> })
      .conferences;
    assert.equal(room?.status, 'in-progress', 'the caller and the colleague still talk');

    // Then the colleague leaves: the colleague is free, the caller goes on after the Dial.
    live.colleagueDesk.hangup();
    const result = await live.call;
    assert.equal(result.finalStatus, 'completed');
    await untilState(runtime, colleague, 'available', 'the colleague free again');
  });

  it('when the colleague leaves first, then they are free again, the agent keeps the caller, and the agent’s leaving ends the conference once more (their participant updated back to EndConferenceOnExit)', async () => {
    const live = await threeWayCall();
    const { runtime, legSid, agent, colleague } = live;
    live.rest.length = 0;
    live.colleagueDesk.hangup();
    await untilState(runtime, colleague, 'available', 'the colleague free again');
    await eventually(
      async () => live.rest.some((r) => r.path.endsWith(`/Participants/${legSid}.json`)),
      "the agent's participant updated",
    );
    const update = live.rest.find((r) => r.path.endsWith(`/Participants/${legSid}.json`))!;
    assert.deepEqual(update.params, { EndConferenceOnExit: 'true' });
    for (const request of live.rest) assertTwilioConformant(request);
    assert.equal((await runtime.routing.store.agent(agent)).state, 'on_call');
    live.desk.hangup();
    const result = await live.call;
    assert.equal(result.finalStatus, 'completed');
    await untilState(runtime, agent, 'wrap_up', 'the agent in wrap-up');
  });

  it('when the colleague is on a break or the agent names themselves, then 409 / 422 in Chinese, nothing is asked of the provider, and the colleague keeps their state', async () => {
    const live = await colleagueAndCall();
    const { runtime, browser, callSid, agent, colleague } = live;
    await runtime.routing.presence.setState(colleague, 'break', 'meeting');
    live.rest.length = 0;
    const busy = await browser.request('POST', `/api/agents/me/calls/${callSid}/three-way`, {
      agent: colleague,
    });
    assert.equal(busy.status, 409);
    assert.equal(busy.body.error.code, 'colleague_not_available');
    assert.match(busy.body.error.messageZh, /不是空闲状态/);
    const self = await browser.request('POST', `/api/agents/me/calls/${callSid}/three-way`, {
      agent,
    });
    assert.equal(self.status, 422);
    assert.equal((await runtime.routing.store.agent(colleague)).state, 'break');
    assert.deepEqual(live.rest, []);
    assert.deepEqual(await listAudit(runtime.database.db, callSid), []);
    live.desk.hangup();
    await live.call;
  });

  it('when the provider is Somleng (twiml-core, no conferences), then 三方通话 is refused with 409 and the reason in Chinese', async () => {
    const { runtime, url, rest } = await providerRuntime({ TELEPHONY_PROFILE: 'twiml-core' });
    const agent = await createAgent(runtime, { skills: ['cc-general'] });
    const colleague = await createAgent(runtime, { skills: [] });
    const browser = client(url);
    await browser.login(agent);
    const response = await browser.request(
      'POST',
      `/api/agents/me/calls/CA${'0'.repeat(32)}/three-way`,
      { agent: colleague },
    );
    assert.equal(response.status, 409);
    assert.equal(response.body.error.code, 'three_way_unavailable');
    assert.match(response.body.error.messageZh, /不支持会议桥，无法三方通话/);
    assert.deepEqual(rest, []);
  });
});
