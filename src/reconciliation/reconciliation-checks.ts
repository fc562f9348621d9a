import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../platform/db.js';
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

const UUID = `'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'`;
/** The call `c` (left-joined) is no training call: a trainee's outcomes and holds are not the calendar's business. */
const realCall = sql`not coalesce(c.training, false)`;

/** The differences that are listed for staff (never changed silently), each class by one statement. */
function checks(s: RunScope): Array<{ name: string; statement: SQL }> {
  const inRange = (column: SQL) => sql`${column} between ${day(s.from)} and ${day(s.to)}`;
  const localDay = (column: SQL) => sql`(${column} at time zone 'Asia/Shanghai')::date`;
  return [
    {
      // An agent's outcome says "booking", but no booking has that id or code.
      name: 'outcome_without_booking',
      statement: sql`
        ${itemColumns}
        select ${s.runId}, 'outcome_without_booking', 'outcome_without_booking:' || o.call_sid || ':' || o.agent_id, 'open', null, null, null, o.call_sid, 'phone', null,
          c.hall_id, o.service_id, ${localDay(sql`o.recorded_at`)}, null, ${maskedPhone(sql`c.from_number`)},
          jsonb_build_object('agentId', o.agent_id, 'bookingRef', coalesce(o.details->>'bookingCode', o.details->>'bookingId'))
        from call_outcomes o left join calls c on c.call_sid = o.call_sid
        where o.kind = 'booking' and ${inRange(localDay(sql`o.recorded_at`))} and ${realCall}
          and not exists (
            select 1 from bookings b
            where b.id = case when o.details->>'bookingId' ~ ${sql.raw(UUID)} then (o.details->>'bookingId')::uuid end
               or b.code = o.details->>'bookingId' or b.code = o.details->>'bookingCode')
        on conflict do nothing`,
    },
    {
      // The ledger says a booking was made on a call, the calendar does not have it.
      name: 'ledger_booking_missing',
      statement: sql`
        ${itemColumns}
        select ${s.runId}, 'ledger_booking_missing', 'ledger_booking_missing:' || l.booking_id, 'open', l.booking_id, l.slot_id, l.hold_id, l.call_sid, l.channel, null,
          null, null, l.day, null, ${maskedPhone(sql`c.from_number`)}, jsonb_build_object('ledgerId', l.id, 'agentId', l.agent_id)
        from phone_ledger l left join calls c on c.call_sid = l.call_sid left join booking_slots sl on sl.id = l.slot_id
        where l.action = 'book' and l.result = 'ok' and ${inRange(sql`coalesce(sl.day, l.day)`)} and l.booking_id is not null and ${realCall}
          and not exists (select 1 from bookings b where b.id = l.booking_id)
        on conflict do nothing`,
    },
    {
      // A phone or IVR booking in the calendar that the ledger never recorded (in flight when just made).
      name: 'phone_booking_unlogged',
      statement: sql`
        ${itemColumns}
        select ${s.runId}, case when b.recent then 'in_flight' else 'phone_booking_unlogged' end,
          case when b.recent then 'in_flight:booking:' else 'phone_booking_unlogged:' end || b.id,
          case when b.recent then 'in_flight' else 'open' end,
          b.id, b.slot_id, null, case when b.channel = 'ivr' then b.made_by end, b.channel, null, b.hall_id, b.service_id, b.day, b.id_masked, ${maskedPhone(sql`b.phone`)},
          jsonb_build_object('code', b.code, 'madeBy', b.made_by)
        from (
          select b.*, exists (select 1 from booking_events e where e.booking_id = b.id and e.event = 'created' and e.at > ${at(s.settledBefore)}) as recent
          from bookings b
          where b.channel in ${PHONE} and ${inRange(sql`b.day`)}
            and not exists (select 1 from phone_ledger l where l.booking_id = b.id and l.action = 'book' and l.result = 'ok')
        ) b
        on conflict do nothing`,
    },
    {
      // A hold taken on a call that ended without a booking on that call: an agent can call the citizen back.
      name: 'hold_abandoned',
      statement: sql`
        ${itemColumns}
        select ${s.runId}, case when x.in_flight then 'in_flight' else 'hold_abandoned' end,
          case when x.in_flight then 'in_flight:hold:' else 'hold_abandoned:' end || x.hold_id,
          case when x.in_flight then 'in_flight' else 'open' end,
          null, x.slot_id, x.hold_id, x.call_sid, x.channel, null, x.hall_id, x.service_id, x.day, x.id_masked, ${maskedPhone(sql`x.from_number`)},
          jsonb_build_object('holdStatus', x.status, 'agentId', x.agent_id, 'callEnded', x.ended_at is not null)
        from (
          select distinct on (h.id) h.id as hold_id, h.slot_id, h.status, h.id_masked, l.call_sid, l.channel, l.agent_id, sl.hall_id, sl.service_id, sl.day, c.from_number, c.ended_at,
            (h.status = 'active' and h.expires_at > ${at(s.now)} and c.ended_at is null) as in_flight
          from phone_ledger l
          join booking_holds h on h.id = l.hold_id
          join booking_slots sl on sl.id = h.slot_id
          left join calls c on c.call_sid = l.call_sid
          where l.action = 'hold' and l.result = 'ok' and l.call_sid is not null and ${inRange(sql`sl.day`)} and h.status <> 'confirmed' and ${realCall}
            and not exists (select 1 from phone_ledger k where k.call_sid = l.call_sid and k.action = 'book' and k.result = 'ok' and k.id > l.id)
          order by h.id, l.id
        ) x
        on conflict do nothing`,
    },
    {
      // The same person, service and day through two channels (the calendar's, or a feed's not in it).
      name: 'cross_channel_duplicate',
      statement: sql`
        with loose as (
          select * from recon_rows where booking_id is null and status = 'booked'
        ), people as (
          -- The calendar holds one active booking per person, service and day: a second channel can only come from a feed.
          select l.id_hash, l.service_id, l.day, l.channel, null::uuid as booking_id, l.id as row_id, l.id_masked, l.phone, l.hall_id, null::bigint as slot_id
          from loose l
          union all
          select b.id_hash, b.service_id, b.day, b.channel, b.id, null, b.id_masked, b.phone, b.hall_id, b.slot_id
          from bookings b join (select distinct id_hash, service_id, day from loose) k using (id_hash, service_id, day)
          where b.status in ${ACTIVE}
        ), duplicated as (
          select id_hash, service_id, day, jsonb_agg(distinct channel) as channels from people group by id_hash, service_id, day having count(distinct channel) > 1
        )
        ${itemColumns}
        select distinct on (p.id_hash, p.service_id, p.day) ${s.runId}, 'cross_channel_duplicate', 'cross_channel_duplicate:' || p.id_hash || ':' || p.service_id || ':' || p.day,
          'open', p.booking_id, p.slot_id, null, null, p.channel, p.row_id, p.hall_id, p.service_id, p.day, nullif(p.id_masked, ''), ${maskedPhone(sql`p.phone`)},
          jsonb_build_object('channels', d.channels)
        from people p join duplicated d using (id_hash, service_id, day)
        order by p.id_hash, p.service_id, p.day, p.booking_id nulls last
        on conflict do nothing`,
    },
    {
      // In a feed, not in the calendar, and not importable (no such slot, closed, past, full, or the person suspended for no-shows).
      name: 'feed_only',
      statement: sql`
        ${itemColumns}
        select ${s.runId}, 'feed_only', 'feed_only:' || rr.channel || ':' || rr.external_id, 'open', null, sl.id, null, null, rr.channel, rr.id,
          rr.hall_id, rr.service_id, rr.day, nullif(rr.id_masked, ''), ${maskedPhone(sql`rr.phone`)},
          jsonb_build_object('line', rr.line, 'feedStatus', rr.status, 'reason',
            case when rr.refusal = 'booking_suspended' then 'suspended' when sl.id is null then 'no_slot' when sl.closed then 'closed' when sl.starts_at <= ${at(s.now)} then 'past' else 'full' end)
            || case when rr.refusal = 'booking_suspended' then jsonb_build_object('suspendedUntil', rr.refusal_details->'until') else '{}'::jsonb end
        from recon_rows rr
        left join booking_slots sl on sl.service_id = rr.service_id and sl.starts_at = rr.starts_at and sl.hall_id = rr.hall_id
        where rr.booking_id is null and rr.status <> 'cancelled'
          and not exists (select 1 from reconciliation_items i where i.run_id = ${s.runId} and i.class = 'cross_channel_duplicate'
                          and i.key = 'cross_channel_duplicate:' || rr.id_hash || ':' || rr.service_id || ':' || rr.day)
        on conflict do nothing`,
    },
    {
      // In the calendar as that channel's, on a day its latest feed covers, not in the feed (in flight when made after the feed).
      name: 'calendar_only',
      statement: sql`
        ${itemColumns}
        select ${s.runId}, case when x.late then 'in_flight' else 'calendar_only' end, case when x.late then 'in_flight:calendar:' else 'calendar_only:' end || x.id,
          case when x.late then 'in_flight' else 'open' end,
          x.id, x.slot_id, null, null, x.channel, null, x.hall_id, x.service_id, x.day, x.id_masked, ${maskedPhone(sql`x.phone`)},
          jsonb_build_object('code', x.code, 'status', x.status, 'feedId', x.feed_id)
        from (
          select b.*, c.feed_id, exists (select 1 from booking_events e where e.booking_id = b.id and e.event <> 'read' and e.at > c.received_at) as late
          from bookings b join recon_cover c on c.channel = b.channel and c.day = b.day
          where b.status in ${PLACE}
            and not exists (select 1 from recon_rows rr where rr.booking_id = b.id)
        ) x
        on conflict do nothing`,
    },
    {
      // In both, but the status or the details (time, hall, service, person) differ; in flight when the calendar changed after the feed.
      name: 'feed_differs',
      statement: sql`
        ${itemColumns}
        select ${s.runId}, case when x.late then 'in_flight' else x.class end,
          case when x.late then 'in_flight:' || x.class || ':' else x.class || ':' end || x.channel || ':' || x.external_id,
          case when x.late then 'in_flight' else 'open' end,
          x.booking_id, x.slot_id, null, null, x.channel, x.row_id, x.hall_id, x.service_id, x.day, x.id_masked, ${maskedPhone(sql`x.phone`)},
          jsonb_build_object('code', x.code, 'calendar', x.calendar, 'feed', x.feed, 'line', x.line)
        from (
          select rr.id as row_id, rr.channel, rr.external_id, rr.line, b.id as booking_id, b.slot_id, b.hall_id, b.service_id, b.day, b.id_masked, b.phone, b.code,
            exists (select 1 from booking_events e where e.booking_id = b.id and e.event <> 'read' and e.at > rr.feed_received_at) as late,
            case when rr.status <> case b.status when 'confirmed' then 'booked' when 'checked_in' then 'attended' else b.status end then 'status_differs' else 'details_differ' end as class,
            jsonb_build_object('status', b.status, 'startsAt', b.starts_at, 'hallId', b.hall_id, 'serviceId', b.service_id, 'samePerson', b.id_hash = rr.id_hash) as calendar,
            jsonb_build_object('status', rr.status, 'startsAt', rr.starts_at, 'hallId', rr.hall_id, 'serviceId', rr.service_id) as feed
          from recon_rows rr join bookings b on b.id = rr.booking_id
          where rr.status <> case b.status when 'confirmed' then 'booked' when 'checked_in' then 'attended' else b.status end
             or rr.starts_at <> b.starts_at or rr.hall_id <> b.hall_id or rr.service_id <> b.service_id or rr.id_hash <> b.id_hash
        ) x
        on conflict do nothing`,
    },
    {
      // More bookings than places (a capacity cut, a closure, an import): listed, never undone.
      name: 'over_capacity',
      statement: sql`
        ${itemColumns}
        select ${s.runId}, 'over_capacity', 'over_capacity:' || sl.id, 'open', null, sl.id, null, null, null, null, sl.hall_id, sl.service_id, sl.day, null, null,
          jsonb_build_object('capacity', sl.capacity, 'booked', sl.booked, 'closed', sl.closed, 'startsAt', sl.starts_at)
        from booking_slots sl
        where ${inRange(sql`sl.day`)} and sl.booked > sl.capacity
        on conflict do nothing`,
    },
  ];
}

/** Lists every difference the fixes leave; a difference already marked resolved by staff is stored as resolved. */
export async function listDifferences(tx: Executor, s: RunScope): Promise<void> {
  for (const check of checks(s)) await tx.execute(check.statement);
  await tx.execute(sql`
    update reconciliation_items i set status = 'resolved'
    from reconciliation_resolutions r
    where i.run_id = ${s.runId} and i.key = r.key and i.status = 'open'`);
}
