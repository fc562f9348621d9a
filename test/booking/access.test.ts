import assert from 'node:assert/strict';
import type { Actor } from '../../src/booking/index.js';
import {
  MAX_FAILED_LOOKUPS_PER_CODE,
  MAX_FAILED_LOOKUPS_PER_KEY,
} from '../../src/booking/booking-lookup-service.js';
import { AppError } from '../../src/platform/errors.js';
import type { Runtime } from '../../src/runtime.js';
import {
  api,
  buildIdNumber,
  buildMobile,
  MONDAY_9AM,
  startBookingRuntime,
} from './booking-support.js';

type Owner = 'web' | 'wechat' | 'walk_in' | 'phone' | 'ivr';
type Caller = 'web' | 'wechat' | 'walk_in' | 'staff';
const OWNERS: Owner[] = ['web', 'wechat', 'walk_in', 'phone', 'ivr'];
const CALLERS: Caller[] = ['web', 'wechat', 'walk_in', 'staff'];
const TODAY = '2026-11-30';

const ownerActor = (owner: Owner): Actor => ({
  channel: owner,
  id: `maker-${owner}`,
  label: owner === 'ivr' ? 'call:CAtest' : `maker:${owner}`,
});

describe('booking access by channel', () => {
  let runtime: Runtime;
  let url: string;
  const keys = {} as Record<Exclude<Caller, 'staff'>, string>;
  let session: string;
  let sequence = 0;

  before(async function () {
    this.timeout(60_000);
    // A database of its own: these tests fill many of the day's places, which the other booking tests count on.
    ({ runtime, url } = await startBookingRuntime(
      { BOOKING_PHONE_SHARE: '0' },
      MONDAY_9AM,
      'booking-access',
    ));
    keys.web = (await runtime.booking.apiKeys.create('web', 'website')).key;
    keys.wechat = (await runtime.booking.apiKeys.create('wechat', '双营通')).key;
    keys.walk_in = (await runtime.booking.apiKeys.create('walk_in', '大厅取号机')).key;
    await runtime.staff.createUser({
      username: 'access_agent',
      role: 'agent',
      skills: [],
      password: 'correct horse battery',
    });
    session = (await runtime.staff.login('access_agent', 'correct horse battery', '127.0.0.1'))
      .token;
  });

  after(() => runtime.close());

  const as = (caller: Caller) => (caller === 'staff' ? { session } : { key: keys[caller] });

  /** Books a person through `owner` in the first slot of the citizen centre with a place left today (or on `day`). */
  async function bookThrough(owner: Owner, day = TODAY) {
    const phone = `+86${buildMobile()}`;
    const hall = runtime.catalogue.hall('citizen-centre')!;
    const services = hall.departments.flatMap((d) =>
      d.services.filter((s) => s.bookable).map((s) => s.id),
    );
    const slots = (
      await runtime.booking.capacity.listSlots({ hallId: hall.id, fromDay: day, toDay: day })
    ).filter(
      (s) =>
        s.startsAt > runtime.clock.now() &&
        services.includes(s.serviceId) &&
        s.capacity > s.booked + s.held,
    );
    for (const slot of slots) {
      try {
        sequence += 1;
        const outcome = await runtime.booking.service.createBooking(
          { slotId: slot.id, name: '周九', phone, identity: { idNumber: buildIdNumber() } },
          ownerActor(owner),
          `access-${sequence}`,
        );
        return { booking: outcome.booking, last4: phone.slice(-4) };
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'slot_full') throw error;
      }
    }
    throw new Error(`no free slot in the citizen centre on ${day}`);
  }

  /** A slot of the same service on another day with a place left. */
  async function freeSlotOn(serviceId: string, day: string) {
    const slots = await runtime.booking.capacity.listSlots({
      hallId: 'citizen-centre',
      serviceId,
      fromDay: day,
      toDay: day,
    });
    const slot = slots.find((s) => s.capacity - s.booked - s.held > 0);
    assert.ok(slot, `a free slot on ${day}`);
    return slot;
  }

  const status = async (id: string) => (await runtime.booking.service.findBooking(id))!.status;

  for (const owner of OWNERS) {
    for (const caller of CALLERS) {
      const own = caller === 'staff' || caller === owner;

      it(`finding 1: a ${caller} ${caller === 'staff' ? 'session' : 'key'} ${own ? 'can' : 'cannot'} read a ${owner} booking by its code`, async () => {
        const { booking, last4 } = await bookThrough(owner);
        const answer = await api(
          url,
          'GET',
          `/api/bookings/${booking.code}${caller === 'staff' ? '' : `?last4=${last4}`}`,
          as(caller),
        );
        assert.equal(answer.status, own ? 200 : 404, JSON.stringify(answer.body));
        if (own) assert.equal(answer.body.id, booking.id);
        else
          assert.ok(
            !JSON.stringify(answer.body).includes(booking.name),
            'nothing of the booking is shown',
          );
      });

      it(`finding 1: a ${caller} ${caller === 'staff' ? 'session' : 'key'} ${own ? 'can' : 'cannot'} cancel a ${owner} booking`, async () => {
        const { booking } = await bookThrough(owner);
        const answer = await api(url, 'POST', `/api/bookings/${booking.id}/cancel`, as(caller));
        assert.equal(answer.status, own ? 200 : 404, JSON.stringify(answer.body));
        assert.equal(await status(booking.id), own ? 'cancelled' : 'confirmed');
      });

      it(`finding 1: a ${caller} ${caller === 'staff' ? 'session' : 'key'} ${own ? 'can' : 'cannot'} reschedule a ${owner} booking`, async () => {
        const { booking } = await bookThrough(owner);
        const target = await freeSlotOn(booking.serviceId, '2026-12-01');
        const answer = await api(url, 'POST', `/api/bookings/${booking.id}/reschedule`, {
          ...as(caller),
          body: { slotId: target.id },
        });
        assert.equal(answer.status, own ? 200 : 404, JSON.stringify(answer.body));
        assert.equal(
          (await runtime.booking.service.findBooking(booking.id))!.slotId,
          own ? target.id : booking.slotId,
        );
      });

      // The walk-in desk checks in whoever arrives at the hall, whatever channel they booked by.
      const mayCheckIn = caller === 'staff' || caller === 'walk_in';
      it(`finding 1: a ${caller} ${caller === 'staff' ? 'session' : 'key'} ${mayCheckIn ? 'can' : 'cannot'} check in a ${owner} booking`, async () => {
        const { booking } = await bookThrough(owner);
        const answer = await api(url, 'POST', `/api/bookings/${booking.id}/check-in`, as(caller));
        assert.equal(answer.status, mayCheckIn ? 200 : 403, JSON.stringify(answer.body));
        assert.equal(await status(booking.id), mayCheckIn ? 'checked_in' : 'confirmed');
      });
    }
  }

  it('finding 1: a channel look-up by code needs the last 4 digits of the phone or of the ID number', async () => {
    const { booking, last4 } = await bookThrough('web');
    const without = await api(url, 'GET', `/api/bookings/${booking.code}`, { key: keys.web });
    assert.equal(without.status, 422);
    assert.match(without.body.error.message, /last4/);
    const wrong = await api(
      url,
      'GET',
      `/api/bookings/${booking.code}?last4=${last4 === '0000' ? '1111' : '0000'}`,
      { key: keys.web },
    );
    assert.equal(wrong.status, 404);
    const byId = await api(
      url,
      'GET',
      `/api/bookings/${booking.code}?last4=${booking.idMasked.slice(-4).toLowerCase()}`,
      { key: keys.web },
    );
    assert.equal(byId.status, 200);
  });

  it('finding 1: guessed codes meet a limit per key, failures counted, and a key is refused a code after repeated failures on it', async () => {
    const guesser = await runtime.booking.apiKeys.create('web', 'guesser');
    const answers: number[] = [];
    for (let i = 0; i < MAX_FAILED_LOOKUPS_PER_KEY + 2; i += 1) {
      answers.push(
        (
          await api(url, 'GET', `/api/bookings/${String(90_000_000 + i)}?last4=1234`, {
            key: guesser.key,
          })
        ).status,
      );
    }
    assert.deepEqual(
      answers.slice(0, MAX_FAILED_LOOKUPS_PER_KEY),
      Array(MAX_FAILED_LOOKUPS_PER_KEY).fill(404),
    );
    assert.deepEqual(answers.slice(MAX_FAILED_LOOKUPS_PER_KEY), [429, 429]);
    assert.equal(
      await runtime.booking.lookup.failuresOfKey(guesser.id),
      MAX_FAILED_LOOKUPS_PER_KEY,
    );

    const { booking, last4 } = await bookThrough('wechat');
    const wrong = last4 === '0000' ? '1111' : '0000';
    const clumsy = await runtime.booking.apiKeys.create('wechat', 'clumsy');
    for (let i = 0; i < MAX_FAILED_LOOKUPS_PER_CODE; i += 1) {
      assert.equal(
        (await api(url, 'GET', `/api/bookings/${booking.code}?last4=${wrong}`, { key: clumsy.key }))
          .status,
        404,
      );
    }
    const locked = await api(url, 'GET', `/api/bookings/${booking.code}?last4=${last4}`, {
      key: clumsy.key,
    });
    assert.equal(locked.status, 429);
    assert.ok(Number(locked.headers.get('retry-after')) > 0);
    const ttl = await runtime.redis.ttl(
      `${runtime.config.redisPrefix}:booking-lookup-code:${clumsy.id}:${booking.code}`,
    );
    assert.ok(ttl > 0 && ttl <= 3600, 'the counter expires');
  });

  it("issue 26 finding 7: when the WeChat key guesses a web booking's last4 wrong five times, then only WeChat is refused that code; the web channel still finds it", async () => {
    const { booking, last4 } = await bookThrough('web');
    const wrong = last4 === '0000' ? '1111' : '0000';
    for (let i = 0; i < MAX_FAILED_LOOKUPS_PER_CODE; i += 1) {
      assert.equal(
        (
          await api(url, 'GET', `/api/bookings/${booking.code}?last4=${wrong}`, {
            key: keys.wechat,
          })
        ).status,
        404,
      );
    }
    assert.equal(
      (await api(url, 'GET', `/api/bookings/${booking.code}?last4=${wrong}`, { key: keys.wechat }))
        .status,
      429,
      'WeChat locked itself out of this code',
    );
    const owner = await api(url, 'GET', `/api/bookings/${booking.code}?last4=${last4}`, {
      key: keys.web,
    });
    assert.equal(owner.status, 200, JSON.stringify(owner.body));
    assert.equal(owner.body.code, booking.code);
  });
});
