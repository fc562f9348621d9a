import { sql } from 'drizzle-orm';
import type { Executor } from '../platform/db.js';
import { queryRows } from '../platform/db.js';
import { ACTIVE, at, day, itemColumns, maskedPhone, PHONE, PLACE, type RunScope } from './reconciliation-sql.js';

/** How many times the import is repeated when a drawn booking code was taken (each pass is one statement). */
const IMPORT_PASSES = 5;

/**
 * Safe fix 1: holds past their expiry are ended and their places given back, in one statement
 * (the delayed expiry job and the sweeper normally do it; this catches what they missed).
 */
export async function releaseStaleHolds(tx: Executor, s: RunScope): Promise<void> {
  await tx.execute(sql`
    with stale as (
      update booking_holds h set status = 'expired', ended_at = ${at(s.now)}
      from booking_slots sl
      where h.slot_id = sl.id and h.status = 'active' and h.expires_at <= ${at(s.now)} and sl.day between ${day(s.from)} and ${day(s.to)}
      returning h.id, h.slot_id, h.channel, h.holder, sl.hall_id, sl.service_id, sl.day
    ), cut_short as (
      insert into phone_ledger (call_sid, agent_id, channel, action, result, error_code, hold_id, slot_id, details, day, at)
      select case when channel = 'ivr' then holder end, case when channel = 'phone' then holder end, channel, 'hold', 'cut_short', 'hold_expired', id, slot_id,
        jsonb_build_object('releasedBy', 'reconciliation'), (${at(s.now)} at time zone 'Asia/Shanghai')::date, ${at(s.now)}
      from stale where channel in ${PHONE}
      returning id
    ), given_back as (
      update booking_slots sl set held = greatest(sl.held - x.n, 0), phone_held = greatest(sl.phone_held - x.p, 0)
      from (select slot_id, count(*)::int as n, (count(*) filter (where channel in ${PHONE}))::int as p from stale group by slot_id) x
      where sl.id = x.slot_id
      returning sl.id
    )
    ${itemColumns}
    select ${s.runId}, 'stale_hold', 'stale_hold:' || st.id, 'fixed', null, st.slot_id, st.id, case when st.channel = 'ivr' then st.holder end, st.channel, null,
      st.hall_id, st.service_id, st.day, null, null, jsonb_build_object('released', true)
    from stale st
    on conflict do nothing`);
}

/** Safe fix 2: slot counters recomputed from the bookings and active holds, where they differ. */
export async function recomputeCounters(tx: Executor, s: RunScope): Promise<void> {
  await tx.execute(sql`
    with counted as (
      select sl.id, sl.booked, sl.phone_booked, sl.held, sl.phone_held, sl.hall_id, sl.service_id, sl.day,
        coalesce(b.n, 0) as nb, coalesce(b.p, 0) as np, coalesce(h.n, 0) as nh, coalesce(h.p, 0) as nph
      from booking_slots sl
      left join (
        select slot_id, count(*)::int as n, (count(*) filter (where channel in ${PHONE}))::int as p
        from bookings where day between ${day(s.from)} and ${day(s.to)} and status in ${PLACE} group by slot_id
      ) b on b.slot_id = sl.id
      left join (
        select slot_id, count(*)::int as n, (count(*) filter (where channel in ${PHONE}))::int as p
        from booking_holds where status = 'active' group by slot_id
      ) h on h.slot_id = sl.id
      where sl.day between ${day(s.from)} and ${day(s.to)}
    ), wrong as (
      select * from counted where booked <> nb or phone_booked <> np or held <> nh or phone_held <> nph
    ), fixed as (
      update booking_slots sl set booked = w.nb, phone_booked = w.np, held = w.nh, phone_held = w.nph, overflow = greatest(w.nb + w.nh - sl.capacity, 0)
      from wrong w where sl.id = w.id
      returning sl.id
    )
    ${itemColumns}
    select ${s.runId}, 'counters_differ', 'counters_differ:' || w.id, 'fixed', null, w.id, null, null, null, null, w.hall_id, w.service_id, w.day, null, null,
      jsonb_build_object('before', jsonb_build_object('booked', w.booked, 'phoneBooked', w.phone_booked, 'held', w.held, 'phoneHeld', w.phone_held),
                         'after', jsonb_build_object('booked', w.nb, 'phoneBooked', w.np, 'held', w.nh, 'phoneHeld', w.nph))
    from wrong w
    on conflict do nothing`);
}

/**
 * The feed rows a run compares: for each channel and day of the range, the rows of the latest
 * feed covering that day (`recon_cover`, `recon_rows`), each matched to at most one calendar
 * booking of that channel: by an earlier import's reference, by our booking code, or by the
 * person, service and day.
 */
export async function stageFeedRows(tx: Executor, s: RunScope): Promise<void> {
  await tx.execute(sql`
    create temp table recon_cover on commit drop as
    select c.channel, d.day::date as day, f.id as feed_id, f.received_at
    from (values ('web'), ('wechat'), ('walk_in')) as c(channel)
    cross join generate_series(${day(s.from)}, ${day(s.to)}, interval '1 day') as d(day)
    cross join lateral (
      select id, received_at from channel_feeds f
      where f.channel = c.channel and f.from_day <= d.day::date and f.to_day >= d.day::date
      order by f.received_at desc, f.id desc limit 1
    ) f`);
  await tx.execute(sql`
    create temp table recon_rows on commit drop as
    select r.id, r.feed_id, r.line, r.external_id, r.hall_id, r.service_id, r.starts_at, r.day, r.id_hash, r.id_masked, r.phone, r.status,
      c.channel, c.received_at as feed_received_at, null::uuid as booking_id, false as imported
    from recon_cover c join channel_feed_rows r on r.feed_id = c.feed_id and r.day = c.day`);
  await tx.execute(sql`create index on recon_rows (id)`);
  // A temporary table has no statistics until analysed: without them the joins below are planned blind.
  await tx.execute(sql`analyze recon_rows`);
  await tx.execute(sql`analyze recon_cover`);
  await matchFeedRows(tx);
  await tx.execute(sql`create index on recon_rows (booking_id)`);
  await tx.execute(sql`analyze recon_rows`);
}

async function matchFeedRows(tx: Executor): Promise<void> {
  // In order of certainty, each pass only over the rows still unmatched: an earlier import's reference, our code, the person.
  await tx.execute(sql`
    update recon_rows rr set booking_id = ref.booking_id
    from channel_booking_refs ref
    where rr.booking_id is null and ref.channel = rr.channel and ref.external_id = rr.external_id`);
  await tx.execute(sql`
    update recon_rows rr set booking_id = b.id
    from bookings b
    where rr.booking_id is null and b.code = rr.external_id and b.channel = rr.channel`);
  await tx.execute(sql`
    update recon_rows rr set booking_id = m.booking_id
    from (
      select distinct on (rr.id) rr.id as row_id, b.id as booking_id
      from recon_rows rr
      join bookings b on b.id_hash = rr.id_hash and b.service_id = rr.service_id and b.day = rr.day and b.channel = rr.channel
      where rr.booking_id is null
      order by rr.id, b.status in ${ACTIVE} desc, b.id
    ) m
    where rr.id = m.row_id`);
}

/**
 * Safe fix 3: feed bookings missing from the calendar are imported as that channel's bookings
 * where the slot exists, is open, lies ahead, and has a free place (the phone share still
 * reserved is not taken), one per person, service and day, and the person has no other
 * active booking for that service that day. Counters, audit events and the channel's
 * reference move in the same statement.
 */
export async function importFeedBookings(tx: Executor, s: RunScope): Promise<void> {
  for (let pass = 0; pass < IMPORT_PASSES; pass += 1) {
    const [done] = await queryRows<{ imported: number }>(
      tx,
      sql`
      with person_first as (
        select distinct on (id_hash, service_id, day) id from recon_rows
        where booking_id is null and status = 'booked'
        order by id_hash, service_id, day, feed_received_at, channel, line
      ), candidates as (
        select rr.*, sl.id as slot_id, sl.ends_at,
          row_number() over (partition by sl.id order by rr.feed_received_at, rr.channel, rr.line) as rank,
          sl.capacity - sl.booked - sl.held - greatest(sl.phone_reserved - sl.phone_booked - sl.phone_held, 0) as free
        from recon_rows rr
        join person_first pf on pf.id = rr.id
        join booking_slots sl on sl.service_id = rr.service_id and sl.starts_at = rr.starts_at and sl.hall_id = rr.hall_id
        where not sl.closed and sl.starts_at > ${at(s.now)}
          and not exists (select 1 from bookings b where b.id_hash = rr.id_hash and b.service_id = rr.service_id and b.day = rr.day and b.status in ${ACTIVE})
      ), picked as (
        select c.*, gen_random_uuid() as new_id, (10000000 + floor(random() * 90000000))::int::text as code from candidates c where c.rank <= c.free
      ), inserted as (
        insert into bookings (id, code, slot_id, hall_id, service_id, day, starts_at, ends_at, channel, made_by, name, phone, id_hash, id_masked, status, created_at)
        select new_id, code, slot_id, hall_id, service_id, day, starts_at, ends_at, channel, 'feed:' || feed_id, '', phone, id_hash, id_masked, 'confirmed', ${at(s.now)}
        from picked
        on conflict do nothing
        returning id, slot_id
      ), counted as (
        update booking_slots sl set booked = sl.booked + x.n
        from (select slot_id, count(*)::int as n from inserted group by slot_id) x where sl.id = x.slot_id
        returning sl.id
      ), referenced as (
        insert into channel_booking_refs (channel, external_id, booking_id, created_at)
        select p.channel, p.external_id, p.new_id, ${at(s.now)} from picked p join inserted i on i.id = p.new_id
        on conflict do nothing
        returning booking_id
      ), audited as (
        insert into booking_events (booking_id, event, actor, at, details)
        select p.new_id, 'created', 'system', ${at(s.now)}, jsonb_build_object('channel', p.channel, 'slotId', p.slot_id, 'feedId', p.feed_id, 'externalId', p.external_id, 'reconciliationRun', ${s.runId}::bigint)
        from picked p join inserted i on i.id = p.new_id
        returning booking_id
      ), items as (
        ${itemColumns}
        select ${s.runId}, 'feed_only', 'feed_only:' || p.channel || ':' || p.external_id, 'fixed', p.new_id, p.slot_id, null, null, p.channel, p.id,
          p.hall_id, p.service_id, p.day, nullif(p.id_masked, ''), ${maskedPhone(sql`p.phone`)}, jsonb_build_object('imported', true, 'line', p.line)
        from picked p join inserted i on i.id = p.new_id
        on conflict do nothing
        returning id
      )
      select (select count(*) from inserted)::int as imported, (select count(*) from counted) + (select count(*) from referenced) + (select count(*) from audited) + (select count(*) from items) as touched`,
    );
    if (!done || done.imported === 0) break;
    await matchFeedRows(tx);
  }
}
