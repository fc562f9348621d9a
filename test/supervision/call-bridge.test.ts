import assert from 'node:assert/strict';
import { listAudit } from '../../src/platform/audit-repository.js';
import { expectValidTwiml } from '../support/twiml.js';
import { answeredCall, basic, shortPath, signallingPhone } from './bridge-support.js';
import {
  assertTwilioConformant,
  client,
  createAgent,
  eventually,
} from '../agents/agents-support.js';
import {
  CITIZEN_CENTRE,
  closeProviderRuntimes,
  providerRuntime,
} from '../telephony/telephony-support.js';

describe('监听, 耳语 and 强插 through the conference bridge', function () {
  this.timeout(60_000);
  afterEach(closeProviderRuntimes);

  async function liveCall(env: Record<string, string> = {}) {
    const provider = await providerRuntime(env);
    const { runtime, telephony } = provider;
    const agent = await createAgent(runtime, { skills: ['cc-general'], displayName: '王丽' });
    const supervisor = await createAgent(runtime, {
      skills: [],
      role: 'supervisor',
      displayName: '张伟',
    });
    const desk = signallingPhone();
    const supervisorPhone = signallingPhone();
    telephony.register(`client:${supervisor}`, supervisorPhone);
    const { call, callSid, legSid } = await answeredCall(provider, agent, desk);
    const browser = client(provider.url);
    await browser.login(supervisor);
    return {
      ...provider,
      agent,
      supervisor,
      desk,
      supervisorPhone,
      call,
      callSid,
      legSid,
      browser,
    };
  }

  it("when a supervisor listens (监听), then the agent's leg and the caller move into the call's conference, the supervisor's softphone joins it muted and is introduced to both to receive their audio, the REST requests are Twilio's, and the act is audited", async () => {
    const live = await liveCall();
    const { runtime, browser, callSid, legSid, agent, supervisor } = live;
    live.rest.length = 0;
    const response = await browser.request('POST', `/api/supervisor/agents/${agent}/monitor`, {
      callSid,
      mode: 'listen',
    });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(response.body.conference, `bridge-${callSid}`);
    await eventually(async () => live.supervisorPhone.offers.length === 1, 'the supervisor rings');
    assert.equal(live.supervisorPhone.offers[0]!.parameters.supervise, 'listen');
    const participant = live.supervisorPhone.offers[0]!.legSid;
    await eventually(
      async () => live.supervisorPhone.signals.length === 2,
      'the supervisor introduced to the caller and the agent',
    );
    assert.deepEqual(
      new Set(live.supervisorPhone.signals),
      new Set([
        { peer: callSid, join: true, send: false, receive: true },
        { peer: legSid, join: true, send: false, receive: true },
      ]),
    );
    // The supervisor's page offers to the agent: the desk gets it from the supervisor's leg.
    live.supervisorPhone.offers[0]!.toCaller({ peer: legSid, description: { type: 'offer' } });
    assert.deepEqual(live.desk.signals, [{ peer: participant, description: { type: 'offer' } }]);

    const posts = live.rest.filter((r) => r.method === 'POST' || r.path.endsWith('Calls.json'));
    assert.deepEqual(
      posts.map((r) => [r.method, shortPath(r.path)]),
      [
        ['GET', '/2010-04-01/Accounts/AC/Calls.json'],
        ['POST', `/2010-04-01/Accounts/AC/Calls/${legSid}.json`],
        ['POST', `/2010-04-01/Accounts/AC/Conferences/bridge-${callSid}/Participants.json`],
      ],
    );
    assert.match(String(posts[1]!.params.Twiml), /<Conference[^>]*>bridge-CA[0-9a-f]{32}</);
    // The same document answers the caller's Dial action.
    await expectValidTwiml(String(posts[1]!.params.Twiml));
    assert.deepEqual(posts[2]!.params, {
      From: CITIZEN_CENTRE,
      To: `client:${supervisor}?supervise=listen`,
      Beep: 'false',
      EndConferenceOnExit: 'false',
      Muted: 'true',
      Coaching: 'false',
    });
    for (const request of live.rest) assertTwilioConformant(request);
    assert.equal((await runtime.routing.store.agent(agent)).state, 'on_call');
    const account = runtime.config.twilio.accountSid;
    const listed = await fetch(
      `${live.url}/telephony/2010-04-01/Accounts/${account}/Conferences.json?FriendlyName=bridge-${callSid}`,
      { headers: { authorization: basic(runtime) } },
    );
    const [room] = ((await listed.json()) as { conferences: Array<{ status: string }> })
      .conferences;
    assert.equal(room?.status, 'in-progress');
    assert.deepEqual(
      (await listAudit(runtime.database.db, callSid)).map((row) => [row.actorId, row.action]),
      [[supervisor, 'listen-call']],
    );

    live.desk.hangup();
    const result = await live.call;
    assert.equal(result.finalStatus, 'completed');
    // The caller's Dial action: first to the conference, then, once it ended, as after any call.
    const actions = result.requests.filter((r) => r.url.includes('/agents/dial-result'));
    assert.equal(actions.length, 2, JSON.stringify(actions.map((r) => r.url)));
    assert.match(
      actions[0]!.twiml,
      /<Dial action="[^"]*dial-result[^"]*"[^>]*><Conference[^>]*>bridge-/,
    );
    await expectValidTwiml(actions[0]!.twiml);
    assert.equal(actions[1]!.params.DialCallStatus, 'completed');
    assert.doesNotMatch(actions[1]!.twiml, /<Conference/);
    await eventually(
      async () => (await runtime.routing.store.agent(agent)).state === 'wrap_up',
      'the agent in wrap-up once they hung up in the conference',
    );
  });

  it("when a supervisor whispers (耳语) and then barges in (强插), then their participant first coaches the agent's leg (heard by the agent only) and is then updated to a full party, each step audited", async () => {
    const live = await liveCall();
    const { runtime, browser, callSid, legSid, agent, supervisor } = live;
    live.rest.length = 0;
    const whisper = await browser.request('POST', `/api/supervisor/agents/${agent}/monitor`, {
      callSid,
      mode: 'whisper',
    });
    assert.equal(whisper.status, 200, JSON.stringify(whisper.body));
    await eventually(async () => live.supervisorPhone.signals.length === 2, 'introduced to both');
    assert.deepEqual(
      new Set(live.supervisorPhone.signals),
      new Set([
        { peer: callSid, join: true, send: false, receive: true },
        { peer: legSid, join: true, send: true, receive: true },
      ]),
    );
    const participant = live.supervisorPhone.offers[0]!.legSid;
    const barge = await browser.request('POST', `/api/supervisor/agents/${agent}/monitor`, {
      callSid,
      mode: 'barge',
    });
    assert.equal(barge.status, 200, JSON.stringify(barge.body));
    assert.equal(barge.body.participantSid, participant);
    assert.deepEqual(
      new Set(live.supervisorPhone.signals.slice(2)),
      new Set([
        { peer: callSid, join: true, send: true, receive: true },
        { peer: legSid, join: true, send: true, receive: true },
      ]),
    );
    const participants = live.rest.filter((r) => r.path.includes('/Participants'));
    assert.deepEqual(
      participants.map((r) => [r.method, shortPath(r.path), r.params]),
      [
        [
          'POST',
          `/2010-04-01/Accounts/AC/Conferences/bridge-${callSid}/Participants.json`,
          {
            From: CITIZEN_CENTRE,
            To: `client:${supervisor}?supervise=whisper`,
            Beep: 'false',
            EndConferenceOnExit: 'false',
            Muted: 'false',
            Coaching: 'true',
            CallSidToCoach: legSid,
          },
        ],
        [
          'POST',
          `/2010-04-01/Accounts/AC/Conferences/bridge-${callSid}/Participants/${participant}.json`,
          { Muted: 'false', Coaching: 'false' },
        ],
      ],
    );
    for (const request of live.rest) assertTwilioConformant(request);
    assert.deepEqual(
      (await listAudit(runtime.database.db, callSid)).map((row) => [row.actorId, row.action]),
      [
        [supervisor, 'whisper-call'],
        [supervisor, 'barge-call'],
      ],
    );
    live.desk.hangup();
    await live.call;
  });

  it("when the supervisor's participant is listed and then removed over REST, then it was muted beside the caller and the agent, and its removal ends the supervisor's call and closes the parties' audio with it", async () => {
    const live = await liveCall();
    const { runtime, callSid, legSid, agent } = live;
    await live.browser.request('POST', `/api/supervisor/agents/${agent}/monitor`, {
      callSid,
      mode: 'listen',
    });
    await eventually(async () => live.supervisorPhone.signals.length === 2, 'introduced');
    const participant = live.supervisorPhone.offers[0]!.legSid;
    live.supervisorPhone.offers[0]!.toCaller({ peer: legSid, description: { type: 'offer' } });
    const base = `${live.url}/telephony/2010-04-01/Accounts/${runtime.config.twilio.accountSid}/Conferences/bridge-${callSid}`;
    const headers = { authorization: basic(runtime) };
    const listed = (await (await fetch(`${base}/Participants.json`, { headers })).json()) as {
      participants: Array<{ call_sid: string; muted: boolean; coaching: boolean }>;
    };
    assert.deepEqual(
      new Set(listed.participants.map((p) => [p.call_sid, p.muted, p.coaching].join(' '))),
      new Set([`${callSid} false false`, `${legSid} false false`, `${participant} true false`]),
    );
    const removed = await fetch(`${base}/Participants/${participant}.json`, {
      method: 'DELETE',
      headers,
    });
    assert.equal(removed.status, 204);
    await eventually(
      async () => live.desk.signals.some((s) => JSON.stringify(s).includes('"leave":true')),
      "the desk told the supervisor's audio is gone",
    );
    assert.deepEqual(live.desk.signals.at(-1), { peer: participant, leave: true });
    assert.equal((await runtime.routing.store.agent(agent)).state, 'on_call');
    live.desk.hangup();
    assert.equal((await live.call).finalStatus, 'completed');
  });

  it("when the agent holds a bridged call and resumes it, then listening is refused while on hold and bridges the agent's new leg after the resume", async () => {
    const live = await liveCall();
    const { callSid, agent } = live;
    const listen = () =>
      live.browser.request('POST', `/api/supervisor/agents/${agent}/monitor`, {
        callSid,
        mode: 'listen',
      });
    assert.equal((await listen()).status, 200);
    await eventually(async () => live.supervisorPhone.signals.length === 2, 'introduced').catch(
      (error: Error) => {
        throw new Error(`${error.message}: ${JSON.stringify(live.supervisorPhone.signals)}`);
      },
    );
    const desk = client(live.url);
    await desk.login(agent);
    const hold = await desk.request('POST', `/api/agents/me/calls/${callSid}/hold`);
    assert.equal(hold.status, 200, JSON.stringify(hold.body));
    await eventually(async () => {
      const refused = await listen();
      return refused.status === 409 && refused.body.error.code === 'not_bridgeable';
    }, 'listening refused while the caller is on hold');
    const resume = await desk.request('POST', `/api/agents/me/calls/${callSid}/resume`);
    assert.equal(resume.status, 200, JSON.stringify(resume.body));
    await eventually(async () => live.desk.offers.length === 2, "the agent's new leg rings");
    const newLeg = live.desk.offers[1]!.legSid;
    await eventually(async () => (await listen()).status === 200, 'listening after the resume');
    await eventually(
      async () =>
        live.supervisorPhone.signals.some((s) => JSON.stringify(s).includes(newLeg)) &&
        live.supervisorPhone.signals.filter(
          (s) =>
            JSON.stringify(s) ===
            JSON.stringify({ peer: callSid, join: true, send: false, receive: true }),
        ).length === 2,
      "the supervisor introduced to the caller and the agent's new leg",
    );
    live.desk.hangup();
    await live.call;
  });

  it('when an agent asks to listen to a colleague, then 403, and nothing is asked of the provider or audited', async () => {
    const live = await liveCall();
    const colleague = await createAgent(live.runtime, { skills: ['cc-general'] });
    const browser = client(live.url);
    await browser.login(colleague);
    live.rest.length = 0;
    for (const mode of ['listen', 'whisper', 'barge']) {
      const response = await browser.request(
        'POST',
        `/api/supervisor/agents/${live.agent}/monitor`,
        { callSid: live.callSid, mode },
      );
      assert.equal(response.status, 403);
    }
    assert.deepEqual(live.rest, []);
    assert.deepEqual(await listAudit(live.runtime.database.db, live.callSid), []);
    live.desk.hangup();
    await live.call;
  });

  it('when the provider is Somleng (twiml-core, no conferences), then listening is refused with 409 and the reason in Chinese, and the provider has no Conferences resource', async () => {
    const { runtime, url } = await providerRuntime({ TELEPHONY_PROFILE: 'twiml-core' });
    const supervisor = await createAgent(runtime, { skills: [], role: 'supervisor' });
    const agent = await createAgent(runtime, { skills: ['cc-general'] });
    const browser = client(url);
    await browser.login(supervisor);
    const response = await browser.request('POST', `/api/supervisor/agents/${agent}/monitor`, {
      callSid: `CA${'0'.repeat(32)}`,
      mode: 'listen',
    });
    assert.equal(response.status, 409);
    assert.equal(response.body.error.code, 'bridge_unavailable');
    assert.match(response.body.error.messageZh, /不支持会议/);
    const account = runtime.config.twilio.accountSid;
    const conferences = await fetch(
      `${url}/telephony/2010-04-01/Accounts/${account}/Conferences.json`,
      { headers: { authorization: basic(runtime) } },
    );
    assert.equal(conferences.status, 404);
  });
});
