import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../platform/db.js';
import type { Thresholds } from './reports-figures.js';
import {
  afterCallEnd,
  at,
  dayOf,
  daysBetween,
  halfHourOf,
  inRun,
  offeredCall,
  realLeg,
  type DayRun,
} from './reports-rollup-sql.js';

/*
 * The rollups' builders: each rebuilds its table's days from the raw rows, every figure counted
 * exactly as docs/statistics.md defines it, grouped by its day.
 */

/** Which rollups a rebuild writes: all, or those of the period report or of the staffing plan. */
export type RollupPart = 'all' | 'period' | 'staffing';

const PARTS: Record<Exclude<RollupPart, 'all'>, string[]> = {
  period: [
    'report_rollup_calls',
    'report_rollup_agents',
    'report_rollup_transfers',
    'report_rollup_services',
    'report_rollup_bookings',
    'report_rollup_slots',
  ],
  staffing: [
    'report_rollup_calls',
    'report_rollup_staffing',
    'report_rollup_staffing_wrap_up',
    'report_rollup_online',
  ],
};

/** Rebuilds the rollups of `part` for the run's days from the raw rows; `now` ends the agents' open state spans. */
export async function rebuildRun(
  tx: Executor,
  run: DayRun,
  part: RollupPart,
  thresholds: Thresholds,
  now: Date,
): Promise<void> {
  const tables = part === 'all' ? [...new Set([...PARTS.period, ...PARTS.staffing])] : PARTS[part];
  for (const table of tables) {
    await tx.execute(
      sql`delete from ${sql.raw(table)} where ${daysBetween(run.fromDay, run.toDay)}`,
    );
    await tx.execute(BUILDERS[table]!(run, thresholds, now));
  }
}

const BUILDERS: Record<string, (run: DayRun, thresholds: Thresholds, now: Date) => SQL> = {
  report_rollup_calls: (run, { targetSeconds, shortAbandonSeconds }) => sql`
    insert into report_rollup_calls (day, half_hour, hotline_number, offered, answered, answered_in_target, self_served, abandoned_in_ivr,
      abandoned_in_queue, short_abandons, callbacks_requested, queue_seconds_answered, talk_seconds, in_progress, transfers, callbacks_placed,
      callbacks_given_up, after_call_seconds, consultations, completed_by_phone, callbacks_completed)
    with c as (
      select * from calls c where ${offeredCall} and ${inRun('c.arrived_at', run)}
    )
    select day, half_hour, hotline_number, sum(offered), sum(answered), sum(answered_in_target), sum(self_served), sum(abandoned_in_ivr),
      sum(abandoned_in_queue), sum(short_abandons), sum(callbacks_requested), sum(queue_seconds_answered), sum(talk_seconds), sum(in_progress),
      sum(transfers), sum(callbacks_placed), sum(callbacks_given_up), sum(after_call_seconds), sum(consultations), sum(completed_by_phone), sum(callbacks_completed)
    from (
      select ${dayOf('c.arrived_at')} as day, ${halfHourOf('c.arrived_at')} as half_hour, c.hotline_number,
        count(*) as offered,
        count(*) filter (where c.answered_at is not null) as answered,
        count(*) filter (where c.answered_at is not null and coalesce(c.queue_seconds, 0) <= ${targetSeconds}) as answered_in_target,
        count(*) filter (where c.answered_at is null and c.end_reason = 'self_served') as self_served,
        count(*) filter (where c.end_reason = 'abandoned_in_ivr') as abandoned_in_ivr,
        count(*) filter (where c.end_reason = 'abandoned_in_queue' and coalesce(c.queue_seconds, 0) >= ${shortAbandonSeconds}) as abandoned_in_queue,
        count(*) filter (where c.end_reason = 'abandoned_in_queue' and coalesce(c.queue_seconds, 0) < ${shortAbandonSeconds}) as short_abandons,
        count(*) filter (where c.callback_requested) as callbacks_requested,
        coalesce(sum(c.queue_seconds) filter (where c.answered_at is not null), 0) as queue_seconds_answered,
        coalesce(sum(c.talk_seconds) filter (where c.answered_at is not null), 0) as talk_seconds,
        count(*) filter (where c.ended_at is null) as in_progress,
        coalesce(sum(t.n), 0) as transfers,
        count(r.id) filter (where r.attempts > 0) as callbacks_placed,
        count(r.id) filter (where r.status = 'given_up') as callbacks_given_up,
        coalesce(sum(w.seconds), 0) as after_call_seconds,
        0 as consultations, 0 as completed_by_phone, 0 as callbacks_completed
      from c
      -- Per call, through the indexes on call_sid (a day's calls are few beside the whole ledger).
      left join lateral (select count(*) as n from call_events e where e.call_sid = c.call_sid and e.source = 'agent' and e.event = 'transferred' having count(*) > 0) t on true
      left join lateral (select sum(extract(epoch from (${afterCallEnd} - ac.ended_at))) as seconds from agent_calls ac
                         left join call_outcomes o on o.call_sid = ac.call_sid and o.agent_id = ac.agent_id
                         where ac.call_sid = c.call_sid and ac.ended_at is not null having count(*) > 0) w on true
      left join callback_requests r on r.call_sid = c.call_sid
      group by 1, 2, 3
      union all
      select ${dayOf('c.arrived_at')}, ${halfHourOf('c.arrived_at')}, c.hotline_number, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        count(*) filter (where o.kind = 'consultation'), count(*) filter (where o.kind = 'completed_by_phone'), 0
      from calls c cross join lateral (select o.kind from call_outcomes o where o.call_sid = c.call_sid) o
      where c.hotline_number is not null and not c.training and ${inRun('c.arrived_at', run)}
      group by 1, 2, 3
      union all
      select ${dayOf('r.requested_at')}, ${halfHourOf('r.requested_at')}, r.hotline_number, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, count(*)
      from callback_requests r
      where r.status = 'completed' and ${inRun('r.requested_at', run)}
      group by 1, 2, 3
    ) x
    group by 1, 2, 3`,

  report_rollup_agents: (run) => sql`
    insert into report_rollup_agents (day, agent_id, handled, talk_seconds, after_call_seconds, consultations, completed_by_phone, bookings, other)
    select ${dayOf('ac.answered_at')}, ac.agent_id, count(*),
      coalesce(sum(extract(epoch from (ac.ended_at - ac.answered_at))), 0),
      coalesce(sum(extract(epoch from (${afterCallEnd} - ac.ended_at))), 0),
      count(o.id) filter (where o.kind = 'consultation'),
      count(o.id) filter (where o.kind = 'completed_by_phone'),
      count(o.id) filter (where o.kind = 'booking'),
      count(o.id) filter (where o.kind = 'other')
    from agent_calls ac
    left join lateral (select o.id, o.kind, o.recorded_at from call_outcomes o where o.call_sid = ac.call_sid and o.agent_id = ac.agent_id) o on true
    where ${inRun('ac.answered_at', run)} and ${realLeg}
    group by 1, 2`,

  report_rollup_transfers: (run) => sql`
    insert into report_rollup_transfers (day, event_day, agent_id, transfers)
    select ${dayOf('ac.answered_at')}, ${dayOf('e.occurred_at')}, ac.agent_id, count(*)
    from agent_calls ac
    left join lateral (select o.id, o.kind, o.recorded_at from call_outcomes o where o.call_sid = ac.call_sid and o.agent_id = ac.agent_id) o on true
    join call_events e on e.call_sid = ac.call_sid and e.payload->>'agentId' = ac.agent_id and e.source = 'agent' and e.event = 'transferred'
    where ${inRun('ac.answered_at', run)} and ${realLeg}
    group by 1, 2, 3`,

  report_rollup_services: (run) => sql`
    insert into report_rollup_services (day, service_key, consultations, completed_by_phone, by_post)
    select ${dayOf('c.arrived_at')}, coalesce(o.service_id, ''),
      count(*) filter (where o.kind = 'consultation'),
      count(*) filter (where o.kind = 'completed_by_phone'),
      count(*) filter (where o.kind = 'completed_by_phone' and o.details->'delivery'->>'method' = 'post')
    from calls c cross join lateral (select o.service_id, o.kind, o.details from call_outcomes o where o.call_sid = c.call_sid and o.kind in ('consultation', 'completed_by_phone')) o
    where ${offeredCall} and ${inRun('c.arrived_at', run)}
    group by 1, 2`,

  report_rollup_bookings: (run) => sql`
    insert into report_rollup_bookings (day, service_id, channel, bookings)
    select b.day, b.service_id, b.channel, count(*) from bookings b
    where b.day between ${run.fromDay}::date and ${run.toDay}::date and b.status <> 'cancelled'
    group by 1, 2, 3`,

  report_rollup_slots: (run) => sql`
    insert into report_rollup_slots (day, service_id, open_slots, capacity, booked, no_shows)
    select day, service_id, sum(open_slots), sum(capacity), sum(booked), sum(no_shows) from (
      select bs.day, bs.service_id, count(*) as open_slots, sum(bs.capacity) as capacity, sum(bs.booked) as booked, 0 as no_shows
      from booking_slots bs where bs.day between ${run.fromDay}::date and ${run.toDay}::date and not bs.closed group by 1, 2
      union all
      select b.day, b.service_id, 0, 0, 0, count(*) from bookings b
      where b.status = 'no_show' and b.day between ${run.fromDay}::date and ${run.toDay}::date group by 1, 2
    ) x
    group by 1, 2`,

  report_rollup_staffing: (run) => sql`
    insert into report_rollup_staffing (day, half_hour, department_id, queued, answered, talk_seconds)
    select ${dayOf('c.arrived_at')}, ${halfHourOf('c.queued_at')}, c.queue_skill, count(*),
      count(*) filter (where c.answered_at is not null),
      coalesce(sum(c.talk_seconds) filter (where c.answered_at is not null), 0)
    from calls c
    where ${offeredCall} and c.queued_at is not null and c.queue_skill is not null and ${inRun('c.arrived_at', run)}
    group by 1, 2, 3`,

  // A call's after-call seconds are rounded over the legs a period holds: once per call when its
  // legs were all answered on one day, by the period for a call whose legs span days.
  report_rollup_staffing_wrap_up: (run) => sql`
    insert into report_rollup_staffing_wrap_up (day, half_hour, department_id, answer_day, call_sid, seconds)
    with legs as (
      select c.call_sid, ${dayOf('c.arrived_at')} as day, ${halfHourOf('c.queued_at')} as half_hour, c.queue_skill as department_id, l.answer_day, l.seconds
      from calls c
      cross join lateral (
        select ${dayOf('ac.answered_at')} as answer_day, sum(extract(epoch from (${afterCallEnd} - ac.ended_at))) as seconds
        from agent_calls ac left join call_outcomes o on o.call_sid = ac.call_sid and o.agent_id = ac.agent_id
        where ac.call_sid = c.call_sid and ac.ended_at is not null
        group by 1
      ) l
      where ${offeredCall} and c.queued_at is not null and c.queue_skill is not null and ${inRun('c.arrived_at', run)}
    ), spread as (
      select legs.*, count(*) over (partition by call_sid) as answer_days from legs
    )
    select day, half_hour, department_id, answer_day, '', coalesce(sum(seconds::int), 0) from spread where answer_days = 1 group by 1, 2, 3, 4
    union all
    select day, half_hour, department_id, answer_day, call_sid, coalesce(seconds, 0) from spread where answer_days > 1`,

  report_rollup_online: (run, _thresholds, now) => sql`
    insert into report_rollup_online (day, half_hour, agent_id, seconds)
    with spans as (
      select l.agent_id, l.to_state, l.at as since,
             coalesce(lead(l.at) over (partition by l.agent_id order by l.id), least(${at(now)}, ${at(run.end)})) as until
      from agent_state_log l
      where l.at < ${at(run.end)}
    ), online as (
      select agent_id, greatest(since, ${at(run.start)}) as since, until from spans
      where to_state <> 'offline' and until > ${at(run.start)}
    ), pieces as (
      select o.agent_id, b.start,
             extract(epoch from (least(o.until, b.start + interval '30 minutes') - greatest(o.since, b.start))) as seconds
      from online o
      cross join lateral generate_series(date_bin('30 minutes', o.since, timestamptz '2000-01-01'), o.until, interval '30 minutes') as b(start)
      where o.until > o.since
    )
    select ${dayOf('p.start')}, ${halfHourOf('p.start')}, p.agent_id, sum(p.seconds)
    from pieces p where p.seconds > 0
    group by 1, 2, 3`,
};
