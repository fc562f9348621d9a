import { sql } from 'drizzle-orm';
import { queryRows, type Database, type Executor } from '../../src/platform/db.js';
import type { ReportFigures, Thresholds } from '../../src/reports/reports-figures.js';

/*
 * The statistics straight from the raw ledger, by the published definitions (docs/statistics.md):
 * the queries the reports ran on every request before the rollups, kept as the tests' oracle.
 * Every figure the service reads from the rollups must equal the one these give.
 */

const inPeriod = (column: string, from: Date, to: Date) =>
  sql`${sql.raw(column)} >= ${from.toISOString()}::timestamptz and ${sql.raw(column)} < ${to.toISOString()}::timestamptz`;

/** Inbound calls to a hotline (rejected calls to other numbers are not offered calls). */
const offeredCall = sql`c.direction = 'inbound' and c.hotline_number is not null and c.end_reason is distinct from 'rejected' and not c.training`;

/** When an agent's after-call work ended: the outcome recorded, or the wrap-up running out. */
const afterCallEnd = sql`coalesce(o.recorded_at, ac.wrap_up_ended_at)`;

/** Half hour of the day, 0–47, Beijing time. */
const halfHourOf = (column: string) =>
  sql`(extract(hour from ${sql.raw(column)} at time zone 'Asia/Shanghai')::int * 2 + (extract(minute from ${sql.raw(column)} at time zone 'Asia/Shanghai') >= 30)::int)`;

interface CallCountsRow {
  hotline_number: string;
  offered: number;
  answered: number;
  answered_in_target: number;
  self_served: number;
  abandoned_in_ivr: number;
  abandoned_in_queue: number;
  short_abandons: number;
  callbacks_requested: number;
  queue_seconds_answered: number;
  talk_seconds: number;
  in_progress: number;
}

async function countCalls(
  db: Executor,
  from: Date,
  to: Date,
  targetSeconds: number,
  shortAbandonSeconds: number,
): Promise<CallCountsRow[]> {
  return queryRows<CallCountsRow & Record<string, unknown>>(
    db,
    sql`select hotline_number,
          count(*)::int as offered,
          count(*) filter (where answered_at is not null)::int as answered,
          count(*) filter (where answered_at is not null and coalesce(queue_seconds, 0) <= ${targetSeconds})::int as answered_in_target,
          count(*) filter (where answered_at is null and end_reason = 'self_served')::int as self_served,
          count(*) filter (where end_reason = 'abandoned_in_ivr')::int as abandoned_in_ivr,
          count(*) filter (where end_reason = 'abandoned_in_queue' and coalesce(queue_seconds, 0) >= ${shortAbandonSeconds})::int as abandoned_in_queue,
          count(*) filter (where end_reason = 'abandoned_in_queue' and coalesce(queue_seconds, 0) < ${shortAbandonSeconds})::int as short_abandons,
          count(*) filter (where callback_requested)::int as callbacks_requested,
          coalesce(sum(queue_seconds) filter (where answered_at is not null), 0)::int as queue_seconds_answered,
          coalesce(sum(talk_seconds) filter (where answered_at is not null), 0)::int as talk_seconds,
          count(*) filter (where ended_at is null)::int as in_progress
        from calls
        where direction = 'inbound' and hotline_number is not null
          and end_reason is distinct from 'rejected' and not training
          and arrived_at >= ${from.toISOString()}::timestamptz and arrived_at < ${to.toISOString()}::timestamptz
        group by hotline_number`,
  );
}

/** Callbacks completed per hotline among requests made in [from, to). */
async function countCompletedCallbacks(
  db: Executor,
  from: Date,
  to: Date,
): Promise<Array<{ hotline_number: string; completed: number }>> {
  return queryRows(
    db,
    sql`select hotline_number, count(*)::int as completed from callback_requests
        where status = 'completed' and requested_at >= ${from.toISOString()}::timestamptz and requested_at < ${to.toISOString()}::timestamptz
        group by hotline_number`,
  );
}

/** Outcomes recorded by agents, per hotline, for calls that arrived in [from, to). */
async function countOutcomes(
  db: Executor,
  from: Date,
  to: Date,
): Promise<Array<{ hotline_number: string; consultations: number; completed_by_phone: number }>> {
  return queryRows(
    db,
    sql`select c.hotline_number,
          count(*) filter (where o.kind = 'consultation')::int as consultations,
          count(*) filter (where o.kind = 'completed_by_phone')::int as completed_by_phone
        from call_outcomes o join calls c on c.call_sid = o.call_sid
        where c.hotline_number is not null and not c.training
          and c.arrived_at >= ${from.toISOString()}::timestamptz and c.arrived_at < ${to.toISOString()}::timestamptz
        group by c.hotline_number`,
  );
}

/** Bookings (not cancelled) for the days from `fromDay` to `toDay`, per department and the channel they came through. */
async function countBookingsByChannel(
  db: Executor,
  fromDay: string,
  toDay: string,
): Promise<Array<{ department_id: string; channel: string; bookings: number }>> {
  return queryRows(
    db,
    sql`select s.department_id, b.channel, count(*)::int as bookings
        from bookings b join services s on s.id = b.service_id
        where b.day between ${fromDay}::date and ${toDay}::date and b.status <> 'cancelled'
        group by s.department_id, b.channel`,
  );
}

/** Slot capacity, places booked and no-shows of the days from `fromDay` to `toDay`, per department. */
async function countSlotUse(
  db: Executor,
  fromDay: string,
  toDay: string,
): Promise<Array<{ department_id: string; capacity: number; booked: number; no_shows: number }>> {
  return queryRows(
    db,
    sql`select s.department_id,
          coalesce(sum(bs.capacity), 0)::int as capacity,
          coalesce(sum(bs.booked), 0)::int as booked,
          (select count(*)::int from bookings b join services s2 on s2.id = b.service_id
             where s2.department_id = s.department_id and b.status = 'no_show' and b.day between ${fromDay}::date and ${toDay}::date) as no_shows
        from booking_slots bs join services s on s.id = bs.service_id
        where bs.day between ${fromDay}::date and ${toDay}::date and not bs.closed
        group by s.department_id`,
  );
}

async function countCallExtras(
  db: Executor,
  from: Date,
  to: Date,
): Promise<
  Array<{
    hotline_number: string;
    transfers: number;
    callbacks_placed: number;
    callbacks_given_up: number;
    after_call_seconds: number;
  }>
> {
  return queryRows(
    db,
    sql`with c as (
          select c.call_sid, c.hotline_number from calls c where ${offeredCall} and ${inPeriod('c.arrived_at', from, to)}
        ), t as (
          select e.call_sid, count(*)::int as n from call_events e join c on c.call_sid = e.call_sid
          where e.source = 'agent' and e.event = 'transferred' group by e.call_sid
        ), w as (
          select ac.call_sid, sum(extract(epoch from (${afterCallEnd} - ac.ended_at))) as seconds
          from agent_calls ac join c on c.call_sid = ac.call_sid
          left join call_outcomes o on o.call_sid = ac.call_sid and o.agent_id = ac.agent_id
          where ac.ended_at is not null group by ac.call_sid
        )
        select c.hotline_number,
          coalesce(sum(t.n), 0)::int as transfers,
          count(r.id) filter (where r.attempts > 0)::int as callbacks_placed,
          count(r.id) filter (where r.status = 'given_up')::int as callbacks_given_up,
          coalesce(sum(w.seconds), 0)::int as after_call_seconds
        from c
        left join t on t.call_sid = c.call_sid
        left join w on w.call_sid = c.call_sid
        left join callback_requests r on r.call_sid = c.call_sid
        group by c.hotline_number`,
  );
}

/** Per agent: legs answered in [from, to), talk and after-call seconds, outcomes by kind, transfers made. */
async function countByAgent(
  db: Executor,
  from: Date,
  to: Date,
): Promise<
  Array<{
    agent_id: string;
    agent_name: string;
    handled: number;
    talk_seconds: number;
    after_call_seconds: number;
    consultations: number;
    completed_by_phone: number;
    bookings: number;
    other: number;
    transfers: number;
  }>
> {
  return queryRows(
    db,
    sql`select ac.agent_id,
          coalesce(nullif(max(su.display_name), ''), ac.agent_id) as agent_name,
          count(*)::int as handled,
          coalesce(sum(extract(epoch from (ac.ended_at - ac.answered_at))), 0)::int as talk_seconds,
          coalesce(sum(extract(epoch from (${afterCallEnd} - ac.ended_at))), 0)::int as after_call_seconds,
          count(o.id) filter (where o.kind = 'consultation')::int as consultations,
          count(o.id) filter (where o.kind = 'completed_by_phone')::int as completed_by_phone,
          count(o.id) filter (where o.kind = 'booking')::int as bookings,
          count(o.id) filter (where o.kind = 'other')::int as other,
          coalesce(sum(t.n), 0)::int as transfers
        from agent_calls ac
        left join call_outcomes o on o.call_sid = ac.call_sid and o.agent_id = ac.agent_id
        left join (select e.call_sid, e.payload->>'agentId' as agent_id, count(*)::int as n from call_events e
                   where e.source = 'agent' and e.event = 'transferred' and ${inPeriod('e.occurred_at', from, to)}
                   group by 1, 2) t on t.call_sid = ac.call_sid and t.agent_id = ac.agent_id
        left join staff_users su on su.id = ac.agent_id
        where ${inPeriod('ac.answered_at', from, to)}
          and not exists (select 1 from calls tc where tc.call_sid = ac.call_sid and tc.training)
        group by ac.agent_id
        order by ac.agent_id`,
  );
}

/** Per service the agents named: consultations, items completed by phone and, of those, by post. */
async function countByService(
  db: Executor,
  from: Date,
  to: Date,
): Promise<
  Array<{
    service_id: string | null;
    consultations: number;
    completed_by_phone: number;
    by_post: number;
  }>
> {
  return queryRows(
    db,
    sql`select o.service_id,
          count(*) filter (where o.kind = 'consultation')::int as consultations,
          count(*) filter (where o.kind = 'completed_by_phone')::int as completed_by_phone,
          count(*) filter (where o.kind = 'completed_by_phone' and o.details->'delivery'->>'method' = 'post')::int as by_post
        from call_outcomes o join calls c on c.call_sid = o.call_sid
        where ${offeredCall} and ${inPeriod('c.arrived_at', from, to)} and o.kind in ('consultation', 'completed_by_phone')
        group by o.service_id`,
  );
}

/** Arrivals, answered and queue abandons (short ones included) by half hour of the day. */
async function countByHalfHour(
  db: Executor,
  from: Date,
  to: Date,
): Promise<Array<{ half_hour: number; arrivals: number; answered: number; abandoned: number }>> {
  return queryRows(
    db,
    sql`select ${halfHourOf('c.arrived_at')} as half_hour,
          count(*)::int as arrivals,
          count(*) filter (where c.answered_at is not null)::int as answered,
          count(*) filter (where c.end_reason = 'abandoned_in_queue')::int as abandoned
        from calls c where ${offeredCall} and ${inPeriod('c.arrived_at', from, to)}
        group by 1 order by 1`,
  );
}

/** Per day (Beijing time): offered, answered, answered within `targetSeconds`, queue abandons after `shortAbandonSeconds`. */
async function countByDay(
  db: Executor,
  from: Date,
  to: Date,
  targetSeconds: number,
  shortAbandonSeconds: number,
): Promise<
  Array<{
    day: string;
    offered: number;
    answered: number;
    answered_in_target: number;
    abandoned_in_queue: number;
  }>
> {
  return queryRows(
    db,
    sql`select (c.arrived_at at time zone 'Asia/Shanghai')::date::text as day,
          count(*)::int as offered,
          count(*) filter (where c.answered_at is not null)::int as answered,
          count(*) filter (where c.answered_at is not null and coalesce(c.queue_seconds, 0) <= ${targetSeconds})::int as answered_in_target,
          count(*) filter (where c.end_reason = 'abandoned_in_queue' and coalesce(c.queue_seconds, 0) >= ${shortAbandonSeconds})::int as abandoned_in_queue
        from calls c where ${offeredCall} and ${inPeriod('c.arrived_at', from, to)}
        group by 1 order by 1`,
  );
}

/**
 * The staffing plan's inputs, per queue department and half hour: calls that queued, answered
 * ones with their talk and after-call seconds; and the number of days that had calls.
 */
async function staffingLoad(
  db: Executor,
  from: Date,
  to: Date,
): Promise<{
  days: number;
  rows: Array<{
    department_id: string;
    half_hour: number;
    queued: number;
    answered: number;
    handle_seconds: number;
  }>;
}> {
  const [days] = await queryRows<{ days: number }>(
    db,
    sql`select count(distinct (c.arrived_at at time zone 'Asia/Shanghai')::date)::int as days from calls c where ${offeredCall} and ${inPeriod('c.arrived_at', from, to)}`,
  );
  const rows = await queryRows<{
    department_id: string;
    half_hour: number;
    queued: number;
    answered: number;
    handle_seconds: number;
  }>(
    db,
    sql`select c.queue_skill as department_id, ${halfHourOf('c.queued_at')} as half_hour,
          count(*)::int as queued,
          count(*) filter (where c.answered_at is not null)::int as answered,
          (coalesce(sum(c.talk_seconds) filter (where c.answered_at is not null), 0) + coalesce(sum(w.seconds), 0))::int as handle_seconds
        from calls c
        left join (select ac.call_sid, sum(extract(epoch from (${afterCallEnd} - ac.ended_at)))::int as seconds from agent_calls ac
                   left join call_outcomes o on o.call_sid = ac.call_sid and o.agent_id = ac.agent_id
                   where ac.ended_at is not null and ${inPeriod('ac.answered_at', from, to)} group by ac.call_sid) w on w.call_sid = c.call_sid
        where ${offeredCall} and c.queued_at is not null and c.queue_skill is not null and ${inPeriod('c.arrived_at', from, to)}
        group by 1, 2`,
  );
  return { days: days?.days ?? 0, rows };
}

/**
 * Agents logged in (any state but offline), per department of their skills and half hour: the
 * agent-seconds in each half hour over the period, from the state log.
 */
async function loggedInSeconds(
  db: Executor,
  from: Date,
  to: Date,
  now: Date,
): Promise<Array<{ department_id: string; half_hour: number; seconds: number }>> {
  return queryRows(
    db,
    sql`with spans as (
          select l.agent_id, l.to_state, l.at as since,
                 coalesce(lead(l.at) over (partition by l.agent_id order by l.id), least(${now.toISOString()}::timestamptz, ${to.toISOString()}::timestamptz)) as until
          from agent_state_log l
          where l.at < ${to.toISOString()}::timestamptz
        ), online as (
          select agent_id, greatest(since, ${from.toISOString()}::timestamptz) as since, until from spans
          where to_state <> 'offline' and until > ${from.toISOString()}::timestamptz
        ), pieces as (
          select o.agent_id, b.start,
                 extract(epoch from (least(o.until, b.start + interval '30 minutes') - greatest(o.since, b.start))) as seconds
          from online o
          cross join lateral generate_series(date_bin('30 minutes', o.since, timestamptz '2000-01-01'), o.until, interval '30 minutes') as b(start)
          where o.until > o.since
        )
        select s.skill as department_id, ${halfHourOf('p.start')} as half_hour, sum(p.seconds)::int as seconds
        from pieces p join staff_users u on u.id = p.agent_id
        cross join lateral jsonb_array_elements_text(u.skills) as s(skill)
        where p.seconds > 0
        group by 1, 2`,
  );
}

/** The figures from the raw ledger, as the service reads them from the rollups. */
export function createRawFigures(
  db: Database,
  { targetSeconds, shortAbandonSeconds }: Thresholds,
): ReportFigures {
  return {
    prepare: async () => undefined,
    async countByHotline({ start, end }) {
      const [calls, completed, outcomes, extras] = await Promise.all([
        countCalls(db, start, end, targetSeconds, shortAbandonSeconds),
        countCompletedCallbacks(db, start, end),
        countOutcomes(db, start, end),
        countCallExtras(db, start, end),
      ]);
      const numbers = new Set(
        [...calls, ...completed, ...outcomes, ...extras].map((r) => r.hotline_number),
      );
      const zero = {
        offered: 0,
        answered: 0,
        answered_in_target: 0,
        self_served: 0,
        abandoned_in_ivr: 0,
        abandoned_in_queue: 0,
        short_abandons: 0,
        callbacks_requested: 0,
        queue_seconds_answered: 0,
        talk_seconds: 0,
        in_progress: 0,
      };
      return [...numbers].map((number) => {
        const extra = extras.find((r) => r.hotline_number === number);
        const outcome = outcomes.find((r) => r.hotline_number === number);
        return {
          ...zero,
          ...calls.find((r) => r.hotline_number === number),
          hotline_number: number,
          transfers: extra?.transfers ?? 0,
          callbacks_placed: extra?.callbacks_placed ?? 0,
          callbacks_given_up: extra?.callbacks_given_up ?? 0,
          after_call_seconds: extra?.after_call_seconds ?? 0,
          consultations: outcome?.consultations ?? 0,
          completed_by_phone: outcome?.completed_by_phone ?? 0,
          callbacks_completed: completed.find((r) => r.hotline_number === number)?.completed ?? 0,
        };
      });
    },
    countBookingsByChannel: ({ fromDay, toDay }) => countBookingsByChannel(db, fromDay, toDay),
    countSlotUse: ({ fromDay, toDay }) => countSlotUse(db, fromDay, toDay),
    countByAgent: ({ start, end }) => countByAgent(db, start, end),
    countByService: ({ start, end }) => countByService(db, start, end),
    countByHalfHour: ({ start, end }) => countByHalfHour(db, start, end),
    countByDay: ({ start, end }) => countByDay(db, start, end, targetSeconds, shortAbandonSeconds),
    staffingLoad: ({ start, end }) => staffingLoad(db, start, end),
    loggedInSeconds: ({ start, end }, now) => loggedInSeconds(db, start, end, now),
  };
}
