import { sql } from 'drizzle-orm';
import type { Actor, BookingRequest } from '../booking/index.js';
import type { Executor } from '../platform/db.js';
import { queryRows } from '../platform/db.js';
import {
  ACTIVE,
  at,
  day,
  itemColumns,
  maskedPhone,
  PHONE,
  PLACE,
  type RunScope,
} from './reconciliation-sql.js';

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
      c.channel, c.received_at as feed_received_at, null::uuid as booking_id, false as imported, null::text as refusal, null::jsonb as refusal_details
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

/** What a run asks of the booking component: a booking by its rules, inside the run's transaction. */
export type BookWithin = (
  tx: Executor,
  request: BookingRequest,
  actor: Actor,
) => Promise<{ booking: { id: string } } | { refusal: { code: string; details?: unknown } }>;

type ImportCandidate = {
  id: number;
  feed_id: string;
  line: number;
  external_id: string;
  channel: 'web' | 'wechat' | 'walk_in';
  phone: string;
  id_hash: string;
  id_masked: string;
  slot_id: number;
};

/**
 * Safe fix 3: feed bookings missing from the calendar are booked as that channel's bookings
 * through the booking component, by the same rules as every other booking (a slot open and
 * ahead, a place left with the phone share kept, the person not suspended for no-shows, one
 * active booking per person, service and day), the first row per person, service and day,
 * in the order the feeds were received. A row the rules refuse stays a difference: a
 * suspended person's is listed open with its reason (see `feed_only`), never booked.
 */
export async function importFeedBookings(
  tx: Executor,
  s: RunScope,
  bookWithin: BookWithin,
): Promise<void> {
  const candidates = await queryRows<ImportCandidate>(
    tx,
    sql`
    with person_first as (
      select distinct on (id_hash, service_id, day) id from recon_rows
      where booking_id is null and status = 'booked'
      order by id_hash, service_id, day, feed_received_at, channel, line
    )
    select rr.id, rr.feed_id, rr.line, rr.external_id, rr.channel, rr.phone, rr.id_hash, rr.id_masked, sl.id as slot_id
    from recon_rows rr
    join person_first pf on pf.id = rr.id
    join booking_slots sl on sl.service_id = rr.service_id and sl.starts_at = rr.starts_at and sl.hall_id = rr.hall_id
    order by rr.feed_received_at, rr.channel, rr.line`,
  );
  const outcomes: Array<{
    id: number;
    booking_id: string | null;
    refusal: string | null;
    details: unknown;
  }> = [];
  for (const row of candidates) {
    const actor = { channel: row.channel, id: `feed:${row.feed_id}`, label: 'system' };
    const request = {
      slotId: Number(row.slot_id),
      name: '',
      phone: row.phone,
      identity: { idHash: row.id_hash, idMasked: row.id_masked },
      source: { feedId: row.feed_id, externalId: row.external_id, reconciliationRun: s.runId },
    };
    const result = await bookWithin(tx, request, actor);
    if ('booking' in result)
      outcomes.push({ id: row.id, booking_id: result.booking.id, refusal: null, details: null });
    else
      outcomes.push({
        id: row.id,
        booking_id: null,
        refusal: result.refusal.code,
        details: result.refusal.details ?? {},
      });
  }
  if (outcomes.length === 0) return;
  await tx.execute(sql`
    update recon_rows rr set booking_id = x.booking_id, imported = x.booking_id is not null, refusal = x.refusal, refusal_details = x.details
    from jsonb_to_recordset(${JSON.stringify(outcomes)}::jsonb) as x(id bigint, booking_id uuid, refusal text, details jsonb)
    where rr.id = x.id`);
  const imported = outcomes.filter((o) => o.booking_id !== null).length;
  if (imported === 0) return;
  await tx.execute(sql`
    with referenced as (
      insert into channel_booking_refs (channel, external_id, booking_id, created_at)
      select channel, external_id, booking_id, ${at(s.now)} from recon_rows where imported
      on conflict do nothing
      returning booking_id
    )
    ${itemColumns}
    select ${s.runId}, 'feed_only', 'feed_only:' || rr.channel || ':' || rr.external_id, 'fixed', rr.booking_id, b.slot_id, null, null, rr.channel, rr.id,
      rr.hall_id, rr.service_id, rr.day, nullif(rr.id_masked, ''), ${maskedPhone(sql`rr.phone`)}, jsonb_build_object('imported', true, 'line', rr.line)
    from recon_rows rr join bookings b on b.id = rr.booking_id
    where rr.imported
    on conflict do nothing`);
  // The same person's other rows of that service and day match the new booking as any other would.
  await matchFeedRows(tx);
}
