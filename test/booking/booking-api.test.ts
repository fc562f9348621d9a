import assert from 'node:assert/strict';
import type { Runtime } from '../../src/runtime.js';
import {
  api,
  buildBookingBody,
  buildIdNumber,
  firstSlot,
  startBookingRuntime,
} from './booking-support.js';

describe('booking API', () => {
  let runtime: Runtime;
  let url: string;
  let webKey: string;
  let wechatKey: string;

  before(async function () {
    this.timeout(60_000);
    ({ runtime, url } = await startBookingRuntime({ BOOKING_PHONE_SHARE: '0' }));
    webKey = (await runtime.booking.apiKeys.create('web', 'website')).key;
    wechatKey = (await runtime.booking.apiKeys.create('wechat', '双营通')).key;
  });

  // Each runtime holds a pool of connections: give them back before the next file's.
  after(() => runtime.close());

  it('when 200 clients book the same slot of capacity 5 at once, then exactly 5 bookings and 195 clear 409s', async function () {
    this.timeout(60_000);
    const slot = await firstSlot(runtime, 'cc-fund-withdraw', '2026-12-01');
    await runtime.booking.capacity.limitCapacity({
      hallId: 'citizen-centre',
      serviceId: 'cc-fund-withdraw',
      from: '2026-12-01',
      to: '2026-12-01',
      percent: 90,
      reason: '测试',
      createdBy: 'test',
    });
    assert.equal((await runtime.booking.capacity.findSlot(slot.id))!.capacity, 5);
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        api(url, 'POST', '/api/bookings', {
          key: i % 2 ? webKey : wechatKey,
          idempotencyKey: `contention-${i}`,
          body: buildBookingBody({ slotId: slot.id }),
        }),
      ),
    );
    const created = answers.filter((a) => a.status === 201);
    const refused = answers.filter((a) => a.status === 409);
    assert.equal(created.length, 5);
    assert.equal(refused.length, 195);
    assert.ok(refused.every((a) => a.body.error.code === 'slot_full'));
    const after = (await runtime.booking.capacity.findSlot(slot.id))!;
    assert.equal(after.booked, 5);
    assert.deepEqual(await runtime.booking.capacity.inconsistentSlots([slot.id]), []);
    assert.equal(new Set(created.map((a) => a.body.code)).size, 5);
  });

  it('when a request is retried with the same Idempotency-Key, then one booking and the first answer again; another body is refused', async () => {
    const slot = await firstSlot(runtime, 'cc-fund-loan', '2026-12-01');
    const body = buildBookingBody({ slotId: slot.id });
    const first = await api(url, 'POST', '/api/bookings', {
      key: webKey,
      idempotencyKey: 'retry-1',
      body,
    });
    const [second, third] = await Promise.all([
      api(url, 'POST', '/api/bookings', { key: webKey, idempotencyKey: 'retry-1', body }),
      api(url, 'POST', '/api/bookings', { key: webKey, idempotencyKey: 'retry-1', body }),
    ]);
    assert.equal(first.status, 201);
    assert.deepEqual(second.body, first.body);
    assert.deepEqual(third.body, first.body);
    assert.equal(second.headers.get('idempotent-replayed'), 'true');
    assert.equal((await runtime.booking.capacity.findSlot(slot.id))!.booked, 1);
    const other = await api(url, 'POST', '/api/bookings', {
      key: webKey,
      idempotencyKey: 'retry-1',
      body: { ...body, name: '李四' },
    });
    assert.equal(other.status, 422);
    assert.equal(other.body.error.code, 'idempotency_key_reused');
  });

  it('when a booking succeeds, then 201 with id, code, status, the slot in +08:00, masked personal data and the channel', async () => {
    const slot = await firstSlot(runtime, 'cc-fund-certificate', '2026-12-02');
    const idNumber = buildIdNumber();
    const answer = await api(url, 'POST', '/api/bookings', {
      key: wechatKey,
      idempotencyKey: 'shape-1',
      body: buildBookingBody({ slotId: slot.id, idNumber, phone: '139 0469 1234' }),
    });
    assert.equal(answer.status, 201);
    assert.match(answer.body.id, /^[0-9a-f-]{36}$/);
    assert.match(answer.body.code, /^\d{8}$/);
    assert.equal(answer.body.status, 'confirmed');
    assert.equal(answer.body.channel, 'wechat');
    assert.equal(answer.body.slot.startsAt, '2026-12-02T08:30:00+08:00');
    assert.equal(answer.body.idNumber, `${idNumber.slice(0, 4)}**********${idNumber.slice(-4)}`);
    assert.equal(answer.body.phone, '+86*******1234');
    const fetched = await api(url, 'GET', `/api/bookings/${answer.body.code}?last4=1234`, {
      key: wechatKey,
    });
    assert.deepEqual(fetched.body, answer.body);
  });

  it('when the same person books the same service twice that day, then 409 duplicate_booking', async () => {
    const [a, b] = (
      await runtime.booking.capacity.listSlots({
        hallId: 'citizen-centre',
        serviceId: 'cc-police-idcard',
        fromDay: '2026-12-02',
        toDay: '2026-12-02',
      })
    ).slice(0, 2);
    const idNumber = buildIdNumber();
    const first = await api(url, 'POST', '/api/bookings', {
      key: webKey,
      idempotencyKey: 'dup-1',
      body: buildBookingBody({ slotId: a!.id, idNumber }),
    });
    const second = await api(url, 'POST', '/api/bookings', {
      key: wechatKey,
      idempotencyKey: 'dup-2',
      body: buildBookingBody({ slotId: b!.id, idNumber: idNumber.toLowerCase() }),
    });
    assert.equal(first.status, 201);
    assert.equal(second.status, 409);
    assert.equal(second.body.error.code, 'duplicate_booking');
    assert.equal((await runtime.booking.capacity.findSlot(b!.id))!.booked, 0);
  });

  it('when input is bad, then 422 names the field and the reason', async () => {
    const slot = await firstSlot(runtime, 'cc-police-move', '2026-12-02');
    const good = buildIdNumber();
    const badCheck = `${good.slice(0, 17)}${good[17] === '0' ? '1' : '0'}`;
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ idNumber: badCheck }, 'idNumber', /check digit/],
      [{ idNumber: '23050219851332001X' }, 'idNumber', /birth date/],
      [{ phone: '12345' }, 'phone', /mainland/],
      [{ phone: '+14155550100' }, 'phone', /mainland/],
    ];
    for (const [override, field, reason] of cases) {
      const answer = await api(url, 'POST', '/api/bookings', {
        key: webKey,
        idempotencyKey: `bad-${field}-${String(override[field])}`,
        body: buildBookingBody({ slotId: slot.id, ...override }),
      });
      assert.equal(answer.status, 422, JSON.stringify(answer.body));
      const problem = answer.body.error.details.fields.find(
        (f: { field: string }) => f.field === field,
      );
      assert.match(problem.reason, reason);
      assert.ok(!JSON.stringify(answer.body).includes(badCheck), 'the ID number is never echoed');
    }
    const past = (
      await runtime.booking.capacity.listSlots({
        hallId: 'citizen-centre',
        serviceId: 'cc-police-move',
        fromDay: '2026-11-30',
        toDay: '2026-11-30',
      })
    )[0]!;
    const { db } = runtime.database;
    const bookingTables = await import('../../src/booking/booking-tables.js');
    const { eq } = await import('drizzle-orm');
    await db
      .update(bookingTables.bookingSlots)
      .set({ startsAt: new Date('2026-11-30T08:30:00+08:00') })
      .where(eq(bookingTables.bookingSlots.id, past.id));
    const late = await api(url, 'POST', '/api/bookings', {
      key: webKey,
      idempotencyKey: 'past-1',
      body: buildBookingBody({ slotId: past.id }),
    });
    assert.equal(late.status, 422);
    assert.deepEqual(late.body.error.details.fields, [{ field: 'slotId', reason: 'past' }]);
    const missing = await api(url, 'POST', '/api/bookings', {
      key: webKey,
      body: buildBookingBody({ slotId: slot.id }),
    });
    assert.equal(missing.status, 422);
    assert.match(missing.body.error.message, /Idempotency-Key/);
  });

  it('when a request has no key or a revoked key, then writes get 401 and reads of services and slots stay public', async () => {
    const slot = await firstSlot(runtime, 'cc-police-move', '2026-12-03');
    assert.equal(
      (
        await api(url, 'POST', '/api/bookings', {
          idempotencyKey: 'anon',
          body: buildBookingBody({ slotId: slot.id }),
        })
      ).status,
      401,
    );
    assert.equal((await api(url, 'POST', '/api/holds', { body: { slotId: slot.id } })).status, 401);
    const revoked = await runtime.booking.apiKeys.create('walk_in', 'desk 1');
    await runtime.booking.apiKeys.revoke(revoked.id);
    assert.equal(
      (await api(url, 'POST', '/api/holds', { key: revoked.key, body: { slotId: slot.id } }))
        .status,
      401,
    );
    const services = await api(url, 'GET', '/api/services');
    assert.equal(services.status, 200);
    assert.ok(
      (services.body as unknown as Array<{ id: string; hallId: string; hallName: string }>).some(
        (s) => s.id === 'cc-police-move' && s.hallId === 'citizen-centre' && s.hallName,
      ),
    );
    const slots = await api(
      url,
      'GET',
      '/api/slots?hall=citizen-centre&service=cc-police-move&from=2026-12-03&to=2026-12-03',
    );
    assert.equal(slots.status, 200);
    const list = slots.body as unknown as Array<{
      id: number;
      startsAt: string;
      endsAt: string;
      capacity: number;
      available: number;
    }>;
    assert.equal(list[0]!.startsAt, '2026-12-03T08:30:00+08:00');
    assert.equal(list[0]!.endsAt, '2026-12-03T09:00:00+08:00');
    assert.equal(list[0]!.capacity, 2);
    assert.equal(list[0]!.available, 2);
  });

  it('when a hold is made, then it counts against capacity, a booking can confirm it, and an expired hold frees its place', async () => {
    const slot = await firstSlot(runtime, 'cc-green-escort', '2026-12-03');
    assert.equal(slot.capacity, 1);
    const hold = await api(url, 'POST', '/api/holds', { key: webKey, body: { slotId: slot.id } });
    assert.equal(hold.status, 201);
    const blocked = await api(url, 'POST', '/api/bookings', {
      key: wechatKey,
      idempotencyKey: 'hold-blocked',
      body: buildBookingBody({ slotId: slot.id }),
    });
    assert.equal(blocked.status, 409);
    const confirmed = await api(url, 'POST', '/api/bookings', {
      key: webKey,
      idempotencyKey: 'hold-confirm',
      body: buildBookingBody({ holdId: hold.body.id }),
    });
    assert.equal(confirmed.status, 201);
    const after = (await runtime.booking.capacity.findSlot(slot.id))!;
    assert.deepEqual([after.booked, after.held], [1, 0]);

    const other = await firstSlot(runtime, 'cc-green-departure', '2026-12-03');
    const second = await api(url, 'POST', '/api/holds', {
      key: webKey,
      body: { slotId: other.id },
    });
    assert.equal((await runtime.booking.capacity.findSlot(other.id))!.held, 1);
    assert.equal(
      await runtime.booking.service.expireHold(second.body.id),
      false,
      'not before its time',
    );
    (
      runtime.clock as ReturnType<typeof import('../../src/platform/clock.js').createFixedClock>
    ).advance(6 * 60_000);
    try {
      assert.equal(await runtime.booking.service.sweepExpiredHolds(), 1);
      assert.equal((await runtime.booking.capacity.findSlot(other.id))!.held, 0);
      const late = await api(url, 'POST', '/api/bookings', {
        key: webKey,
        idempotencyKey: 'hold-late',
        body: buildBookingBody({ holdId: second.body.id }),
      });
      assert.equal(late.status, 409);
      assert.equal(late.body.error.code, 'hold_expired');
    } finally {
      (
        runtime.clock as ReturnType<typeof import('../../src/platform/clock.js').createFixedClock>
      ).advance(-6 * 60_000);
    }
    const job = await runtime.queues
      .get('booking-hold-expiry')
      .getJob(`hold-expiry-${second.body.id}`);
    assert.ok(job, 'a delayed expiry job');
    assert.ok((job.opts.delay ?? 0) >= 5 * 60_000);
  });

  it('when a booking is cancelled, rescheduled and checked in, then its places move atomically and the reminder follows', async () => {
    const [a, b] = (
      await runtime.booking.capacity.listSlots({
        hallId: 'citizen-centre',
        serviceId: 'cc-estate-query',
        fromDay: '2026-11-30',
        toDay: '2026-11-30',
      })
    ).slice(0, 2);
    const made = await api(url, 'POST', '/api/bookings', {
      key: webKey,
      idempotencyKey: 'move-1',
      body: buildBookingBody({ slotId: a!.id }),
    });
    assert.equal(made.status, 201);
    const moved = await api(url, 'POST', `/api/bookings/${made.body.id}/reschedule`, {
      key: webKey,
      body: { slotId: b!.id },
    });
    assert.equal(moved.status, 200);
    assert.equal(moved.body.slot.id, b!.id);
    assert.equal((await runtime.booking.capacity.findSlot(a!.id))!.booked, 0);
    assert.equal((await runtime.booking.capacity.findSlot(b!.id))!.booked, 1);
    const webCheckIn = await api(url, 'POST', `/api/bookings/${made.body.id}/check-in`, {
      key: webKey,
    });
    assert.equal(webCheckIn.status, 403);
    const desk = (await runtime.booking.apiKeys.create('walk_in', 'desk 2')).key;
    const checked = await api(url, 'POST', `/api/bookings/${made.body.id}/check-in`, { key: desk });
    assert.equal(checked.status, 200);
    assert.equal(checked.body.status, 'checked_in');
    const cancel = await api(url, 'POST', `/api/bookings/${made.body.id}/cancel`, { key: webKey });
    assert.equal(cancel.status, 409);
    assert.equal(cancel.body.error.code, 'not_cancellable');

    const first = await firstSlot(runtime, 'cc-estate-query', '2026-12-03');
    const moving = await api(url, 'POST', '/api/bookings', {
      key: webKey,
      idempotencyKey: 'move-2',
      body: buildBookingBody({ slotId: first.id }),
    });
    const sms = runtime.queues.get('booking-sms');
    assert.ok(await sms.getJob(`booking-reminder-${moving.body.id}-${first.id}`));
    const target = await firstSlot(runtime, 'cc-estate-query', '2026-12-04');
    await api(url, 'POST', `/api/bookings/${moving.body.id}/reschedule`, {
      key: webKey,
      body: { slotId: target.id },
    });
    assert.equal(
      await sms.getJob(`booking-reminder-${moving.body.id}-${first.id}`),
      undefined,
      'the old reminder is removed',
    );
    assert.ok(
      await sms.getJob(`booking-reminder-${moving.body.id}-${target.id}`),
      'a reminder for the new slot',
    );
    assert.ok(
      await sms.getJob(`booking-sms-rescheduled-${moving.body.id}-${target.id}`),
      'a rescheduling SMS',
    );

    const later = (
      await runtime.booking.capacity.listSlots({
        hallId: 'citizen-centre',
        serviceId: 'cc-estate-query',
        fromDay: '2026-12-04',
        toDay: '2026-12-04',
      })
    )[1]!;
    const second = await api(url, 'POST', '/api/bookings', {
      key: webKey,
      idempotencyKey: 'cancel-1',
      body: buildBookingBody({ slotId: later.id }),
    });
    const reminderId = `booking-reminder-${second.body.id}-${later.id}`;
    const reminder = await runtime.queues.get('booking-sms').getJob(reminderId);
    assert.ok(reminder, 'a reminder job with a deterministic id');
    // What the service decided, against its own (injected) clock: BullMQ stamps jobs with the real time.
    assert.equal(
      reminder.opts.delay,
      new Date('2026-12-03T18:00:00+08:00').getTime() - runtime.clock.now().getTime(),
    );
    const cancelled = await api(url, 'POST', `/api/bookings/${second.body.id}/cancel`, {
      key: webKey,
    });
    assert.equal(cancelled.body.status, 'cancelled');
    assert.equal((await runtime.booking.capacity.findSlot(later.id))!.booked, 0);
    assert.equal(
      await runtime.queues.get('booking-sms').getJob(reminderId),
      undefined,
      'the reminder is removed',
    );
    assert.deepEqual(
      (await runtime.booking.service.events(second.body.id)).map((e) => e.event),
      ['created', 'cancelled'],
    );
  });
});
