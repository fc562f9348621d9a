import assert from 'node:assert/strict';
import { callThroughProvider } from '../../tools/caller/provider-caller.js';
import type { CallerInput } from '../../tools/caller/caller.js';
import { assertTwilioConformant, createAgent } from '../agents/agents-support.js';
import { expectAllValidTwiml } from '../ivr/ivr-support.js';
import { assertTwimlCore } from '../support/twiml-core.js';
import { eventually } from '../support/poll.js';
import {
  CITIZEN_CENTRE,
  answeringPhone,
  closeProviderRuntimes,
  providerRuntime,
} from './telephony-support.js';

const keys = (...list: string[]): CallerInput[] => list.map((digits) => ({ kind: 'dtmf', digits }));

describe('the built-in telephony provider carries a call from the IVR to an agent', function () {
  this.timeout(60_000);
  afterEach(closeProviderRuntimes);

  it("when a caller keys to the general desk and a free agent's phone answers, then the provider dequeues over REST, rings the agent's client, bridges, records, and ends the call with its final status; every REST request is Twilio's and every answer valid TwiML", async () => {
    const { runtime, telephony, rest } = await providerRuntime();
    const agent = await createAgent(runtime, { skills: ['cc-general'] });
    const phone = answeringPhone();
    telephony.register(`client:${agent}`, phone);
    await runtime.routing.presence.setState(agent, 'available');

    const call = callThroughProvider(telephony, { to: CITIZEN_CENTRE, inputs: keys('2', '1') });
    await eventually(async () => phone.offers.length === 1, "the agent's phone rings");
    const callSid = phone.offers[0]!.parentCallSid!;
    assert.equal(phone.offers[0]!.parameters.callSid, callSid);
    await eventually(
      async () => (await runtime.ledger.find(callSid))?.answeredAt != null,
      'the ledger marks the call answered',
    );
    assert.equal((await runtime.routing.store.agent(agent)).state, 'on_call');
    phone.hangup();
    const result = await call;

    assert.equal(result.agentAnswered, true, result.lines.join('\n'));
    assert.equal(result.finalStatus, 'completed');
    await eventually(
      async () => (await runtime.ledger.find(callSid))?.endedAt != null,
      'the final status callback reaches the ledger',
    );
    assert.equal((await runtime.routing.store.agent(agent)).state, 'wrap_up');
    assert.deepEqual(await runtime.routing.store.waiting('cc-general'), []);
    // Routing took the caller out of the provider's queue with a Queue Members update.
    assert.ok(
      rest.some(
        (r) =>
          r.method === 'POST' &&
          /\/Queues\/QU[0-9a-f]{32}\/Members\/CA[0-9a-f]{32}\.json$/.test(r.path),
      ),
      JSON.stringify(rest),
    );
    await eventually(
      async () => (await runtime.recordings.list(callSid)).length === 1,
      "the Dial's recording is reported",
    );
    for (const request of rest) assertTwilioConformant(request);
    assert.ok(result.requests.some((r) => /<Dial [^>]*answerOnBridge="true"/.test(r.twiml)));
    await expectAllValidTwiml(result.requests.map((r) => r.twiml));
  });

  it('when a caller waiting in the queue hangs up, then the provider posts the Enqueue action (hangup) and the final status, and routing keeps no phantom caller', async () => {
    const { runtime, telephony } = await providerRuntime();
    const result = await callThroughProvider(telephony, {
      to: CITIZEN_CENTRE,
      inputs: keys('2', '1'),
      waitRounds: 2,
    });
    assert.equal(result.outcome, 'queue');
    assert.equal(result.agentAnswered, false);
    const callSid = result.requests[0]!.params.CallSid!;
    assert.ok(
      result.requests.every((r) => !r.params.QueueResult),
      'the caller saw no action answer after hanging up',
    );
    await eventually(
      async () => (await runtime.ledger.find(callSid))?.endedAt != null,
      'the final status reaches the ledger',
    );
    assert.deepEqual(await runtime.routing.store.waiting('cc-general'), []);
    assert.equal(await runtime.routing.store.call(callSid), undefined);
    assert.deepEqual(telephony.queued()['cc-general'], []);
  });

  it("when the same caller hangs up in the service's own wait loop (TELEPHONY_PROFILE=twiml-core), then the final status callback takes them out of routing", async () => {
    const { runtime, telephony } = await providerRuntime({ TELEPHONY_PROFILE: 'twiml-core' });
    const result = await callThroughProvider(telephony, {
      to: CITIZEN_CENTRE,
      inputs: keys('2', '1'),
      waitRounds: 2,
    });
    assert.equal(result.outcome, 'queue');
    const callSid = result.requests[0]!.params.CallSid!;
    await eventually(
      async () => (await runtime.ledger.find(callSid))?.endedAt != null,
      'the final status reaches the ledger',
    );
    await eventually(
      async () => (await runtime.routing.store.waiting('cc-general')).length === 0,
      'routing drops the caller',
    );
  });
});

describe("the built-in provider's REST API and inbox", function () {
  this.timeout(60_000);
  afterEach(closeProviderRuntimes);

  it("when the service sends an SMS through its REST client, then it lands in that number's inbox, which staff read and nobody else; a request with the wrong token is refused as Twilio refuses it", async () => {
    const { runtime, telephony, url, rest } = await providerRuntime();
    const sent = await runtime.twilio.messages.create({
      to: '+8613904691234',
      from: CITIZEN_CENTRE,
      body: '【双鸭山政务服务】您已预约成功。',
    });
    assert.match(sent.sid, /^SM[0-9a-f]{32}$/);
    assert.deepEqual(
      telephony.inbox('+8613904691234').map((m) => m.body),
      ['【双鸭山政务服务】您已预约成功。'],
    );
    for (const request of rest) assertTwilioConformant(request);

    assert.equal((await fetch(`${url}/telephony/inbox?number=%2B8613904691234`)).status, 401);
    const wrong = await fetch(
      `${url}/telephony/2010-04-01/Accounts/${runtime.config.twilio.accountSid}/Messages.json`,
      {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${runtime.config.twilio.accountSid}:not-the-token`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'To=%2B8613904691234&From=%2B864694226101&Body=x',
      },
    );
    assert.equal(wrong.status, 401);
    assert.equal(((await wrong.json()) as { code: number }).code, 20003);
    assert.equal(telephony.inbox('+8613904691234').length, 1);
  });
});

describe('the built-in provider under TELEPHONY_PROFILE=twiml-core executes only what Somleng executes', function () {
  this.timeout(60_000);
  afterEach(closeProviderRuntimes);

  it("when a waiting caller is connected to an agent's SIP address, then the provider runs every answer without an unsupported verb or attribute, bridges the agent's leg and the Dial action marks the call answered", async () => {
    const { runtime, telephony } = await providerRuntime({ TELEPHONY_PROFILE: 'twiml-core' });
    const agent = await createAgent(runtime, { skills: ['cc-general'] });
    const sip = `sip:${agent}@hotline.sip.example.cn`;
    await runtime.staff.setPhone(agent, { sipAddress: sip });
    const phone = answeringPhone();
    telephony.register(sip, phone);
    await runtime.routing.presence.setState(agent, 'available');
    const call = callThroughProvider(telephony, { to: CITIZEN_CENTRE, inputs: keys('2', '1') });
    await eventually(async () => phone.offers.length === 1, "the agent's SIP phone rings");
    phone.hangup();
    const result = await call;
    assert.equal(result.agentAnswered, true, result.lines.join('\n'));
    const callSid = result.requests[0]!.params.CallSid!;
    await eventually(
      async () => (await runtime.ledger.find(callSid))?.answeredAt != null,
      'the Dial action marks the call answered',
    );
    await eventually(
      async () => (await runtime.routing.store.agent(agent)).state === 'wrap_up',
      'the agent goes to wrap-up',
    );
    for (const request of result.requests) assertTwimlCore(request.twiml, request.url);
  });

  for (const [what, twiml, named] of [
    [
      'an attribute Somleng does not read',
      '<Response><Gather input="speech" action="https://hotline.example.test/twilio/voice/queue/wait"><Say>请说</Say></Gather></Response>',
      '<Gather> attribute input="speech"',
    ],
    [
      'a verb Somleng does not run',
      '<Response><Say>请稍候</Say><Pause length="2"/></Response>',
      'verb <Pause>',
    ],
    [
      'a noun Somleng does not dial',
      '<Response><Dial><Client>agent_1</Client></Dial></Response>',
      '<Client> within <Dial>',
    ],
  ] as const) {
    it(`when the service moves a live call to TwiML with ${what}, then the call fails loudly (the log names it) and ends with its final status callback`, async () => {
      const { runtime, telephony, logLines } = await providerRuntime({
        TELEPHONY_PROFILE: 'twiml-core',
      });
      const call = callThroughProvider(telephony, {
        to: CITIZEN_CENTRE,
        inputs: keys('2', '1'),
        waitRounds: 50,
      });
      const callSid = await eventually(
        async () => telephony.liveCalls()[0]?.sid,
        'the call is live',
      );
      await eventually(
        async () => (await runtime.routing.store.waiting('cc-general')).length === 1,
        'the caller waits',
      );
      await runtime.twilio.calls(callSid).update({ twiml });
      await assert.rejects(call, (error: Error) => error.message.includes(named));
      assert.ok(
        logLines.some(
          (line) =>
            line.includes('"level":50') &&
            line.includes(JSON.stringify(named).slice(1, -1)) &&
            line.includes('twiml-core'),
        ),
        logLines.join('\n'),
      );
      await eventually(
        async () => (await runtime.ledger.find(callSid))?.endedAt != null,
        'the final status reaches the ledger',
      );
      assert.deepEqual(telephony.liveCalls(), []);
    });
  }
});
