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
      const says = [...response.body.matchAll(/<Say language="cmn-CN"[^>]*>([^<]*)<\/Say>/g)].map(
        (m) => m[1]!,
      );
      assert.ok(says[0]?.includes(hotline.greeting.slice(0, 6)), `greeting first: ${says[0]}`);
      assert.ok(
        says.some((s) => s.includes('录音')),
        'a recording notice',
      );
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
      for (const path of [
        '/twilio/voice/incoming',
        '/twilio/voice/status',
        '/twilio/voice/fallback',
      ]) {
        const params = buildIncomingParams({ CallStatus: 'completed' });
        const response = await postSigned(url, path, params, { signature });
        assert.equal(response.status, 403, path);
        assert.equal(await runtime.ledger.find(params.CallSid!), undefined, path);
        assert.deepEqual(await runtime.ledger.events(params.CallSid!), [], path);
      }
    });
  }

  describe('prepared welcomes', () => {
    const hotline = () => runtime.catalogue.hotlines[0]!;
    const call = async (from?: string) => {
      const params = buildIncomingParams({
        To: hotline().number,
        Called: hotline().number,
        ...(from ? { From: from } : {}),
      });
      const response = await postSigned(url, '/twilio/voice/incoming', params);
      assert.equal(response.status, 200);
      const steps = (await runtime.ledger.steps(params.CallSid!)).map(
        (s) => `${s.nodeId}:${s.kind}`,
      );
      return { body: response.body, steps, call: await runtime.ledger.find(params.CallSid!) };
    };

    it('when two callers ring the same hotline in the same minute, then they hear the same answer and each call keeps its own path', async () => {
      const first = await call();
      const second = await call();
      assert.equal(second.body, first.body);
      assert.deepEqual(first.steps, [`${runtime.menus.get(hotline().menu)!.start}:entered`]);
      assert.deepEqual(second.steps, first.steps);
    });

    it('when an announcement starts or the hall closes within the minute, then the next caller hears it at once', async () => {
      const before = await call();
      const now = runtime.clock.now();
      await runtime.announcements.add({
        text: '今日系统升级，网上预约暂停一小时',
        startsAt: new Date(now.getTime() - 1000),
        endsAt: new Date(now.getTime() + 3_600_000),
        createdBy: 'test',
      });
      const announced = await call();
      assert.notEqual(announced.body, before.body);
      assert.match(announced.body, /今日系统升级/);
      const day = '2026-03-02';
      const closure = await runtime.calendar.addClosure({
        hallId: hotline().hall,
        startsOn: day,
        endsOn: day,
        reason: '停电检修',
        createdBy: 'test',
      });
      try {
        const closed = await call();
        assert.match(closed.body, /停电检修/);
        assert.deepEqual(closed.steps, ['choice-closed:entered']);
      } finally {
        await runtime.calendar.removeClosure(closure.id);
      }
      const reopened = await call();
      assert.doesNotMatch(reopened.body, /停电检修/);
      assert.equal(reopened.body, announced.body);
    });

    it("when an enterprise's phone calls, then it alone hears its commissioner offered, and the call names the enterprise from its arrival", async () => {
      const commissioner =
        runtime.catalogue.commissioners.find((c) => c.department === hotline().department) ??
        runtime.catalogue.commissioners[0]!;
      const enterprise = commissioner.enterprises[0]!;
      const ordinary = await call();
      const personal = await call(enterprise.phones[0]!);
      const after = await call();
      assert.match(personal.body, new RegExp(commissioner.name));
      assert.doesNotMatch(after.body, new RegExp(commissioner.name));
      assert.equal(after.body, ordinary.body);
      assert.equal(personal.call?.enterpriseId, enterprise.id);
      assert.equal(after.call?.enterpriseId, null);
    });
  });

  it('when the signature was made for another URL (e.g. the internal one), then 403', async () => {
    const params = buildIncomingParams();
    const { signTwilioRequest } = await import('../../src/platform/twilio-webhook.js');
    const { DEV_AUTH_TOKEN } = await import('../../src/platform/config.js');
    const internal = signTwilioRequest(DEV_AUTH_TOKEN, `${url}/twilio/voice/incoming`, params);
    const response = await postSigned(url, '/twilio/voice/incoming', params, {
      signature: internal,
    });
    assert.equal(response.status, 403);
  });
});
