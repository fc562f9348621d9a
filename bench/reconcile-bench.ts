import { performance } from 'node:perf_hooks';
import { createFixedClock } from '../src/platform/clock.js';
import { loadConfig } from '../src/platform/config.js';
import { queryRows, sql, type Database } from '../src/platform/db.js';
import { createLogger } from '../src/platform/logger.js';
import { createRuntime, type Runtime } from '../src/runtime.js';
import { bestOf, createBenchEnv, round } from './bench-env.js';

const NOW = '2026-11-30T09:00:00+08:00';
const FROM = '2026-11-30';
const TO = '2026-12-29';
const BOOKINGS = 100_000;
/** Differences planted per class. */
const PLANTED = 40;
const CHANNELS = `(array['phone', 'ivr', 'web', 'wechat', 'walk_in'])`;

/**
 * The calendar, ledger and feeds for the benchmark, set-based in a few statements: `BOOKINGS`
 * bookings over the released slots (their places tripled, each slot kept one place short of full), their events, the
 * phone ledger of the phone ones, a feed from the website and one from WeChat listing exactly
 * their bookings; then `PLANTED` differences of every class.
 */
async function fixture(db: Database): Promise<void> {
  const x = (statement: ReturnType<typeof sql>) => db.execute(statement);
  await x(sql`select setseed(0.42)`);
  // Three times the catalogue's places, so that 100,000 bookings fit in a month of slots.
  await x(
    sql`update booking_slots set base_capacity = base_capacity * 3, capacity = capacity * 3, phone_reserved = phone_reserved * 3 where day between ${FROM}::date and ${TO}::date`,
  );
  await x(sql`
    with places as (
      select s.*, g.n from booking_slots s cross join lateral generate_series(1, greatest(s.capacity - 1, 0)) as g(n)
      where s.day between ${FROM}::date and ${TO}::date
    ), numbered as (
      select p.*, row_number() over (order by p.day, p.id, p.n) as i from places p
    )
    insert into bookings (code, slot_id, hall_id, service_id, day, starts_at, ends_at, channel, made_by, name, phone, id_hash, id_masked, status, created_at)
    select (10000000 + i)::text, id, hall_id, service_id, day, starts_at, ends_at, ${sql.raw(CHANNELS)}[1 + (i % 5)],
      case when i % 5 = 1 then 'CA' || md5('call' || i) else 'bench' end, '', '+861390' || lpad((i % 10000000)::text, 7, '0'),
      encode(sha256(('person' || i)::bytea), 'hex'), '2305**********' || lpad((i % 10000)::text, 4, '0'), 'confirmed', ${NOW}::timestamptz - interval '1 day'
    from numbered where i <= ${BOOKINGS}`);
  await x(sql`
    update booking_slots s set booked = c.n, phone_booked = c.p
    from (select slot_id, count(*)::int as n, (count(*) filter (where channel in ('phone', 'ivr')))::int as p from bookings group by slot_id) c
    where s.id = c.slot_id`);
  await x(
    sql`insert into booking_events (booking_id, event, actor, at, details) select id, 'created', 'system', created_at, '{}'::jsonb from bookings`,
  );
  await x(sql`
    insert into phone_ledger (call_sid, agent_id, channel, action, result, booking_id, slot_id, day, at)
    select case when channel = 'ivr' then made_by end, case when channel = 'phone' then 'bench_agent' end, channel, 'book', 'ok', id, slot_id, ${FROM}::date, created_at
    from bookings where channel in ('phone', 'ivr')`);
  for (const channel of ['web', 'wechat']) {
    await x(sql`
      with feed as (
        insert into channel_feeds (channel, key_id, format, from_day, to_day, checksum, row_count, received_at)
        values (${channel}, 'bench', 'csv', ${FROM}::date, ${TO}::date, md5(${channel}), 0, ${NOW}::timestamptz - interval '1 hour') returning id
      )
      insert into channel_feed_rows (feed_id, line, external_id, hall_id, service_id, starts_at, day, id_hash, id_masked, phone, status)
      select feed.id, 1 + row_number() over (order by b.code), b.code, b.hall_id, b.service_id, b.starts_at, b.day, b.id_hash, b.id_masked, b.phone, 'booked'
      from bookings b cross join feed where b.channel = ${channel}`);
  }
  // The planted differences, PLANTED of each class.
  const web = sql`(select id from channel_feeds where channel = 'web')`;
  await x(
    sql`delete from channel_feed_rows where id in (select id from channel_feed_rows where feed_id = ${web} order by id limit ${PLANTED})`,
  );
  await x(
    sql`update channel_feed_rows set status = 'cancelled' where id in (select id from channel_feed_rows where feed_id = ${web} order by id offset 100 limit ${PLANTED})`,
  );
  await x(
    sql`update channel_feed_rows set starts_at = starts_at + interval '30 minutes' where id in (select id from channel_feed_rows where feed_id = ${web} order by id offset 200 limit ${PLANTED})`,
  );
  await x(sql`
    insert into channel_feed_rows (feed_id, line, external_id, hall_id, service_id, starts_at, day, id_hash, id_masked, phone, status)
    select ${web}, 100000 + row_number() over (), 'W-NEW-' || s.id, s.hall_id, s.service_id, s.starts_at, s.day, encode(sha256(('newcomer' || s.id)::bytea), 'hex'), '', '+8613800000000', 'booked'
    from (select * from booking_slots where day between ${FROM}::date + 2 and ${TO}::date and booked < capacity order by id desc limit ${PLANTED}) s`);
  await x(sql`
    insert into channel_feed_rows (feed_id, line, external_id, hall_id, service_id, starts_at, day, id_hash, id_masked, phone, status)
    select ${web}, 200000 + row_number() over (), 'W-TWICE-' || b.code, b.hall_id, b.service_id, b.starts_at, b.day, b.id_hash, b.id_masked, b.phone, 'booked'
    from (select * from bookings where channel = 'wechat' order by code limit ${PLANTED}) b`);
  await x(sql`
    with full_slots as (select id from booking_slots where booked > 1 and day > ${FROM}::date order by id limit ${PLANTED}),
    cut as (update booking_slots s set capacity = s.booked from full_slots f where s.id = f.id returning s.*)
    insert into channel_feed_rows (feed_id, line, external_id, hall_id, service_id, starts_at, day, id_hash, id_masked, phone, status)
    select ${web}, 300000 + row_number() over (), 'W-FULL-' || c.id, c.hall_id, c.service_id, c.starts_at, c.day, encode(sha256(('latecomer' || c.id)::bytea), 'hex'), '', '+8613700000000', 'booked' from cut c`);
  await x(sql`
    update booking_slots s set capacity = s.booked - 1, overflow = 1
    where s.id in (select id from booking_slots where booked > 2 and day > ${FROM}::date and capacity > booked order by id offset 1000 limit ${PLANTED})`);
  await x(sql`
    update booking_slots s set booked = s.booked + 1
    where s.id in (select id from booking_slots where day > ${FROM}::date and booked + held < capacity order by id offset 2000 limit ${PLANTED})`);
  await x(sql`
    with picked as (select * from booking_slots where day > ${FROM}::date and booked + held < capacity order by id offset 3000 limit ${PLANTED}),
    holds as (
      insert into booking_holds (slot_id, channel, holder, status, expires_at, created_at)
      select id, 'ivr', 'CA' || md5('abandoned' || id), 'active', ${NOW}::timestamptz - interval '10 minutes', ${NOW}::timestamptz - interval '20 minutes' from picked
      returning id, slot_id, holder
    ), held as (update booking_slots s set held = s.held + 1, phone_held = s.phone_held + 1 from picked p where s.id = p.id returning s.id),
    calls_made as (
      insert into calls (call_sid, from_number, arrived_at, ended_at, status, status_rank)
      select holder, '+8613600000000', ${NOW}::timestamptz - interval '21 minutes', ${NOW}::timestamptz - interval '15 minutes', 'completed', 9 from holds returning call_sid
    )
    insert into phone_ledger (call_sid, channel, action, result, hold_id, slot_id, day, at)
    select holder, 'ivr', 'hold', 'ok', id, slot_id, ${FROM}::date, ${NOW}::timestamptz - interval '20 minutes' from holds`);
  await x(
    sql`delete from phone_ledger where id in (select id from phone_ledger where action = 'book' order by id limit ${PLANTED})`,
  );
  await x(sql`
    insert into phone_ledger (call_sid, agent_id, channel, action, result, booking_id, day, at)
    select 'CA' || md5('ghost' || g), 'bench_agent', 'phone', 'book', 'ok', gen_random_uuid(), ${FROM}::date, ${NOW}::timestamptz - interval '2 hours' from generate_series(1, ${PLANTED}) g`);
  await x(sql`
    insert into call_outcomes (call_sid, agent_id, kind, details, recorded_at)
    select 'CA' || md5('outcome' || g), 'bench_agent', 'booking', jsonb_build_object('bookingId', (90000000 + g)::text), ${NOW}::timestamptz - interval '1 hour' from generate_series(1, ${PLANTED}) g`);
}

/** The plain scan of the same rows: the range's bookings, the feeds' rows and the ledger, each read once. */
const scan = (db: Database) => () =>
  queryRows(
    db,
    sql`select (select count(distinct id_hash) from bookings where day between ${FROM}::date and ${TO}::date)
             + (select count(distinct id_hash) from channel_feed_rows where day between ${FROM}::date and ${TO}::date)
             + (select count(distinct booking_id) from phone_ledger) as n`,
  );

/**
 * `npm run bench -- reconcile`: a reconciliation run over 100,000 bookings with feeds from the
 * website and WeChat and PLANTED differences of every class; the first run (which fixes the
 * safe ones) and the second (nothing new), each against a plain scan of the same rows.
 */
export async function runReconcileBench(): Promise<Record<string, unknown>> {
  const env = await createBenchEnv();
  let runtime: Runtime | undefined;
  try {
    const config = loadConfig({ ...env.env, DATABASE_POOL_MAX: '4', BOOKING_HORIZON_DAYS: '30' });
    runtime = await createRuntime(config, {
      clock: createFixedClock(NOW),
      logger: createLogger('silent'),
    });
    const { db } = runtime.database;
    let started = performance.now();
    await runtime.booking.capacity.releaseSlots();
    await fixture(db);
    await db.execute(sql`analyze`);
    const fixtureMs = round(performance.now() - started, 0);
    const [{ bookings, feedRows }] = (await queryRows(
      db,
      sql`select (select count(*)::int from bookings) as bookings, (select count(*)::int from channel_feed_rows) as "feedRows"`,
    )) as [{ bookings: number; feedRows: number }];
    const scanMs = await bestOf(scan(db), 3, false);
    started = performance.now();
    const first = await runtime.reconciliation.service.run(FROM, TO, 'bench');
    const firstMs = round(performance.now() - started, 1);
    const secondMs = await bestOf(
      () => runtime!.reconciliation.service.run(FROM, TO, 'bench'),
      3,
      false,
    );
    const second = (await runtime.reconciliation.service.listRuns(1))[0]!;
    return {
      fixture: { bookings, feedRows, plantedPerClass: PLANTED, ms: fixtureMs },
      firstRun: {
        ms: firstMs,
        scanMs,
        ratioToScan: round(firstMs / scanMs, 1),
        fixed: first.fixed,
        open: first.open,
        counts: first.counts,
      },
      secondRun: {
        ms: secondMs,
        ratioToScan: round(secondMs / scanMs, 1),
        fixed: second.fixed,
        open: second.open,
        sameOpen: second.open === first.open,
      },
    };
  } finally {
    await runtime?.close();
    await env.drop();
  }
}
