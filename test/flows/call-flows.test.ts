import assert from 'node:assert/strict';
import { idCheckCharacter } from '../../src/booking/index.js';
import {
  createHttpTransport,
  placeCall,
  type CallerInput,
  type CallResult,
} from '../../tools/caller/caller.js';
import { createFixedClock } from '../../src/platform/clock.js';
import { DEV_AUTH_TOKEN } from '../../src/platform/config.js';
import { createTwimlValidator } from '../../src/platform/twiml-schema.js';
import {
  createAgent,
  routingRuntime,
  startTwilioMock,
  type TwilioMock,
} from '../agents/agents-support.js';
import { createTestRuntime, PUBLIC_BASE_URL, startTestServer } from '../support/env.js';
import { postSigned } from '../support/twilio.js';
import { expectValidTwiml } from '../support/twiml.js';
import { assertRestCore, assertTwimlCore, PROFILES } from '../support/twiml-core.js';

const validator = createTwimlValidator();
const keys = (...list: string[]): CallerInput[] => list.map((digits) => ({ kind: 'dtmf', digits }));
const CITIZEN_CENTRE = '+864694226101';

/** The URLs the service gave the mock provider for one live call (`POST /Calls/{sid}` with a Url), in order. */
const liveUpdatesFrom = (mock: TwilioMock) => (callSid: string) =>
  mock.requests
    .filter((r) => r.method === 'POST' && r.path.endsWith(`/Calls/${callSid}.json`) && r.params.Url)
    .map((r) => String(r.params.Url));

for (const profile of PROFILES) {
  const core = profile === 'twiml-core';
  const env = { TELEPHONY_PROFILE: profile };
  /** Under twiml-core every answer of the call uses TwiML's core verbs only. */
  const checkProfile = (call: CallResult) => {
    if (core) for (const request of call.requests) assertTwimlCore(request.twiml, request.url);
  };

  describe(`whole calls, with the in-repo caller playing the provider (TELEPHONY_PROFILE=${profile})`, function () {
    this.timeout(60_000);

    it('when a caller books by keypad from the welcome on, then the booking is made on the IVR channel and its SMS is queued', async () => {
      const runtime = await createTestRuntime({
        clock: createFixedClock('2026-12-01T09:00:00+08:00'),
        database: `flows_${profile}`,
        env,
      });
      await runtime.booking.capacity.releaseSlots();
      const { url } = await startTestServer(runtime);
      const first17 = '23050219600101002';
      const idNumber = `${first17}${idCheckCharacter(first17)}`;
      const transport = createHttpTransport({
        publicBaseUrl: PUBLIC_BASE_URL,
        targetBaseUrl: url,
        authToken: DEV_AUTH_TOKEN,
      });
      // Book (1), the general desks (1), general intake (1), its first service (1), tomorrow morning (3: today's morning and afternoon come first), the ID number, confirm (1).
      const call = await placeCall(
        transport,
        PUBLIC_BASE_URL,
        {
          to: CITIZEN_CENTRE,
          from: '+8613904695678',
          inputs: keys('1', '1', '1', '1', '3', `${idNumber.replace('X', '*')}#`, '1'),
        },
        validator,
      );
      const transcript = call.lines.join('\n');
      const code = /预约码是：([\d，]+)/.exec(transcript)?.[1]?.replace(/，/g, '');
      assert.ok(code, transcript);
      const booking = await runtime.booking.service.findBookingByCode(code);
      assert.equal(booking?.channel, 'ivr');
      assert.equal(booking?.status, 'confirmed');
      const sms = await runtime.queues
        .get('booking-sms')
        .getJob(`booking-sms-confirmation-${booking!.id}-${booking!.slotId}`);
      assert.deepEqual(sms?.data, {
        bookingId: booking!.id,
        kind: 'confirmation',
        slotId: booking!.slotId,
      });
      const callSid = call.requests[0]!.params.CallSid!;
      assert.equal((await runtime.ledger.find(callSid))?.selfServed, true);
      checkProfile(call);
    });

    it(
      core
        ? "when a caller asks for a person and an agent is free, then routing re-points the live call (REST Calls update) to a Dial of the agent's SIP address"
        : "when a caller asks for a person and an agent is free, then routing dequeues the caller to that agent's softphone",
      async () => {
        const mock = await startTwilioMock();
        try {
          const runtime = await routingRuntime(mock, undefined, env);
          const { url } = await startTestServer(runtime);
          const agent = await createAgent(runtime, { skills: ['cc-general'] });
          const sip = `sip:${agent}@hotline.sip.example.cn`;
          if (core) await runtime.staff.setPhone(agent, { sipAddress: sip });
          await runtime.routing.presence.setState(agent, 'available');
          const transport = createHttpTransport({
            publicBaseUrl: PUBLIC_BASE_URL,
            targetBaseUrl: url,
            authToken: DEV_AUTH_TOKEN,
          });
          // Consult (2), general guidance (1): the general desk's queue.
          const call = await placeCall(
            transport,
            PUBLIC_BASE_URL,
            {
              to: CITIZEN_CENTRE,
              inputs: keys('2', '1'),
              waitRounds: 1,
              queueResult: 'bridged',
              liveUpdates: liveUpdatesFrom(mock),
            },
            validator,
          );
          assert.equal(call.outcome, 'queue', call.lines.join('\n'));
          assert.equal(call.queue, 'cc-general');
          const callSid = call.requests[0]!.params.CallSid!;
          const record = await runtime.ledger.find(callSid);
          assert.equal(record?.queueSkill, 'cc-general');
          assert.ok(record?.queuedAt);
          checkProfile(call);
          if (core) {
            const update = await mock.waitFor(`/Calls/${callSid}.json`);
            const connect = new URL(String(update.params.Url));
            assert.equal(connect.searchParams.get('agent'), agent);
            // The simulator followed the update as the provider would: the connect answer dials the SIP address, and its action ends the call.
            const answer = call.requests.find((r) => r.url === connect.href);
            assert.ok(answer, call.lines.join('\n'));
            // Only what Somleng's switch reads: no answerOnBridge, timeLimit or record (src/telephony/twiml-dialects.ts).
            assert.match(
              answer.twiml,
              new RegExp(
                `<Dial timeout="\\d+" action="[^"]+" method="POST"><Sip>${sip}</Sip></Dial>`,
              ),
            );
            assert.ok(
              call.requests.some((r) => r.url.includes('/agents/dial-result')),
              'the Dial action is requested',
            );
            assertRestCore(mock.requests);
          } else {
            const dequeue = await mock.waitFor(`/Members/${callSid}.json`);
            const connect = new URL(String(dequeue.params.Url));
            assert.equal(connect.searchParams.get('agent'), agent);
            const answer = await postSigned(url, `${connect.pathname}${connect.search}`, {
              AccountSid: 'AC00000000000000000000000000000000',
              CallSid: callSid,
            });
            await expectValidTwiml(answer.body);
            assert.match(
              answer.body,
              new RegExp(
                `<Dial answerOnBridge="true"[^>]*><Client[^>]*><Identity>${agent}</Identity>`,
              ),
            );
          }
        } finally {
          await mock.close();
        }
      },
    );
  });
}
