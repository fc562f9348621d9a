import assert from 'node:assert/strict';
import { createFixedClock } from '../../src/platform/clock.js';
import type { Runtime } from '../../src/runtime.js';
import { readTwiml } from '../../src/telephony/twiml-reader.js';
import {
  createAgent,
  routingRuntime,
  serveRouting,
  useTwilioMockSuite,
} from '../agents/agents-support.js';
import { PUBLIC_BASE_URL } from '../support/env.js';
import { buildCallSid, postSigned } from '../support/twilio.js';
import { expectValidTwiml } from '../support/twiml.js';
import { assertTwimlCore, PROFILES } from '../support/twiml-core.js';

/** The path and query of an absolute voice URL, as the test posts it. */
const pathOf = (absolute: string) => absolute.slice(PUBLIC_BASE_URL.length);

describe('好差评 by phone: the evaluation menu after the agent hangs up', () => {
  const twilio = useTwilioMockSuite();

  for (const profile of PROFILES) {
    describe(`under TELEPHONY_PROFILE=${profile}`, () => {
      let runtime: Runtime;
      let url: string;
      let agent: string;
      const hotline = () => runtime.catalogue.hotlines.find((h) => h.department === 'hf-withdraw')!;

      beforeEach(async () => {
        runtime = await routingRuntime(twilio(), createFixedClock('2026-03-02T02:00:00Z'), {
          TELEPHONY_PROFILE: profile,
        });
        url = await serveRouting(runtime);
        agent = await createAgent(runtime, { skills: ['hf-withdraw'] });
        await runtime.evaluations.setEnabled(hotline().number, true, 'supervisor-test');
      });

      async function answeredCall(): Promise<string> {
        const callSid = buildCallSid();
        const line = hotline();
        await runtime.ledger.recordArrival({
          callSid,
          from: '+8613904691234',
          to: line.number,
          hotline: { number: line.number, hall: line.hall, department: line.department },
        });
        await runtime.ledger.recordQueued(callSid, {
          skill: 'hf-withdraw',
          priority: 0,
          greenChannel: false,
          commissionerId: null,
        });
        return callSid;
      }

      /** Twilio's request of the Dial action once the agent's leg ended; `callerStatus` completed when the caller hung up first. */
      async function dialEnded(callSid: string, callerStatus = 'in-progress') {
        const path = `/twilio/voice/agents/dial-result?${new URLSearchParams({ agent, call: callSid })}`;
        const response = await postSigned(url, path, {
          CallSid: callSid,
          DialCallStatus: 'completed',
          CallStatus: callerStatus,
          DialCallSid: buildCallSid(),
        });
        assert.equal(response.status, 200);
        return response.body;
      }

      async function post(absolute: string, params: Record<string, string>) {
        const response = await postSigned(url, pathOf(absolute), { CallSid: 'x', ...params });
        assert.equal(response.status, 200);
        await expectValidTwiml(response.body);
        if (profile === 'twiml-core') assertTwimlCore(response.body, absolute);
        return response.body;
      }

      /** Walks from the agent's hang-up to the menu; returns the menu's answer URL. */
      async function toMenu(callSid: string): Promise<string> {
        const after = await dialEnded(callSid);
        const [redirect] = readTwiml(after);
        assert.equal(redirect?.name, 'Redirect', after);
        const menu = await post(redirect!.text.trim(), {});
        const [gather, fallback] = readTwiml(menu);
        assert.equal(gather?.name, 'Gather');
        assert.equal(gather!.attributes.input, 'dtmf');
        assert.equal(gather!.attributes.numDigits, '1');
        assert.match(
          gather!.children[0]!.text,
          /非常满意请按1，满意请按2，基本满意请按3，不满意请按4，非常不满意请按5/,
        );
        assert.equal(
          fallback?.name,
          'Redirect',
          'a provider that falls through a silent Gather still reaches the answer',
        );
        assert.equal(fallback!.text.trim(), gather!.attributes.action);
        return gather!.attributes.action!;
      }

      const LEVEL_WORDS = ['非常满意', '满意', '基本满意', '不满意', '非常不满意'];
      for (const [index, words] of LEVEL_WORDS.entries()) {
        const key = String(index + 1);
        it(`when the caller presses ${key} (${words}), then the call's evaluation is ${key} with its agent and department, and the caller is thanked`, async () => {
          const callSid = await answeredCall();
          const answer = await toMenu(callSid);
          const bye = await post(answer, { Digits: key });
          const verbs = readTwiml(bye);
          assert.deepEqual(
            verbs.map((v) => v.name),
            ['Say', 'Hangup'],
          );
          if (index >= 3) assert.match(verbs[0]!.text, /15个工作日内回访/);
          else assert.match(verbs[0]!.text, /感谢您的评价/);
          const row = await runtime.evaluations.findByCall(callSid);
          assert.equal(row?.result, 'evaluated');
          assert.equal(row?.level, index + 1);
          assert.equal(row?.agentId, agent);
          assert.equal(row?.departmentId, 'hf-withdraw');
          assert.equal(row?.hallId, 'housing-fund');
          assert.equal(row?.hotlineNumber, hotline().number);
          await post(answer, { Digits: '1' });
          assert.equal(
            (await runtime.evaluations.findByCall(callSid))?.level,
            index + 1,
            'a repeated webhook changes nothing',
          );
        });
      }

      it('when the caller stays silent, then the evaluation is 未评价 (no_input), not satisfied', async () => {
        const callSid = await answeredCall();
        const answer = await toMenu(callSid);
        const bye = await post(answer, {});
        assert.deepEqual(
          readTwiml(bye).map((v) => v.name),
          ['Say', 'Hangup'],
        );
        const row = await runtime.evaluations.findByCall(callSid);
        assert.equal(row?.result, 'no_input');
        assert.equal(row?.level, null);
      });

      it('when the caller presses a wrong key, then the menu is said once more, and a second wrong key is 未评价 (invalid)', async () => {
        const callSid = await answeredCall();
        const answer = await toMenu(callSid);
        const again = await post(answer, { Digits: '7' });
        const [gather] = readTwiml(again);
        assert.equal(gather?.name, 'Gather');
        assert.match(gather!.children[0]!.text, /^输入有误。请您对本次服务进行评价/);
        await post(gather!.attributes.action!, { Digits: '9' });
        const row = await runtime.evaluations.findByCall(callSid);
        assert.equal(row?.result, 'invalid');
        assert.equal(row?.level, null);
      });

      it('when the caller hangs up during the menu, then the evaluation stays offered with no level (未评价)', async () => {
        const callSid = await answeredCall();
        await toMenu(callSid);
        const row = await runtime.evaluations.findByCall(callSid);
        assert.equal(row?.result, 'offered');
        assert.equal(row?.level, null);
      });

      it('when the caller hung up before the agent, then the call ends and the evaluation is 未评价 (hung_up)', async () => {
        const callSid = await answeredCall();
        const after = await dialEnded(callSid, 'completed');
        assert.deepEqual(
          readTwiml(after).map((v) => v.name),
          ['Hangup'],
        );
        const row = await runtime.evaluations.findByCall(callSid);
        assert.equal(row?.result, 'hung_up');
        assert.equal(row?.level, null);
      });

      it('when a supervisor has switched the hotline off, then the call ends without a menu and no evaluation is made', async () => {
        await runtime.evaluations.setEnabled(hotline().number, false, 'supervisor-test');
        const callSid = await answeredCall();
        const after = await dialEnded(callSid);
        assert.deepEqual(
          readTwiml(after).map((v) => v.name),
          ['Hangup'],
        );
        assert.equal(await runtime.evaluations.findByCall(callSid), undefined);
      });
    });
  }
});
