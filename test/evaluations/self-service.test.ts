import assert from 'node:assert/strict';
import type { Runtime } from '../../src/runtime.js';
import { readTwiml } from '../../src/telephony/twiml-reader.js';
import {
  buildIdNumber,
  buildMobile,
  MONDAY_9AM,
  startBookingRuntime,
} from '../booking/booking-support.js';
import { PUBLIC_BASE_URL } from '../support/env.js';
import { buildCallSid, buildIncomingParams, postSigned } from '../support/twilio.js';

const HOTLINE = '+864694226101';

describe('好差评 after self-service: an IVR booking done by keypad', () => {
  let runtime: Runtime;
  let url: string;

  before(async function () {
    this.timeout(60_000);
    ({ runtime, url } = await startBookingRuntime({}, MONDAY_9AM, 'evaluation-self-service'));
  });
  after(() => runtime.close());

  /** Books by keys through the signed booking webhooks; returns the TwiML that ends the booking. */
  async function bookByKeys(callSid: string, from: string): Promise<string> {
    await postSigned(
      url,
      '/twilio/voice/incoming',
      buildIncomingParams({
        CallSid: callSid,
        From: from,
        Caller: from,
        To: HOTLINE,
        Called: HOTLINE,
      }),
    );
    let next = '/twilio/voice/booking/start?menu=citizen-centre&node=book-general';
    let body = '';
    const press = async (digits: string) => {
      let params: Record<string, string> = {
        CallSid: callSid,
        From: from,
        To: HOTLINE,
        Digits: digits,
      };
      for (let hops = 0; hops < 5; hops += 1) {
        const response = await postSigned(url, next, params);
        assert.equal(response.status, 200);
        body = response.body;
        const redirect = body.match(/<Redirect[^>]*>([^<]*)<\/Redirect>/)?.[1];
        const action = body.match(/<Gather[^>]*action="([^"]*)"/)?.[1];
        const target = (action ?? redirect)?.replace(/&amp;/g, '&');
        if (target) next = target.slice(PUBLIC_BASE_URL.length);
        if (!redirect || !next.startsWith('/twilio/voice/booking/')) break;
        params = { CallSid: callSid, From: from, To: HOTLINE };
      }
      return body;
    };
    await press('');
    await press('1');
    const day = await press('3');
    assert.match(day, /为您找到/);
    await press(buildIdNumber().replace('X', '*'));
    return press('1');
  }

  it("when the hotline has the evaluation on, then the booking's result is said and the caller goes to the menu; the key is recorded with no agent", async function () {
    this.timeout(60_000);
    await runtime.evaluations.setEnabled(HOTLINE, true, 'setup');
    const callSid = buildCallSid();
    const done = await bookByKeys(callSid, `+86${buildMobile()}`);
    assert.match(done, /预约成功/);
    const verbs = readTwiml(done);
    assert.equal(verbs.at(-1)?.name, 'Redirect', done);
    assert.match(verbs.at(-1)!.text, /\/evaluation\/menu\?call=/);
    const menu = await postSigned(url, verbs.at(-1)!.text.trim().slice(PUBLIC_BASE_URL.length), {
      CallSid: callSid,
    });
    const answer = readTwiml(menu.body)[0]!.attributes.action!;
    await postSigned(url, answer.slice(PUBLIC_BASE_URL.length), { CallSid: callSid, Digits: '2' });
    const row = await runtime.evaluations.findByCall(callSid);
    assert.equal(row?.channel, 'self_service');
    assert.equal(row?.level, 2);
    assert.equal(row?.agentId, null);
    assert.equal(row?.departmentId, 'cc-general');
  });

  it('when the hotline has it off, then the booking ends with goodbye as before', async function () {
    this.timeout(60_000);
    await runtime.evaluations.setEnabled(HOTLINE, false, 'setup');
    const callSid = buildCallSid();
    const done = await bookByKeys(callSid, `+86${buildMobile()}`);
    assert.match(done, /预约成功/);
    assert.equal(readTwiml(done).at(-1)?.name, 'Hangup');
    assert.equal(await runtime.evaluations.findByCall(callSid), undefined);
  });
});
