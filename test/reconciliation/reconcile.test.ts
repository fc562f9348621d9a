import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/platform/db.js';
import type { createFixedClock } from '../../src/platform/clock.js';
import { createReconciliationJobs } from '../../src/reconciliation/index.js';
import type { Runtime } from '../../src/runtime.js';
import {
  api,
  buildBookingBody,
  buildIdNumber,
  buildMobile,
  firstSlot,
  startBookingRuntime,
} from '../booking/booking-support.js';
import { buildCsvFeed, buildIvrCaller, keyFor, postFeed } from './reconciliation-support.js';

const RECONCILIATION_DATABASE = 'reconciliation';
const local = (at: Date) =>
  DateTime.fromJSDate(at, { zone: 'Asia/Shanghai' }).toISO({ suppressMilliseconds: true })!;

describe("reconciliation of the calendar, the phone ledger and the channels' feeds", () => {
  let runtime: Runtime;
  let url: string;
  let clock: ReturnType<typeof createFixedClock>;
  let web: string;
  let wechat: string;
  let supervisor: string;
  let agent: string;

  before(async function () {
    this.timeout(60_000);
    ({ runtime, url, clock } = await startBookingRuntime({}, undefined, RECONCILIATION_DATABASE));
    web = (await runtime.booking.apiKeys.create('web', '政务服务网')).key;
    wechat = (await runtime.booking.apiKeys.create('wechat', '双营通')).key;
    await runtime.staff.createUser({
      username: 'recon_supervisor',
      role: 'supervisor',
      skills: [],
      password: 'correct horse battery',
    });
    await runtime.staff.createUser({
      username: 'recon_agent',
      role: 'agent',
      skills: [],
      password: 'correct horse battery',
    });
    supervisor = (
      await runtime.staff.login('recon_supervisor', 'correct horse battery', '127.0.0.1')
    ).token;
    agent = (await runtime.staff.login('recon_agent', 'correct horse battery', '127.0.0.1')).token;
  });

  after(() => runtime.close());

  const db = () => runtime.database.db;
  const snapshot = async () => ({
    bookings: await queryRows(
      db(),
      sql`select id, slot_id, status, channel from bookings order by id`,
    ),
    slots: await queryRows(
      db(),
      sql`select id, capacity, booked, phone_booked, held, phone_held, overflow from booking_slots order by id`,
    ),
    holds: await queryRows(db(), sql`select id, status from booking_holds order by id`),
  });

  it('when a feed has a bad row in the middle, then it is refused whole with the line numbers and nothing is stored', async () => {
    const slot = await firstSlot(runtime, 'cc-police-move', '2026-12-03');
    const good = {
      hall: 'citizen-centre',
      service: 'cc-police-move',
      slot_start: local(slot.startsAt),
      id_number: buildIdNumber(),
      phone: buildMobile(),
      status: 'booked',
    };
    const csv = buildCsvFeed([
      { ...good, booking_id: 'W-1' },
      {
        ...good,
        booking_id: 'W-2',
        id_number: '230502196001010000',
        phone: '12345',
        status: 'maybe',
      },
      { ...good, booking_id: 'W-3', id_number: buildIdNumber() },
    ]);
    const refused = await postFeed(url, web, csv, 'csv', '?from=2026-12-01&to=2026-12-04');
    assert.equal(refused.status, 422);
    assert.equal(refused.body.error.code, 'feed_invalid');
    assert.deepEqual(
      [...new Set(refused.body.error.details.problems.map((p: { line: number }) => p.line))],
      [3],
    );
    assert.deepEqual(
      refused.body.error.details.problems.map((p: { field: string }) => p.field).sort(),
      ['id_number', 'phone', 'status'],
    );
    const [stored] = await queryRows<{ n: number }>(
      db(),
      sql`select count(*)::int as n from channel_feeds`,
    );
    assert.equal(stored!.n, 0);
  });

  it('when every class is planted through the interfaces, then each is classified once, the safe ones are fixed, nothing else changes, and a second run is a no-op', async function () {
    this.timeout(60_000);
    const phoneActor = { channel: 'phone' as const, id: 'agent-1', label: 'staff:agent-1' };
    let made = 0;
    const webBook = async (slotId: number, key = web) => {
      made += 1;
      const answer = await api(url, 'POST', '/api/bookings', {
        key,
        body: buildBookingBody({ slotId }),
        idempotencyKey: `made-${made}`,
      });
      assert.equal(answer.status, 201, JSON.stringify(answer.body));
      return answer.body;
    };

    // A slot made full from the phone, then a web feed books it too.
    const full = await firstSlot(runtime, 'ee-pass-hkmo', '2026-12-02');
    for (let i = 0; i < full.capacity; i += 1) {
      await runtime.booking.service.createBooking(
        {
          slotId: full.id,
          name: '李四',
          phone: `+86${buildMobile()}`,
          identity: { idNumber: buildIdNumber() },
        },
        phoneActor,
        `phone-${i}`,
      );
    }
    // A caller who hangs up after the hold.
    const caller = buildIvrCaller(url, `+86${buildMobile()}`);
    await caller.begin('/twilio/voice/booking/start?menu=citizen-centre&node=book-general');
    const days = await caller.press('1');
    const held = await caller.press(keyFor(days, '12月2日星期三上午'));
    assert.match(held, /已为您保留/);
    await caller.hangUp(clock.now());
    // A capacity cut below the booked count (WeChat bookings: WeChat sends no feed here).
    const cut = await firstSlot(runtime, 'vo-lic-renew', '2026-12-03');
    for (let i = 0; i < 3; i += 1) await webBook(cut.id, wechat);
    await runtime.booking.capacity.limitCapacity({
      hallId: 'vehicle-office',
      serviceId: 'vo-lic-renew',
      from: '2026-12-03',
      to: '2026-12-03',
      percent: 25,
      reason: '限流',
      createdBy: 'test',
    });
    // The same citizen on WeChat (through the API) and in the web feed.
    const twice = buildIdNumber();
    const sameService = await firstSlot(runtime, 'cc-police-idcard', '2026-12-02');
    const onWechat = await api(url, 'POST', '/api/bookings', {
      key: wechat,
      body: buildBookingBody({ slotId: sameService.id, idNumber: twice }),
      idempotencyKey: 'wx-1',
    });
    assert.equal(onWechat.status, 201);
    // Web bookings: one the feed forgets, one it reports cancelled, one at another time.
    const idcardSlots = await runtime.booking.capacity.listSlots({
      hallId: 'citizen-centre',
      serviceId: 'cc-police-idcard',
      fromDay: '2026-12-03',
      toDay: '2026-12-03',
    });
    const forgotten = await webBook(idcardSlots[0]!.id);
    const cancelledThere = await webBook(idcardSlots[1]!.id);
    const elsewhere = await webBook(idcardSlots[2]!.id);
    // A stale hold (its expiry job never ran) and a counter gone wrong.
    const stale = await api(url, 'POST', '/api/holds', {
      key: web,
      body: { slotId: idcardSlots[3]!.id },
    });
    assert.equal(stale.status, 201);
    const drift = idcardSlots[4]!;
    await db().execute(sql`update booking_slots set booked = booked + 1 where id = ${drift.id}`);

    const free = await firstSlot(runtime, 'cc-police-move', '2026-12-03');
    const importedPerson = buildIdNumber();
    const feed = buildCsvFeed([
      {
        booking_id: 'W-NEW',
        hall: 'citizen-centre',
        service: 'cc-police-move',
        slot_start: local(free.startsAt),
        id_number: importedPerson,
        phone: buildMobile(),
        status: 'booked',
      },
      {
        booking_id: 'W-FULL',
        hall: 'entry-exit',
        service: 'ee-pass-hkmo',
        slot_start: local(full.startsAt),
        id_number: buildIdNumber(),
        phone: buildMobile(),
        status: 'booked',
      },
      {
        booking_id: 'W-TWICE',
        hall: 'citizen-centre',
        service: 'cc-police-idcard',
        slot_start: local(idcardSlots[5]!.startsAt).replace('2026-12-03', '2026-12-02'),
        id_number: twice,
        phone: buildMobile(),
        status: 'booked',
      },
      {
        booking_id: cancelledThere.code,
        hall: 'citizen-centre',
        service: 'cc-police-idcard',
        slot_start: local(idcardSlots[1]!.startsAt),
        id_number: '',
        id_hash: '',
        phone: buildMobile(),
        status: 'cancelled',
      },
      {
        booking_id: elsewhere.code,
        hall: 'citizen-centre',
        service: 'cc-police-idcard',
        slot_start: local(idcardSlots[6]!.startsAt),
        id_number: '',
        phone: buildMobile(),
        status: 'booked',
      },
    ]);
    // The person's ID number is not known to the test for the code-matched rows: give a hash that is not ours.
    const hashed = feed.replace(/,,(\+?\d+),(cancelled|booked)\n/g, `,${'a'.repeat(64)},$1,$2\n`);
    const received = await postFeed(url, web, hashed, 'csv', '?from=2026-12-01&to=2026-12-04');
    assert.equal(received.status, 201, JSON.stringify(received.body));
    const again = await postFeed(url, web, hashed, 'csv', '?from=2026-12-01&to=2026-12-04');
    assert.deepEqual(
      [again.status, again.body.id, again.body.duplicate],
      [200, received.body.id, true],
    );
    // Booked after the feed was made: too recent to judge.
    clock.advance(60_000);
    const late = await webBook(idcardSlots[7]!.id);
    // Holds expire: the caller's and the web one.
    clock.advance(20 * 60_000);

    const before = await snapshot();
    const first = await api(url, 'POST', '/api/reconciliations', {
      session: supervisor,
      body: { from: '2026-12-01', to: '2026-12-04' },
    });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const detail = (
      await api(url, 'GET', `/api/reconciliations/${first.body.id}`, { session: agent })
    ).body;
    const keys = (cls: string) =>
      (detail.items[cls] ?? []).map((i: { key: string; status: string }) => `${i.status} ${i.key}`);

    assert.deepEqual(keys('feed_only').sort(), [
      'fixed feed_only:web:W-NEW',
      'open feed_only:web:W-FULL',
    ]);
    assert.equal(
      detail.items.feed_only.find((i: { key: string }) => i.key.endsWith('W-FULL')).details.reason,
      'full',
    );
    assert.deepEqual(keys('hold_abandoned'), [
      `open hold_abandoned:${detail.items.hold_abandoned[0].holdId}`,
    ]);
    assert.equal(detail.items.hold_abandoned[0].callSid, caller.callSid);
    assert.match(detail.items.hold_abandoned[0].phoneMasked, /^\+86\*+\d{4}$/);
    assert.deepEqual(keys('over_capacity'), [`open over_capacity:${cut.id}`]);
    assert.equal(keys('cross_channel_duplicate').length, 1);
    assert.deepEqual(detail.items.cross_channel_duplicate[0].details.channels.sort(), [
      'web',
      'wechat',
    ]);
    assert.deepEqual(keys('calendar_only'), [`open calendar_only:${forgotten.id}`]);
    assert.deepEqual(keys('status_differs'), [`open status_differs:web:${cancelledThere.code}`]);
    assert.deepEqual(keys('details_differ'), [`open details_differ:web:${elsewhere.code}`]);
    assert.deepEqual(keys('in_flight'), [`in_flight in_flight:calendar:${late.id}`]);
    assert.equal(keys('stale_hold').length, 2);
    assert.ok(keys('stale_hold').every((k: string) => k.startsWith('fixed ')));
    assert.deepEqual(keys('counters_differ'), [`fixed counters_differ:${drift.id}`]);
    assert.equal(keys('phone_booking_unlogged').length, 0, 'the phone bookings are in the ledger');

    // What changed is exactly the fixes: the import, the stale holds, the drifted counter.
    const after = await snapshot();
    const imported = after.bookings.filter((b) => !before.bookings.some((o) => o.id === b.id));
    assert.deepEqual(
      imported.map((b) => [Number(b.slot_id), b.channel, b.status]),
      [[free.id, 'web', 'confirmed']],
    );
    const changedSlots = after.slots
      .filter((s) => JSON.stringify(s) !== JSON.stringify(before.slots.find((o) => o.id === s.id)))
      .map((s) => Number(s.id))
      .sort((a, b) => a - b);
    const heldSlots = detail.items.stale_hold.map((i: { slotId: number }) => Number(i.slotId));
    assert.deepEqual(
      changedSlots,
      [...new Set([free.id, drift.id, ...heldSlots])].sort((a, b) => a - b),
    );
    assert.equal(after.holds.filter((h) => h.status === 'active').length, 0);

    // The second run finds nothing new: no change, the same open items.
    const second = await api(url, 'POST', '/api/reconciliations', {
      session: supervisor,
      body: { from: '2026-12-01', to: '2026-12-04' },
    });
    assert.equal(second.body.fixed, 0);
    assert.deepEqual(await snapshot(), after);
    const secondDetail = (
      await api(url, 'GET', `/api/reconciliations/${second.body.id}?status=open`, {
        session: agent,
      })
    ).body;
    const openKeys = (d: typeof detail) =>
      Object.values(d.items)
        .flat()
        .filter((i) => (i as { status: string }).status === 'open')
        .map((i) => (i as { key: string }).key)
        .sort();
    assert.deepEqual(openKeys(secondDetail), openKeys(detail));

    // Staff: the CSV of open items, the full numbers (supervisors, audited), a resolution carried to the next run.
    const csv = await fetch(`${url}/api/reconciliations/${second.body.id}/open.csv`, {
      headers: { cookie: `sid=${agent}`, 'x-requested-with': 'XMLHttpRequest' },
    });
    const bytes = Buffer.from(await csv.arrayBuffer());
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a BOM for Excel');
    const text = bytes.subarray(3).toString('utf8');
    assert.ok(text.startsWith('对账批次,类别,状态'), text.slice(0, 40));
    assert.ok(text.includes('保留号源后未确认（可回电）') && text.includes('号源已满'), text);
    assert.ok(!/\+86\d{11}/.test(text), 'numbers are masked');
    assert.equal(
      (await api(url, 'GET', `/api/reconciliations/${second.body.id}?full=1`, { session: agent }))
        .status,
      403,
    );
    const withNumbers = (
      await api(url, 'GET', `/api/reconciliations/${second.body.id}?full=1&class=hold_abandoned`, {
        session: supervisor,
      })
    ).body;
    assert.match(withNumbers.items.hold_abandoned[0].phone, /^\+86\d{11}$/);
    const [audited] = await queryRows<{ n: number }>(
      db(),
      sql`select count(*)::int as n from audit_log where action = 'reconciliation.full_numbers'`,
    );
    assert.equal(audited!.n, 1);
    const item = secondDetail.items.over_capacity[0];
    const resolved = await api(
      url,
      'POST',
      `/api/reconciliations/${second.body.id}/items/${item.id}/resolve`,
      { session: supervisor, body: { note: '已电话通知改约' } },
    );
    assert.equal(resolved.status, 200, JSON.stringify(resolved.body));
    assert.equal(resolved.body.resolution.note, '已电话通知改约');
    const third = await api(url, 'POST', '/api/reconciliations', {
      session: supervisor,
      body: { from: '2026-12-01', to: '2026-12-04' },
    });
    const thirdDetail = (
      await api(url, 'GET', `/api/reconciliations/${third.body.id}?class=over_capacity`, {
        session: agent,
      })
    ).body;
    assert.equal(thirdDetail.items.over_capacity[0].status, 'resolved');

    // The phone ledger: the caller's search and hold, and the hold cut short when the run released it; per call and per day.
    const ledger = await api(url, 'GET', `/api/phone-ledger/calls/${caller.callSid}`, {
      session: agent,
    });
    assert.deepEqual(
      ledger.body.map((e: { action: string; result: string }) => `${e.action} ${e.result}`),
      ['search ok', 'hold ok', 'hold cut_short'],
    );
    const day = await api(url, 'GET', '/api/phone-ledger?day=2026-11-30', { session: supervisor });
    assert.ok(
      day.body.entries.filter((e: { action: string }) => e.action === 'book').length >=
        full.capacity,
    );
  });
  it('when the phone side disagrees (an outcome without its booking, a ledger booking the calendar lacks, a phone booking the ledger lacks), then each is listed once', async () => {
    const slot = await firstSlot(runtime, 'cc-fund-withdraw', '2026-12-04');
    const outcome = await runtime.booking.service.createBooking(
      {
        slotId: slot.id,
        name: '王五',
        phone: `+86${buildMobile()}`,
        identity: { idNumber: buildIdNumber() },
      },
      { channel: 'phone', id: 'agent-2', label: 'staff:agent-2' },
      'phone-unlogged',
    );
    // Corruptions no interface can make: planted in the tables themselves.
    await db().execute(sql`delete from phone_ledger where booking_id = ${outcome.booking.id}`);
    const ghost = '00000000-0000-4000-8000-000000000001';
    await db().execute(
      sql`insert into phone_ledger (call_sid, agent_id, channel, action, result, booking_id, slot_id, day, at) values ('CA00000000000000000000000000000001', 'agent-2', 'phone', 'book', 'ok', ${ghost}, ${slot.id}, '2026-11-30', now())`,
    );
    await db().execute(
      sql`insert into call_outcomes (call_sid, agent_id, kind, details, recorded_at) values ('CA00000000000000000000000000000002', 'agent-2', 'booking', ${JSON.stringify({ bookingId: '99999999' })}::jsonb, '2026-12-04T02:00:00Z')`,
    );
    const recent = await api(url, 'POST', '/api/reconciliations', {
      session: supervisor,
      body: { from: '2026-12-01', to: '2026-12-04' },
    });
    const inFlight = (
      await api(url, 'GET', `/api/reconciliations/${recent.body.id}?class=in_flight`, {
        session: agent,
      })
    ).body;
    assert.ok(
      inFlight.items.in_flight.some(
        (i: { key: string }) => i.key === `in_flight:booking:${outcome.booking.id}`,
      ),
      'a booking of a minute ago is in flight',
    );
    clock.advance(6 * 60_000);
    const run = await api(url, 'POST', '/api/reconciliations', {
      session: supervisor,
      body: { from: '2026-12-01', to: '2026-12-04' },
    });
    const detail = (
      await api(
        url,
        'GET',
        `/api/reconciliations/${run.body.id}?class=outcome_without_booking,ledger_booking_missing,phone_booking_unlogged`,
        { session: agent },
      )
    ).body;
    assert.deepEqual(
      Object.fromEntries(
        Object.entries(detail.items).map(([k, v]) => [
          k,
          (v as Array<{ key: string }>).map((i) => i.key),
        ]),
      ),
      {
        outcome_without_booking: [
          'outcome_without_booking:CA00000000000000000000000000000002:agent-2',
        ],
        ledger_booking_missing: [`ledger_booking_missing:${ghost}`],
        phone_booking_unlogged: [`phone_booking_unlogged:${outcome.booking.id}`],
      },
    );
  });

  it('when the example feeds are sent, then they are accepted; the page is served; the daily export counts the latest run', async () => {
    const csv = await postFeed(
      url,
      wechat,
      readFileSync('examples/channel-feed-web.csv', 'utf8'),
      'csv',
      '?from=2026-12-01&to=2026-12-02',
    );
    assert.equal(csv.status, 201, JSON.stringify(csv.body));
    const json = await postFeed(
      url,
      wechat,
      readFileSync('examples/channel-feed-wechat.json', 'utf8'),
      'json',
    );
    assert.equal(json.status, 201, JSON.stringify(json.body));
    const [stored] = await queryRows<{ n: number }>(
      db(),
      sql`select count(*)::int as n from channel_feed_rows where feed_id in (${csv.body.id}, ${json.body.id}) and id_hash ~ '^[0-9a-f]{64}$' and id_masked not like '%0101001%'`,
    );
    assert.equal(stored!.n, 3 + 2, 'ID numbers kept only as our HMAC (and a masked form)');
    const page = await fetch(`${url}/panel/reconciliation.html`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /预约对账/);
    const today = await api(url, 'POST', '/api/reconciliations', {
      session: supervisor,
      body: { from: '2026-11-30', to: '2026-11-30' },
    });
    assert.equal(today.status, 201);
    const { xlsx } = await runtime.reports.exportDay('2026-11-30');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('对账');
    assert.ok(sheet, 'a 对账 sheet');
    assert.equal(sheet.getRow(1).getCell(1).text, `对账(第${today.body.id}次)`);
  });
  it('when an agent searches and holds during a call, then the ledger puts the actions on the call the agent is talking on', async () => {
    const callSid = 'CA00000000000000000000000000000003';
    // The call as the agents component leaves it once the agent answered (routing is not what is tested here).
    await db().execute(
      sql`insert into calls (call_sid, arrived_at, answered_at, agent_id, status, status_rank) values (${callSid}, now(), now(), 'recon_agent', 'in-progress', 5)`,
    );
    const slot = await firstSlot(runtime, 'cc-police-move', '2026-12-04');
    await api(
      url,
      'GET',
      '/api/slots?hall=citizen-centre&service=cc-police-move&from=2026-12-04&to=2026-12-04',
      { session: agent },
    );
    const hold = await api(url, 'POST', '/api/holds', {
      session: agent,
      body: { slotId: slot.id },
    });
    assert.equal(hold.status, 201);
    const full = await api(url, 'POST', '/api/holds', {
      session: agent,
      body: { slotId: 999_999_999 },
    });
    assert.ok(full.status >= 400);
    const ledger = await api(url, 'GET', `/api/phone-ledger/calls/${callSid}`, { session: agent });
    assert.deepEqual(
      ledger.body.map(
        (e: { action: string; result: string; agentId: string }) =>
          `${e.action} ${e.result} ${e.agentId}`,
      ),
      ['search ok recon_agent', 'hold ok recon_agent', 'hold refused recon_agent'],
    );
  });

  it('when the nightly job runs, then it reconciles yesterday to the last released day', async () => {
    const nightly = createReconciliationJobs({
      reconciliation: runtime.reconciliation.service,
      horizonDays: 7,
    }).find((job) => job.name === 'reconciliation-nightly')!;
    const run = (await nightly.process({} as never, undefined as never)) as {
      from: string;
      to: string;
      trigger: string;
    };
    assert.deepEqual([run.from, run.to, run.trigger], ['2026-11-29', '2026-12-07', 'nightly']);
  });
});
