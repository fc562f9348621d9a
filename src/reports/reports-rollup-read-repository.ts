import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../platform/db.js';
import type { AgentRow, HotlineRow, StaffingLoadRow } from './reports-figures.js';
import { daysBetween } from './reports-rollup-sql.js';

/* The rollups' readers: periods read back as sums of their days. */

/** Per hotline, every figure of fromDay–toDay. */
export async function readCalls(
  db: Executor,
  fromDay: string,
  toDay: string,
): Promise<HotlineRow[]> {
  return queryRows<HotlineRow & Record<string, unknown>>(
    db,
    sql`select hotline_number,
          sum(offered)::int as offered, sum(answered)::int as answered, sum(answered_in_target)::int as answered_in_target,
          sum(self_served)::int as self_served, sum(abandoned_in_ivr)::int as abandoned_in_ivr, sum(abandoned_in_queue)::int as abandoned_in_queue,
          sum(short_abandons)::int as short_abandons, sum(callbacks_requested)::int as callbacks_requested,
          sum(queue_seconds_answered)::int as queue_seconds_answered, sum(talk_seconds)::int as talk_seconds, sum(in_progress)::int as in_progress,
          sum(transfers)::int as transfers, sum(callbacks_placed)::int as callbacks_placed, sum(callbacks_given_up)::int as callbacks_given_up,
          sum(after_call_seconds)::int as after_call_seconds, sum(consultations)::int as consultations, sum(completed_by_phone)::int as completed_by_phone,
          sum(callbacks_completed)::int as callbacks_completed
        from report_rollup_calls where ${daysBetween(fromDay, toDay)}
        group by hotline_number`,
  );
}

/** Arrivals, answered and all queue abandons by half hour of fromDay–toDay. */
export async function readHalfHours(
  db: Executor,
  fromDay: string,
  toDay: string,
): Promise<Array<{ half_hour: number; arrivals: number; answered: number; abandoned: number }>> {
  return queryRows(
    db,
    sql`select half_hour::int as half_hour, sum(offered)::int as arrivals, sum(answered)::int as answered, sum(abandoned_in_queue + short_abandons)::int as abandoned
        from report_rollup_calls where ${daysBetween(fromDay, toDay)} group by 1 order by 1`,
  );
}

/** Per day with calls: offered, answered, answered within the target, queue abandons after the short-abandon threshold. */
export async function readDays(
  db: Executor,
  fromDay: string,
  toDay: string,
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
    sql`select day::text as day, sum(offered)::int as offered, sum(answered)::int as answered, sum(answered_in_target)::int as answered_in_target,
          sum(abandoned_in_queue)::int as abandoned_in_queue
        from report_rollup_calls where ${daysBetween(fromDay, toDay)} group by 1 having sum(offered) > 0 order by 1`,
  );
}

/** Per agent with legs answered in fromDay–toDay; transfers those made in the period, of legs answered in it. */
export async function readAgents(
  db: Executor,
  fromDay: string,
  toDay: string,
): Promise<AgentRow[]> {
  return queryRows<AgentRow & Record<string, unknown>>(
    db,
    sql`select a.agent_id, coalesce(nullif(su.display_name, ''), a.agent_id) as agent_name, a.handled, a.talk_seconds, a.after_call_seconds,
          a.consultations, a.completed_by_phone, a.bookings, a.other, coalesce(t.n, 0)::int as transfers
        from (select agent_id, sum(handled)::int as handled, sum(talk_seconds)::int as talk_seconds, sum(after_call_seconds)::int as after_call_seconds,
                sum(consultations)::int as consultations, sum(completed_by_phone)::int as completed_by_phone, sum(bookings)::int as bookings, sum(other)::int as other
              from report_rollup_agents where ${daysBetween(fromDay, toDay)} group by agent_id) a
        left join (select agent_id, sum(transfers) as n from report_rollup_transfers
                   where ${daysBetween(fromDay, toDay)} and event_day between ${fromDay}::date and ${toDay}::date group by agent_id) t on t.agent_id = a.agent_id
        left join staff_users su on su.id = a.agent_id
        order by a.agent_id`,
  );
}

/** Per service named in outcomes of calls that arrived in fromDay–toDay. */
export async function readServices(
  db: Executor,
  fromDay: string,
  toDay: string,
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
    sql`select nullif(service_key, '') as service_id, sum(consultations)::int as consultations, sum(completed_by_phone)::int as completed_by_phone, sum(by_post)::int as by_post
        from report_rollup_services where ${daysBetween(fromDay, toDay)} group by service_key`,
  );
}

/** Bookings (not cancelled) for fromDay–toDay per department (of the service, as the catalogue has it now) and channel. */
export async function readBookings(
  db: Executor,
  fromDay: string,
  toDay: string,
): Promise<Array<{ department_id: string; channel: string; bookings: number }>> {
  return queryRows(
    db,
    sql`select s.department_id, r.channel, sum(r.bookings)::int as bookings
        from report_rollup_bookings r join services s on s.id = r.service_id
        where r.day between ${fromDay}::date and ${toDay}::date group by 1, 2`,
  );
}

/** Places, booked places and no-shows for fromDay–toDay per department that had open slots. */
export async function readSlots(
  db: Executor,
  fromDay: string,
  toDay: string,
): Promise<Array<{ department_id: string; capacity: number; booked: number; no_shows: number }>> {
  return queryRows(
    db,
    sql`select s.department_id, sum(r.capacity)::int as capacity, sum(r.booked)::int as booked, sum(r.no_shows)::int as no_shows
        from report_rollup_slots r join services s on s.id = r.service_id
        where r.day between ${fromDay}::date and ${toDay}::date
        group by 1 having sum(r.open_slots) > 0`,
  );
}

/** The staffing plan's load for fromDay–toDay, and the days that had calls. */
export async function readStaffingLoad(
  db: Executor,
  fromDay: string,
  toDay: string,
): Promise<{ days: number; rows: StaffingLoadRow[] }> {
  const [days] = await queryRows<{ days: number }>(
    db,
    sql`select count(distinct day)::int as days from report_rollup_calls where ${daysBetween(fromDay, toDay)} and offered > 0`,
  );
  const rows = await queryRows<StaffingLoadRow & Record<string, unknown>>(
    db,
    sql`with wrap as (
          select department_id, half_hour, sum(seconds) as seconds from (
            select department_id, half_hour, seconds from report_rollup_staffing_wrap_up
            where ${daysBetween(fromDay, toDay)} and answer_day between ${fromDay}::date and ${toDay}::date and call_sid = ''
            union all
            select department_id, half_hour, sum(seconds)::int from report_rollup_staffing_wrap_up
            where ${daysBetween(fromDay, toDay)} and answer_day between ${fromDay}::date and ${toDay}::date and call_sid <> ''
            group by department_id, half_hour, call_sid
          ) x group by 1, 2
        )
        select s.department_id, s.half_hour::int as half_hour, sum(s.queued)::int as queued, sum(s.answered)::int as answered,
          (sum(s.talk_seconds) + coalesce(max(w.seconds), 0))::int as handle_seconds
        from report_rollup_staffing s left join wrap w on w.department_id = s.department_id and w.half_hour = s.half_hour
        where s.day between ${fromDay}::date and ${toDay}::date
        group by 1, 2`,
  );
  return { days: days?.days ?? 0, rows };
}

/** Agent-seconds logged in per department of the agents' skills (as they are now) and half hour of fromDay–toDay. */
export async function readOnline(
  db: Executor,
  fromDay: string,
  toDay: string,
): Promise<Array<{ department_id: string; half_hour: number; seconds: number }>> {
  return queryRows(
    db,
    sql`select s.skill as department_id, r.half_hour::int as half_hour, sum(r.seconds)::int as seconds
        from report_rollup_online r join staff_users u on u.id = r.agent_id
        cross join lateral jsonb_array_elements_text(u.skills) as s(skill)
        where r.day between ${fromDay}::date and ${toDay}::date
        group by 1, 2`,
  );
}
