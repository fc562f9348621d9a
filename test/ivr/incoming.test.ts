import assert from 'node:assert/strict';
import { XMLParser } from 'fast-xml-parser';
import { loadCatalogue } from '../../src/catalogue/index.js';
import { createFixedClock } from '../../src/platform/clock.js';
import type { Runtime } from '../../src/runtime.js';
import { createTestRuntime, startTestServer, testConfig } from '../support/env.js';
import { buildIncomingParams, postSigned } from '../support/twilio.js';
import { expectValidTwiml } from '../support/twiml.js';

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' });

describe('POST /twilio/voice/incoming', () => {
  let runtime: Runtime;
  let url: string;

  before(async () => {
    // A working Monday morning: every hall is open, so each hotline answers with its menu whatever today's date is.
    runtime = await createTestRuntime({ clock: createFixedClock('2026-03-02T10:00:00+08:00') });
    url = (await startTestServer(runtime)).url;
  });

  const hotlines = loadCatalogue(testConfig().catalogueDir).hotlines;
  for (const hotline of hotlines) {
    it(`when ${hotline.number} (${hotline.name}) is called, then it answers its Mandarin welcome and a menu, valid TwiML`, async () => {
      const params = buildIncomingParams({ To: hotline.number, Called: hotline.number });
      const response = await postSigned(url, '/twilio/voice/incoming', params);
      assert.equal(response.status, 200);
      assert.match(response.contentType, /xml/);
      await expectValidTwiml(response.body);
      const says = [...response.body.matchAll(/<Say language="cmn-CN"[^>]*>([^<]*)<\/Say>/g)].map((m) => m[1]!);
      assert.ok(says[0]?.includes(hotline.greeting.slice(0, 6)), `greeting first: ${says[0]}`);
      assert.ok(says.some((s) => s.includes('录音')), 'a recording notice');
      const gather = parser.parse(response.body).Response.Gather;
      assert.ok(gather, 'a Gather with the menu');
      assert.match(gather.input, /dtmf/);
      assert.match(gather.input, /speech/);
      assert.equal(gather.language, 'cmn-Hans-CN');
      assert.match(gather.Say['#text'] ?? gather.Say, /按1/);
      assert.ok(gather.action.startsWith('https://hotline.example.test/twilio/voice/'));
      const call = await runtime.ledger.find(params.CallSid!);
      assert.equal(call?.hotlineNumber, hotline.number);
      assert.equal(call?.fromNumber, params.From);
    });
  }

  it('when a number that is not a hotline is called, then a polite Mandarin message and a hang-up, recorded as rejected', async () => {
    const params = buildIncomingParams({ To: '+864690000000' });
    const response = await postSigned(url, '/twilio/voice/incoming', params);
    assert.equal(response.status, 200);
    await expectValidTwiml(response.body);
    assert.match(response.body, /<Say language="cmn-CN"[^>]*>[^<]*暂未开通/);
    assert.match(response.body, /<Hangup\/>/);
    assert.equal((await runtime.ledger.find(params.CallSid!))?.endReason, 'rejected');
  });

  it('when Twilio retries the same call, then one call record and one arrival event', async () => {
    const params = buildIncomingParams();
    await postSigned(url, '/twilio/voice/incoming', params);
    await postSigned(url, '/twilio/voice/incoming', params);
    const events = await runtime.ledger.events(params.CallSid!);
    assert.equal(events.filter((e) => e.event === 'arrived').length, 1);
  });

  for (const [label, signature] of [
    ['unsigned', null],
    ['wrongly signed', 'bm90IHRoZSByaWdodCBzaWduYXR1cmU='],
  ] as const) {
    it(`when a request is ${label}, then 403 and nothing is stored`, async () => {
      for (const path of ['/twilio/voice/incoming', '/twilio/voice/status', '/twilio/voice/fallback']) {
        const params = buildIncomingParams({ CallStatus: 'completed' });
        const response = await postSigned(url, path, params, { signature });
        assert.equal(response.status, 403, path);
        assert.equal(await runtime.ledger.find(params.CallSid!), undefined, path);
        assert.deepEqual(await runtime.ledger.events(params.CallSid!), [], path);
      }
    });
  }

  it('when the signature was made for another URL (e.g. the internal one), then 403', async () => {
    const params = buildIncomingParams();
    const { signTwilioRequest } = await import('../../src/platform/twilio-webhook.js');
    const { DEV_AUTH_TOKEN } = await import('../../src/platform/config.js');
    const internal = signTwilioRequest(DEV_AUTH_TOKEN, `${url}/twilio/voice/incoming`, params);
    const response = await postSigned(url, '/twilio/voice/incoming', params, { signature: internal });
    assert.equal(response.status, 403);
  });
});
