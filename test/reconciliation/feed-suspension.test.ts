import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { protectIdNumber } from '../../src/booking/index.js';
import type { Actor } from '../../src/booking/index.js';
import type { createFixedClock } from '../../src/platform/clock.js';
import { queryRows } from '../../src/platform/db.js';
import type { Runtime } from '../../src/runtime.js';
import {
  api,
  buildBookingBody,
  buildIdNumber,
  buildMobile,
  firstSlot,
  startBookingRuntime,
} from '../booking/booking-support.js';
import { buildCsvFeed, postFeed } from './reconciliation-support.js';

const local = (at: Date) =>
  DateTime.fromJSDate(at, { zone: 'Asia/Shanghai' }).toISO({ suppressMilliseconds: true })!;

describe('a feed cannot book a person the calendar refuses (issue 26, finding 2)', () => {
  let runtime: Runtime;
  let url: string;
  let clock: ReturnType<typeof createFixedClock>;
  let web: string;
  let supervisor: string;

  before(async function () {
    this.timeout(60_000);
    ({ runtime, url, clock } = await startBookingRuntime(
      {},
      '2026-12-01T07:00:00+08:00',
      'feed-suspension',
    ));
    web = (await runtime.booking.apiKeys.create('web', '政务服务网')).key;
    await runtime.staff.createUser({
      username: 'suspension_supervisor',
      role: 'supervisor',
      skills: [],
      password: 'correct horse battery',
    });
    supervisor = (
      await runtime.staff.login('suspension_supervisor', 'correct horse battery', '127.0.0.1')
    ).token;
  });

  after(() => runtime.close());

  /** A person with four no-shows on 2026-12-01 (one booking per service that morning), the clock then at noon. */
  async function suspendedPerson(): Promise<string> {
    const idNumber = buildIdNumber();
    const phone = `+86${buildMobile()}`;
    const actor: Actor = {
      channel: 'web',
      id: 'suspension-test',
      label: 'channel:suspension-test',
    };
    for (const [i, serviceId] of [
      'ms-enrol-resident',
      'ms-enrol-transfer',
      'ms-claim-reimburse',
      'ms-claim-chronic',
    ].entries()) {
      const slot = await firstSlot(runtime, serviceId, '2026-12-01');
      await runtime.booking.service.createBooking(
        { slotId: slot.id, name: '吴十', phone, identity: { idNumber } },
        actor,
        `no-show-${idNumber}-${i}`,
      );
    }
    clock.set('2026-12-01T12:00:00+08:00');
    assert.ok((await runtime.booking.service.markNoShows()) >= 4);
    return idNumber;
  }

  it('when a suspended person is in a web feed, then reconciliation does not book them and lists the row open with the reason; another person in the same feed is imported', async function () {
    this.timeout(30_000);
    const idNumber = await suspendedPerson();
    const slot = await firstSlot(runtime, 'cc-police-move', '2026-12-03');

    const direct = await api(url, 'POST', '/api/bookings', {
      key: web,
      idempotencyKey: 'suspended-direct',
      body: buildBookingBody({ slotId: slot.id, idNumber }),
    });
    assert.equal(direct.status, 409, 'the booking API refuses the person');
    assert.equal(direct.body.error.code, 'booking_suspended');

    const other = buildIdNumber();
    const row = {
      hall: 'citizen-centre',
      service: 'cc-police-move',
      slot_start: local(slot.startsAt),
      phone: buildMobile(),
      status: 'booked',
    };
    const feed = await postFeed(
      url,
      web,
      buildCsvFeed([
        { ...row, booking_id: 'W-SUSPENDED', id_number: idNumber },
        { ...row, booking_id: 'W-OTHER', id_number: other },
      ]),
      'csv',
      '?from=2026-12-03&to=2026-12-03',
    );
    assert.equal(feed.status, 201, JSON.stringify(feed.body));

    const run = await api(url, 'POST', '/api/reconciliations', {
      session: supervisor,
      body: { from: '2026-12-03', to: '2026-12-03' },
    });
    assert.equal(run.status, 201, JSON.stringify(run.body));

    const hashOf = (id: string) => protectIdNumber(id, runtime.config.booking.idHashKey).idHash;
    const booked = async (id: string) =>
      (
        await queryRows<{ n: number }>(
          runtime.database.db,
          sql`select count(*)::int as n from bookings where id_hash = ${hashOf(id)} and day = '2026-12-03'`,
        )
      )[0]!.n;
    assert.equal(await booked(idNumber), 0, 'the suspended person is not booked by the feed');
    assert.equal(await booked(other), 1, 'the other person of the feed is imported');

    const detail = await api(url, 'GET', `/api/reconciliations/${run.body.id}`, {
      session: supervisor,
    });
    const feedOnly = (detail.body.items.feed_only ?? []) as Array<{
      status: string;
      details: Record<string, unknown>;
    }>;
    const refused = feedOnly.filter((item) => item.status === 'open');
    assert.equal(refused.length, 1, JSON.stringify(feedOnly));
    assert.equal(refused[0]!.details.reason, 'suspended');
    assert.match(String(refused[0]!.details.suspendedUntil), /^2026-12-31T/);
    assert.ok(
      feedOnly.some((item) => item.status === 'fixed' && item.details.imported === true),
      'the other row is listed as imported',
    );

    const csv = await fetch(`${url}/api/reconciliations/${run.body.id}/open.csv`, {
      headers: { cookie: `sid=${supervisor}` },
    });
    assert.match(await csv.text(), /名单第2行，爽约暂停预约期间，未导入/);

    const again = await api(url, 'POST', '/api/reconciliations', {
      session: supervisor,
      body: { from: '2026-12-03', to: '2026-12-03' },
    });
    assert.equal(again.status, 201);
    assert.equal(await booked(idNumber), 0, 'a second run does not book them either');
  });
});
