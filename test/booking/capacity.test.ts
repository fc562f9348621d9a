import assert from 'node:assert/strict';
import type { Actor } from '../../src/booking/index.js';
import type { Runtime } from '../../src/runtime.js';
import { createFixedClock } from '../../src/platform/clock.js';
import { createTestRuntime } from '../support/env.js';
import { random } from '../support/random.js';
import {
  BOOKING_DATABASE,
  buildIdNumber,
  buildMobile,
  startBookingRuntime,
} from './booking-support.js';

const web: Actor = { channel: 'web', id: 'web-key', label: 'channel:web-key' };
const wechat: Actor = { channel: 'wechat', id: 'wechat-key', label: 'channel:wechat-key' };
const agent: Actor = { channel: 'phone', id: 'agent-1', label: 'staff:agent-1' };

async function bookPerson(runtime: Runtime, slotId: number, actor: Actor = web) {
  const outcome = await runtime.booking.service.createBooking(
    { slotId, name: '孙八', phone: `+86${buildMobile()}`, identity: { idNumber: buildIdNumber() } },
    actor,
    `cap-${random()}`,
  );
  return outcome.booking;
}

const slotsOf = (runtime: Runtime, serviceId: string, day: string) =>
  runtime.booking.capacity.listSlots({
    hallId: runtime.catalogue.service(serviceId)!.hall.id,
    serviceId,
    fromDay: day,
    toDay: day,
  });

describe('slot capacity', () => {
  let runtime: Runtime;

  before(async function () {
    this.timeout(60_000);
    ({ runtime } = await startBookingRuntime());
  });

  // Each runtime holds a pool of connections: give them back before the next file's.
  after(() => runtime.close());

  it('when slots are released, then capacity is windows × floor(slot minutes / item minutes), on working days only, within the horizon', async () => {
    const weekday = await slotsOf(runtime, 'cc-general-intake', '2026-12-01');
    assert.equal(weekday.length, 13); // 08:30-11:30 and 13:00-16:30 in 30-minute slots
    assert.equal(weekday[0]!.capacity, 4 * Math.floor(30 / 20));
    assert.equal(weekday[0]!.phoneReserved, Math.floor(4 * 0.2));
    assert.deepEqual(
      await slotsOf(runtime, 'cc-general-intake', '2026-12-05'),
      [],
      'no slots on a Saturday',
    );
    assert.deepEqual(
      await slotsOf(runtime, 'cc-general-intake', '2026-12-08'),
      [],
      'nothing beyond the horizon',
    );
    assert.deepEqual(
      await slotsOf(runtime, 'cc-general-guide', '2026-12-01'),
      [],
      'no slots for a service that is not bookable',
    );
  });

  it('when a year has no holiday schedule, then no slot opens in it', async function () {
    this.timeout(30_000);
    const late = await createTestRuntime({
      clock: createFixedClock('2026-12-28T09:00:00+08:00'),
      database: BOOKING_DATABASE,
      env: { BOOKING_HORIZON_DAYS: '7' },
    });
    await late.booking.capacity.releaseSlots();
    assert.equal((await slotsOf(late, 'ss-card-reissue', '2026-12-31')).length > 0, true);
    assert.deepEqual(await slotsOf(late, 'ss-card-reissue', '2027-01-04'), []);
    await late.close();
  });

  it('when a share is kept for the phone, then other channels see and get less until it opens, and agents get it', async () => {
    const slot = (await slotsOf(runtime, 'vo-vio-handle', '2026-12-03'))[0]!;
    assert.deepEqual([slot.capacity, slot.phoneReserved], [9, 1]);
    for (let i = 0; i < 8; i += 1) await bookPerson(runtime, slot.id, i % 2 ? web : wechat);
    await assert.rejects(bookPerson(runtime, slot.id, web), { code: 'slot_full' });
    const byPhone = await bookPerson(runtime, slot.id, agent);
    assert.equal(byPhone.channel, 'phone');
    const after = (await runtime.booking.capacity.findSlot(slot.id))!;
    assert.deepEqual([after.booked, after.phoneBooked], [9, 1]);
  });

  it('when the slot is less than BOOKING_PHONE_SHARE_HOURS away, then its phone share opens to every channel', async () => {
    const slot = (await slotsOf(runtime, 'vo-vio-handle', '2026-12-03'))[1]!;
    for (let i = 0; i < 8; i += 1) await bookPerson(runtime, slot.id, web);
    await assert.rejects(bookPerson(runtime, slot.id, web), { code: 'slot_full' });
    const clock = runtime.clock as ReturnType<typeof createFixedClock>;
    clock.set('2026-12-02T09:30:00+08:00'); // 23.5 hours before 09:00 on 3 December
    try {
      const last = await bookPerson(runtime, slot.id, wechat);
      assert.equal(last.channel, 'wechat');
      await assert.rejects(bookPerson(runtime, slot.id, agent), { code: 'slot_full' });
    } finally {
      clock.set('2026-11-30T09:00:00+08:00');
    }
  });

  it('when staff lower capacity, then bookings that no longer fit are flagged, never dropped, and fit again when it is restored', async () => {
    const slot = (await slotsOf(runtime, 'vo-lic-renew', '2026-12-02'))[0]!;
    assert.equal(slot.capacity, 6);
    const made = [];
    for (let i = 0; i < 4; i += 1) made.push(await bookPerson(runtime, slot.id));
    const { limit, result } = await runtime.booking.capacity.limitCapacity({
      hallId: 'vehicle-office',
      serviceId: 'vo-lic-renew',
      from: '2026-12-02',
      to: '2026-12-02',
      percent: 50,
      reason: '限流',
      createdBy: 'supervisor',
    });
    assert.equal(result.flagged, 1);
    const lowered = (await runtime.booking.capacity.findSlot(slot.id))!;
    assert.deepEqual([lowered.capacity, lowered.booked, lowered.overflow], [3, 4, 1]);
    const flagged = await runtime.booking.service.listFlagged('vehicle-office');
    assert.deepEqual(
      flagged.map((b) => [b.id, b.flag]),
      [[made[3]!.id, 'capacity_lowered']],
    );
    assert.equal(flagged[0]!.status, 'confirmed');
    await assert.rejects(bookPerson(runtime, slot.id), { code: 'slot_full' });
    // An earlier booking leaves: the flagged one fits again.
    await runtime.booking.service.cancel(made[0]!.id, web);
    assert.deepEqual(await runtime.booking.service.listFlagged('vehicle-office'), []);
    assert.equal((await runtime.booking.capacity.findSlot(slot.id))!.overflow, 0);
    await runtime.booking.capacity.removeLimit(limit.id);
    assert.equal((await runtime.booking.capacity.findSlot(slot.id))!.capacity, 6);
    assert.deepEqual(await runtime.booking.capacity.inconsistentSlots([slot.id]), []);
  });

  it('when the hall is closed in the calendar and reconciled, then its slots close and every booking is flagged hall_closed', async () => {
    const slot = (await slotsOf(runtime, 'hf-wd-purchase', '2026-12-04'))[0]!;
    const booking = await bookPerson(runtime, slot.id);
    const hold = await runtime.booking.service.createHold(
      (await slotsOf(runtime, 'hf-wd-purchase', '2026-12-04'))[1]!.id,
      agent,
    );
    await runtime.calendar.addClosure({
      hallId: 'housing-fund',
      startsOn: '2026-12-04',
      endsOn: '2026-12-04',
      reason: '消杀',
      createdBy: 'test',
    });
    const result = await runtime.booking.capacity.reconcileCapacity(
      'housing-fund',
      '2026-12-04',
      '2026-12-04',
    );
    assert.equal(result.flagged, 1);
    assert.equal(result.holdsReleased, 1);
    const closed = (await runtime.booking.capacity.findSlot(slot.id))!;
    assert.deepEqual([closed.closed, closed.capacity, closed.booked], [true, 0, 1]);
    const flagged = await runtime.booking.service.listFlagged('housing-fund');
    assert.deepEqual(
      flagged.map((b) => [b.id, b.flag]),
      [[booking.id, 'hall_closed']],
    );
    assert.equal((await runtime.booking.service.findHold(hold.id))!.status, 'released');
    await assert.rejects(bookPerson(runtime, slot.id), { status: 422 });
  });

  it('when holds, confirmations, expiries, cancels and reschedules race, then every slot counter equals its bookings and holds', async function () {
    this.timeout(60_000);
    const slots = (await slotsOf(runtime, 'ss-gen-record', '2026-12-02')).slice(0, 4);
    const ids = slots.map((s) => s.id);
    const pick = () => ids[Math.floor(random() * ids.length)]!;
    const settle = async (work: Promise<unknown>) =>
      work.catch((error: { status?: number }) => {
        if (!error.status || error.status >= 500) throw error;
      });
    const made: string[] = [];
    const holds: string[] = [];
    const ops = Array.from({ length: 240 }, (_, i) => async () => {
      switch (i % 6) {
        case 0:
        case 1:
          return settle(
            bookPerson(runtime, pick(), i % 2 ? web : agent).then((b) => made.push(b.id)),
          );
        case 2:
          return settle(
            runtime.booking.service.createHold(pick(), agent).then((h) => holds.push(h.id)),
          );
        case 3: {
          const hold = holds.shift();
          if (!hold) return;
          return settle(
            random() < 0.5
              ? runtime.booking.service
                  .createBooking(
                    {
                      holdId: hold,
                      name: '周九',
                      phone: `+86${buildMobile()}`,
                      identity: { idNumber: buildIdNumber() },
                    },
                    agent,
                    `race-${hold}`,
                  )
                  .then((o) => made.push(o.booking.id))
              : runtime.booking.service.releaseHold(hold, agent),
          );
        }
        case 4: {
          const id = made[Math.floor(random() * made.length)];
          return id ? settle(runtime.booking.service.cancel(id, web)) : undefined;
        }
        default: {
          const id = made[Math.floor(random() * made.length)];
          return id ? settle(runtime.booking.service.reschedule(id, pick(), wechat)) : undefined;
        }
      }
    });
    await Promise.all(
      ops.map((op, i) => new Promise((resolve) => setTimeout(resolve, i % 20)).then(op)),
    );
    (runtime.clock as ReturnType<typeof createFixedClock>).advance(10 * 60_000);
    try {
      await runtime.booking.service.sweepExpiredHolds();
    } finally {
      (runtime.clock as ReturnType<typeof createFixedClock>).advance(-10 * 60_000);
    }
    assert.deepEqual(await runtime.booking.capacity.inconsistentSlots(ids), []);
    for (const id of ids) {
      const slot = (await runtime.booking.capacity.findSlot(id))!;
      assert.ok(slot.booked + slot.held <= slot.capacity, `slot ${id} is not overbooked`);
      assert.equal(slot.held, 0, 'every hold has ended');
    }
    assert.ok(made.length > 0);
  });
});
