import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DateTime } from 'luxon';
import { createBookingJobs } from '../../src/booking/index.js';
import { availableFor } from '../../src/booking/booking-views.js';
import type { createFixedClock } from '../../src/platform/clock.js';
import type { Runtime } from '../../src/runtime.js';
import { createTestRuntime, PUBLIC_BASE_URL } from '../support/env.js';
import { prismAvailable, TWILIO_OPENAPI } from '../support/prism.js';
import { random } from '../support/random.js';
import { buildCallSid, buildIncomingParams, postSigned } from '../support/twilio.js';
import { expectValidTwiml } from '../support/twiml.js';
import {
  BOOKING_DATABASE,
  buildIdNumber,
  buildMobile,
  MONDAY_9AM,
  startBookingRuntime,
  startTwilioRecorder,
} from './booking-support.js';

const HOTLINE = '+864694226101';

/** Follows one caller through the voice routes exactly as Twilio would: signed posts to the URLs the TwiML names. */
function buildCaller(url: string, from: string) {
  const callSid = buildCallSid();
  let next = '';
  const says: string[] = [];
  /** Every URL the TwiML gave Twilio (Gather actions, redirects), as Twilio would log them. */
  const urls: string[] = [];
  return {
    callSid,
    says,
    urls,
    async begin(path: string) {
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
      next = path;
      return this.press('');
    },
    /** Posts the keys to the current URL, follows redirects, and returns the TwiML that asks or ends. */
    async press(digits: string): Promise<string> {
      let body = '';
      let params: Record<string, string> = {
        CallSid: callSid,
        From: from,
        To: HOTLINE,
        AccountSid: 'AC00000000000000000000000000000000',
        Digits: digits,
      };
      for (let hops = 0; hops < 5; hops += 1) {
        const response = await postSigned(url, next, params);
        assert.equal(response.status, 200, next);
        body = response.body;
        await expectValidTwiml(body);
        says.push(...[...body.matchAll(/<Say[^>]*>([^<]*)<\/Say>/g)].map((m) => m[1]!));
        const redirect = body.match(/<Redirect[^>]*>([^<]*)<\/Redirect>/)?.[1];
        const action = body.match(/<Gather[^>]*action="([^"]*)"/)?.[1];
        const target = (action ?? redirect)?.replace(/&amp;/g, '&');
        urls.push(
          ...[
            ...body.matchAll(
              /(?:action|url|waitUrl)="([^"]*)"|<Redirect[^>]*>([^<]*)<\/Redirect>/g,
            ),
          ].map((m) => (m[1] ?? m[2])!.replace(/&amp;/g, '&')),
        );
        if (target) {
          assert.ok(target.startsWith(`${PUBLIC_BASE_URL}/twilio/voice/`), target);
          next = target.slice(PUBLIC_BASE_URL.length);
        }
        if (!redirect || !next.startsWith('/twilio/voice/booking/')) break;
        params = {
          CallSid: callSid,
          From: from,
          To: HOTLINE,
          AccountSid: 'AC00000000000000000000000000000000',
        };
      }
      return body;
    },
    get next() {
      return next;
    },
  };
}

/** The key the day prompt gives a half-day, e.g. keyFor(twiml, '12月2日星期三下午'). */
function keyFor(twiml: string, halfDay: string): string {
  const key = new RegExp(`${halfDay}请按(\\d)`).exec(twiml)?.[1];
  assert.ok(key, `${halfDay} is offered: ${twiml}`);
  return key;
}

function idNumberWithX(): string {
  for (;;) {
    const id = buildIdNumber();
    if (id.endsWith('X')) return id;
  }
}

describe('IVR self-service booking', () => {
  let runtime: Runtime;
  let url: string;
  let clock: ReturnType<typeof createFixedClock>;

  before(async function () {
    this.timeout(60_000);
    ({ runtime, url, clock } = await startBookingRuntime());
  });

  // Each runtime holds a pool of connections: give them back before the next file's.
  after(() => runtime.close());

  it('when a caller chooses a service, a day and the morning, keys the ID number and confirms, then a booking with channel ivr and a queued SMS', async function () {
    this.timeout(60_000);
    const mobile = `+86${buildMobile()}`;
    const caller = buildCaller(url, mobile);
    let twiml = await caller.begin(
      '/twilio/voice/booking/start?menu=citizen-centre&node=book-general',
    );
    assert.match(twiml, /一窗通办综合受理请按1/);
    twiml = await caller.press('1');
    assert.match(
      twiml,
      /今天11月30日星期一上午请按1；今天11月30日星期一下午请按2；明天12月1日星期二上午请按3/,
    );
    twiml = await caller.press(keyFor(twiml, '明天12月1日星期二上午'));
    assert.match(twiml, /为您找到12月1日星期二上午8点半至9点的号/);
    assert.match(twiml, /finishOnKey="#"/);
    assert.ok(
      !caller.next.includes('X') && /hold=[0-9a-f-]{36}/.test(caller.next),
      'only ids in the URL',
    );
    const idNumber = idNumberWithX();
    twiml = await caller.press(idNumber.replace('X', '*'));
    assert.match(twiml, /尾号/);
    assert.ok(!caller.next.includes(idNumber.slice(0, 10)), 'the ID number never goes into a URL');
    twiml = await caller.press('1');
    assert.match(twiml, /预约成功/);
    assert.match(twiml, /<Hangup\/>/);

    const code = twiml.match(/预约码是：([\d，]+)/)![1]!.replace(/，/g, '');
    const made = (await runtime.booking.service.findBookingByCode(code))!;
    assert.equal(made.channel, 'ivr');
    assert.equal(made.phone, mobile);
    assert.equal(made.serviceId, 'cc-general-intake');
    assert.equal(made.idMasked, `${idNumber.slice(0, 4)}**********${idNumber.slice(-4)}`);
    assert.equal(made.hotlineNumber, HOTLINE);
    assert.equal((await runtime.ledger.find(caller.callSid))?.selfServed, true);
    const job = await runtime.queues
      .get('booking-sms')
      .getJob(`booking-sms-confirmation-${made.id}-${made.slotId}`);
    assert.deepEqual(job?.data, { bookingId: made.id, kind: 'confirmation', slotId: made.slotId });
  });

  it('when the SMS job runs, then Twilio Messages receives To, From and a Body with the code, the address and what to bring', async () => {
    const recorder = await startTwilioRecorder();
    try {
      const worker = await createTestRuntime({
        database: BOOKING_DATABASE,
        env: { TWILIO_API_BASE_URL: recorder.url },
      });
      const mobile = `+86${buildMobile()}`;
      const caller = buildCaller(url, mobile);
      await caller.begin('/twilio/voice/booking/start?menu=citizen-centre&node=book-general');
      const days = await caller.press('2');
      await caller.press(keyFor(days, '12月2日星期三下午'));
      await caller.press(buildIdNumber());
      const done = await caller.press('1');
      const code = done.match(/预约码是：([\d，]+)/)![1]!.replace(/，/g, '');
      const made = (await runtime.booking.service.findBookingByCode(code))!;
      const sms = createBookingJobs({
        booking: worker.booking.service,
        capacity: worker.booking.capacity,
        twilio: worker.twilio,
        catalogue: worker.catalogue,
        config: worker.config,
        logger: worker.logger,
      }).find((j) => j.name === 'booking-sms')!;
      await sms.process(
        { bookingId: made.id, kind: 'confirmation', slotId: made.slotId } as never,
        undefined as never,
      );
      assert.equal(recorder.requests.length, 1);
      const request = recorder.requests[0]!;
      const path = `/2010-04-01/Accounts/${worker.config.twilio.accountSid}/Messages.json`;
      assert.equal(request.method, 'POST');
      assert.equal(request.path, path);
      assert.match(request.authorization ?? '', /^Basic /);
      assert.equal(request.params.get('To'), mobile);
      assert.equal(request.params.get('From'), HOTLINE);
      const body = request.params.get('Body')!;
      assert.ok(
        body.includes(code) && body.includes('新兴大街296号') && body.includes('身份证'),
        body,
      );
      assert.match(body, /12月2日（星期三）13:00-13:30/);
      // Against Twilio's own description of the endpoint (a missing description fails a CI run).
      if (prismAvailable) {
        const spec = JSON.parse(readFileSync(TWILIO_OPENAPI, 'utf8'));
        const operation = spec.paths['/2010-04-01/Accounts/{AccountSid}/Messages.json'].post;
        const schema = operation.requestBody.content['application/x-www-form-urlencoded'].schema;
        for (const name of request.params.keys())
          assert.ok(name in schema.properties, `${name} is a Messages parameter`);
        for (const name of schema.required ?? [])
          assert.ok(request.params.has(name), `${name} is required`);
      }

      await runtime.booking.service.cancel(made.id, { channel: 'web', id: 'test', label: 'test' });
      await sms.process(
        { bookingId: made.id, kind: 'reminder', slotId: made.slotId } as never,
        undefined as never,
      );
      assert.equal(recorder.requests.length, 1, 'no reminder for a cancelled booking');
      await worker.close();
    } finally {
      await recorder.close();
    }
  });

  it('when the ID number is wrong, then the caller is asked again, and after three tries may choose again or reach a person', async () => {
    const caller = buildCaller(url, `+86${buildMobile()}`);
    await caller.begin('/twilio/voice/booking/start?menu=citizen-centre&node=book-general');
    await caller.press(keyFor(await caller.press('1'), '12月3日星期四下午'));
    let twiml = await caller.press('230502198504120011');
    assert.match(twiml, /身份证号码有误/);
    await caller.press('123');
    twiml = await caller.press('');
    assert.match(twiml, /重新选择日期请按1，转人工服务请按0/);
    twiml = await caller.press('0');
    assert.match(twiml, /\/twilio\/voice\/ivr\/operator\?menu=citizen-centre/);
  });

  it('when a half-day is full, then it is not offered; when it fills between the listing and the choice, then the caller hears it clearly and can choose another day', async function () {
    this.timeout(60_000);
    const caller = buildCaller(url, `+86${buildMobile()}`);
    await caller.begin('/twilio/voice/booking/start?menu=citizen-centre&node=book-green');
    await caller.press('1');
    const listed = await caller.press('9');
    const key = keyFor(listed, '12月4日星期五上午');
    const slots = await runtime.booking.capacity.listSlots({
      hallId: 'citizen-centre',
      serviceId: 'cc-green-escort',
      fromDay: '2026-12-04',
      toDay: '2026-12-04',
    });
    for (const slot of slots.filter((s) => s.startsAt.getUTCHours() < 4)) {
      while ((await runtime.booking.capacity.findSlot(slot.id))!.booked < slot.capacity) {
        await runtime.booking.service.createBooking(
          {
            slotId: slot.id,
            name: '王五',
            phone: `+86${buildMobile()}`,
            identity: { idNumber: buildIdNumber() },
          },
          { channel: 'phone', id: 'agent-1', label: 'staff:agent-1' },
          `fill-${slot.id}-${random()}`,
        );
      }
    }
    const twiml = await caller.press(key);
    assert.match(twiml, /12月4日星期五上午的号已约满/);
    assert.match(twiml, /重新选择日期请按1/);
    await caller.press('1');
    const again = await caller.press('9');
    assert.match(again, /请选择日期/);
    assert.doesNotMatch(again, /12月4日星期五上午/, 'a full half-day is not offered');
    assert.match(again, /12月4日星期五下午请按\d/);
  });

  it('when more dates are asked for with 9, then the next half-days up to the release horizon are read, weekends left out', async () => {
    const caller = buildCaller(url, `+86${buildMobile()}`);
    await caller.begin('/twilio/voice/booking/start?menu=citizen-centre&node=book-general');
    const first = await caller.press('1');
    assert.match(first, /听更多日期请按9；转人工服务请按0/);
    assert.match(first, /12月3日星期四下午请按8/);
    const more = await caller.press('9');
    assert.match(
      more,
      /请选择日期。12月4日星期五上午请按1；12月4日星期五下午请按2；12月7日星期一上午请按3；12月7日星期一下午请按4；转人工服务请按0/,
    );
    assert.doesNotMatch(more, /12月5日|12月6日|12月8日|听更多日期/);
    const chosen = await caller.press('3');
    assert.match(chosen, /为您找到12月7日星期一上午8点半至9点的号/);
  });

  it('when the morning is over, then today is offered only for the afternoon', async () => {
    clock.set(new Date('2026-11-30T12:00:00+08:00'));
    try {
      const caller = buildCaller(url, `+86${buildMobile()}`);
      await caller.begin('/twilio/voice/booking/start?menu=citizen-centre&node=book-general');
      const days = await caller.press('1');
      assert.match(days, /请选择日期。今天11月30日星期一下午请按1；明天12月1日星期二上午请按2/);
    } finally {
      clock.set(new Date(MONDAY_9AM));
    }
  });

  for (const [what, from] of [
    ['withheld', 'anonymous'],
    ['a landline', '+864694226999'],
  ] as const) {
    it(`when the caller's number is ${what}, then an 11-digit mobile of an allocated block is asked for, read back, and the SMS goes there`, async function () {
      this.timeout(60_000);
      const caller = buildCaller(url, from);
      await caller.begin('/twilio/voice/booking/start?menu=citizen-centre&node=book-general');
      await caller.press(keyFor(await caller.press('1'), '12月2日星期三上午'));
      let twiml = await caller.press(buildIdNumber());
      assert.match(twiml, /您的来电号码无法接收短信。.*请输入接收预约短信的11位手机号码/);
      twiml = await caller.press('0469422');
      assert.match(twiml, /您输入的不是11位手机号码/);
      // 11 digits in a block no operator was given: no SMS could reach it.
      twiml = await caller.press('14012345678');
      assert.match(twiml, /您输入的不是11位手机号码/);
      const mobile = buildMobile();
      twiml = await caller.press(mobile);
      assert.match(
        twiml,
        new RegExp(`您输入的手机号码是${mobile.split('').join('，')}。.*确认请按1，重新输入请按2`),
      );
      twiml = await caller.press('1');
      assert.match(twiml, /预约短信将发送到手机号码/);
      twiml = await caller.press('1');
      assert.match(twiml, /预约成功/);
      assert.match(twiml, /预约短信已发送到您的手机/);
      const code = twiml.match(/预约码是：([\d，]+)/)![1]!.replace(/，/g, '');
      assert.equal((await runtime.booking.service.findBookingByCode(code))!.phone, `+86${mobile}`);
      assert.ok(caller.urls.length > 5);
      for (const target of caller.urls)
        assert.ok(
          !target.includes(mobile) && !decodeURIComponent(target).includes(mobile),
          `the keyed mobile is not in ${target}`,
        );
    });
  }

  it('when the dates are paged with 9 up to the release horizon, then the half-days offered are those of the whole horizon, in order, each once', async () => {
    const now = clock.now();
    const hallId = 'citizen-centre';
    const serviceId = 'cc-general-credit';
    const today = DateTime.fromJSDate(now, { zone: 'Asia/Shanghai' });
    const expected: string[] = [];
    for (const slot of await runtime.booking.capacity.listSlots({
      hallId,
      serviceId,
      fromDay: today.toISODate()!,
      toDay: today.plus({ days: runtime.config.booking.horizonDays }).toISODate()!,
    })) {
      const start = DateTime.fromJSDate(slot.startsAt, { zone: 'Asia/Shanghai' });
      if (
        !runtime.calendar.hallDay(hallId, start.toISODate()!).open ||
        availableFor(slot, 'ivr', now, runtime.config.booking.phoneShareHours) <= 0
      )
        continue;
      const code = `${start.toISODate()}.${start.hour < 12 ? 'am' : 'pm'}`;
      if (!expected.includes(code)) expected.push(code);
    }
    const caller = buildCaller(url, `+86${buildMobile()}`);
    await caller.begin('/twilio/voice/booking/start?menu=citizen-centre&node=book-general');
    const offered: string[] = [];
    let twiml = await caller.press('2');
    for (let page = 0; page < 10; page += 1) {
      const action = new URL(
        twiml.match(/<Gather[^>]*action="([^"]*)"/)![1]!.replace(/&amp;/g, '&'),
      );
      offered.push(...action.searchParams.get('choices')!.split(','));
      if (!action.searchParams.has('from')) break;
      twiml = await caller.press('9');
    }
    assert.ok(expected.length > 8, `more than a page: ${expected.join(',')}`);
    assert.deepEqual(offered, expected);
  });

  it('when the caller already holds a booking for that service that day, then it is said clearly and the caller may choose again', async () => {
    const idNumber = buildIdNumber();
    const slot = (
      await runtime.booking.capacity.listSlots({
        hallId: 'citizen-centre',
        serviceId: 'cc-general-credit',
        fromDay: '2026-12-03',
        toDay: '2026-12-03',
      })
    ).at(-1)!;
    await runtime.booking.service.createBooking(
      { slotId: slot.id, name: '冯二', phone: `+86${buildMobile()}`, identity: { idNumber } },
      { channel: 'web', id: 'k', label: 'channel:k' },
      'ivr-dup',
    );
    const caller = buildCaller(url, `+86${buildMobile()}`);
    await caller.begin('/twilio/voice/booking/start?menu=citizen-centre&node=book-general');
    await caller.press(keyFor(await caller.press('2'), '12月3日星期四上午'));
    await caller.press(idNumber);
    const twiml = await caller.press('1');
    assert.match(twiml, /您当天已经预约过这项业务/);
    assert.match(twiml, /重新选择日期请按1，转人工服务请按0/);
  });

  it('when a booking URL names no booking node, then the caller hears an apology with status 200, never a 5xx', async () => {
    const response = await postSigned(
      url,
      '/twilio/voice/booking/start?menu=citizen-centre&node=main',
      { CallSid: buildCallSid(), From: '+8613904691234', To: HOTLINE },
    );
    assert.equal(response.status, 200);
    await expectValidTwiml(response.body);
    assert.match(response.body, /非常抱歉/);
    assert.ok(
      response.body.includes(runtime.catalogue.prompts.say('city.fallback')),
      "the platform apology carries the city's fallback sentence from the catalogue",
    );
  });

  it('when a caller looks up a booking by code and confirms, then it is cancelled and the call counts as self-served', async () => {
    const mobile = `+86${buildMobile()}`;
    const slot = (
      await runtime.booking.capacity.listSlots({
        hallId: 'citizen-centre',
        serviceId: 'cc-tax-invoice',
        fromDay: '2026-12-03',
        toDay: '2026-12-03',
      })
    )[0]!;
    const made = await runtime.booking.service.createBooking(
      { slotId: slot.id, name: '赵六', phone: mobile, identity: { idNumber: buildIdNumber() } },
      { channel: 'web', id: 'k', label: 'channel:k' },
      'lookup-1',
    );
    const caller = buildCaller(url, `+86${buildMobile()}`);
    let twiml = await caller.begin(
      '/twilio/voice/booking/lookup?menu=citizen-centre&node=my-booking',
    );
    assert.match(twiml, /按预约码查询/);
    await caller.press('1');
    twiml = await caller.press(made.body.code);
    assert.match(twiml, /预约有效/);
    assert.match(twiml, /12月3日星期四上午8点半至9点/);
    twiml = await caller.press('1');
    assert.match(twiml, /确定取消请按1/);
    twiml = await caller.press('1');
    assert.match(twiml, /已为您取消/);
    assert.equal((await runtime.booking.service.findBooking(made.body.id))!.status, 'cancelled');
    assert.equal((await runtime.ledger.find(caller.callSid))?.selfServed, true);
  });

  it('when a caller looks up the bookings of the calling number, then they are read back and one can be cancelled', async () => {
    const mobile = `+86${buildMobile()}`;
    const slot = (
      await runtime.booking.capacity.listSlots({
        hallId: 'citizen-centre',
        serviceId: 'cc-tax-register',
        fromDay: '2026-12-03',
        toDay: '2026-12-03',
      })
    )[0]!;
    const made = await runtime.booking.service.createBooking(
      { slotId: slot.id, name: '钱七', phone: mobile, identity: { idNumber: buildIdNumber() } },
      { channel: 'wechat', id: 'k', label: 'channel:k' },
      'lookup-2',
    );
    const caller = buildCaller(url, mobile);
    await caller.begin('/twilio/voice/booking/lookup?menu=citizen-centre&node=my-booking');
    let twiml = await caller.press('2');
    assert.match(twiml, /您有1个有效预约/);
    twiml = await caller.press('1');
    assert.match(twiml, /确定取消请按1/);
    twiml = await caller.press('2');
    assert.match(twiml, /预约未取消/);
    assert.equal((await runtime.booking.service.findBooking(made.body.id))!.status, 'confirmed');
  });
});
