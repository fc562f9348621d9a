import assert from 'node:assert/strict';
import type { Actor } from '../../src/booking/index.js';
import type { createFixedClock } from '../../src/platform/clock.js';
import type { Runtime } from '../../src/runtime.js';
import { buildIdNumber, buildMobile, startBookingRuntime } from './booking-support.js';

const web: Actor = { channel: 'web', id: 'web-key', label: 'channel:web-key' };
const desk: Actor = { channel: 'walk_in', id: 'desk-key', label: 'channel:desk-key' };

describe('no-shows', () => {
  let runtime: Runtime;
  let clock: ReturnType<typeof createFixedClock>;

  before(async function () {
    this.timeout(60_000);
    ({ runtime, clock } = await startBookingRuntime({}, '2026-12-01T07:00:00+08:00'));
  });

  after(() => runtime.close());

  it('when a booked citizen does not come, then after the grace period it is a no-show; the third in 30 days suspends phone and online booking for 30 days, with a notice', async function () {
    this.timeout(30_000);
    const idNumber = buildIdNumber();
    const phone = `+86${buildMobile()}`;
    const slots = await runtime.booking.capacity.listSlots({
      hallId: 'medical-security',
      serviceId: 'ms-enrol-resident',
      fromDay: '2026-12-01',
      toDay: '2026-12-01',
    });
    const made: Array<{ id: string }> = [];
    for (const [i, slot] of slots.slice(0, 3).entries()) {
      // One booking per day is allowed per service; use three services of the hall on the same day.
      const serviceSlot =
        i === 0
          ? slot
          : (
              await runtime.booking.capacity.listSlots({
                hallId: 'medical-security',
                serviceId: ['ms-enrol-transfer', 'ms-claim-reimburse'][i - 1]!,
                fromDay: '2026-12-01',
                toDay: '2026-12-01',
              })
            )[0]!;
      made.push(
        (
          await runtime.booking.service.createBooking(
            { slotId: serviceSlot.id, name: '吴十', phone, identity: { idNumber } },
            web,
            `noshow-${i}`,
          )
        ).booking,
      );
    }
    clock.set('2026-12-01T09:50:00+08:00'); // 08:30-09:30 slots ended 20 minutes ago: still within the grace period
    await runtime.booking.service.markNoShows();
    for (const booking of made)
      assert.equal((await runtime.booking.service.findBooking(booking.id))!.status, 'confirmed');
    clock.set('2026-12-01T12:00:00+08:00');
    assert.ok((await runtime.booking.service.markNoShows()) >= 3);
    for (const booking of made)
      assert.equal((await runtime.booking.service.findBooking(booking.id))!.status, 'no_show');
    const jobs = await runtime.queues
      .get('booking-sms')
      .getJobs(['waiting', 'delayed', 'prioritized']);
    const kinds = jobs
      .filter((j) => made.some((b) => b.id === j.data.bookingId))
      .map((j) => j.data.kind)
      .sort();
    assert.deepEqual(
      kinds.filter((k) => k !== 'confirmation' && k !== 'reminder'),
      ['suspended', 'suspended', 'suspended'],
    );

    const next = (
      await runtime.booking.capacity.listSlots({
        hallId: 'medical-security',
        serviceId: 'ms-enrol-resident',
        fromDay: '2026-12-02',
        toDay: '2026-12-02',
      })
    )[0]!;
    await assert.rejects(
      runtime.booking.service.createBooking(
        { slotId: next.id, name: '吴十', phone, identity: { idNumber } },
        web,
        'noshow-after',
      ),
      { code: 'booking_suspended' },
    );
    const atDesk = await runtime.booking.service.createBooking(
      { slotId: next.id, name: '吴十', phone, identity: { idNumber } },
      desk,
      'noshow-desk',
    );
    assert.equal(atDesk.status, 201, 'the walk-in desk still books');
    clock.set('2026-12-31T12:00:00+08:00');
    await runtime.booking.capacity.releaseSlots();
    const afterBlock = (
      await runtime.booking.capacity.listSlots({
        hallId: 'medical-security',
        serviceId: 'ms-enrol-resident',
        fromDay: '2026-12-31',
        toDay: '2026-12-31',
      })
    ).at(-1)!;
    const again = await runtime.booking.service.createBooking(
      { slotId: afterBlock.id, name: '吴十', phone, identity: { idNumber } },
      web,
      'noshow-31-days',
    );
    assert.equal(again.status, 201, 'booking opens again after 30 days');
  });

  it('when a citizen misses a first booking, then a warning SMS is queued', async () => {
    clock.set('2026-12-01T07:00:00+08:00');
    const slot = (
      await runtime.booking.capacity.listSlots({
        hallId: 'medical-security',
        serviceId: 'ms-claim-chronic',
        fromDay: '2026-12-01',
        toDay: '2026-12-01',
      })
    )[0]!;
    const made = (
      await runtime.booking.service.createBooking(
        {
          slotId: slot.id,
          name: '郑一',
          phone: `+86${buildMobile()}`,
          identity: { idNumber: buildIdNumber() },
        },
        web,
        'warn-1',
      )
    ).booking;
    clock.set('2026-12-01T12:00:00+08:00');
    await runtime.booking.service.markNoShows();
    const job = await runtime.queues
      .get('booking-sms')
      .getJob(`booking-sms-no_show_warning-${made.id}-${made.slotId}`);
    assert.deepEqual(job?.data, {
      bookingId: made.id,
      kind: 'no_show_warning',
      slotId: made.slotId,
    });
  });
});
