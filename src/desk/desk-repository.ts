import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../platform/db.js';

export interface PastCallRow {
  call_sid: string;
  arrived_at: Date | string;
  hotline_number: string | null;
  end_reason: string | null;
  answered: boolean;
  self_served: boolean;
  agent_id: string | null;
  agent_name: string | null;
  outcome_kind: string | null;
}

/** The caller's earlier inbound calls, newest first: when, which hotline, how they ended, who answered. */
export async function listPastCalls(
  db: Executor,
  fromNumber: string,
  exceptCallSid: string,
  limit: number,
): Promise<PastCallRow[]> {
  return queryRows<PastCallRow & Record<string, unknown>>(
    db,
    sql`select c.call_sid, c.arrived_at, c.hotline_number, c.end_reason, c.answered_at is not null as answered, c.self_served, c.agent_id,
          nullif(su.display_name, '') as agent_name,
          (select o.kind from call_outcomes o where o.call_sid = c.call_sid order by o.id limit 1) as outcome_kind
        from calls c
        left join staff_users su on su.id = c.agent_id
        where c.from_number = ${fromNumber} and c.call_sid <> ${exceptCallSid} and c.direction = 'inbound'
        order by c.arrived_at desc
        limit ${limit}`,
  );
}

export interface CallerBookingRow {
  id: string;
  code: string;
  service_id: string;
  hall_id: string;
  day: string;
  starts_at: Date | string;
  status: string;
  channel: string;
}

/** The bookings made with the caller's number, the latest day first. */
export async function listBookingsByPhone(
  db: Executor,
  phone: string,
  limit: number,
): Promise<CallerBookingRow[]> {
  return queryRows<CallerBookingRow & Record<string, unknown>>(
    db,
    sql`select id, code, service_id, hall_id, day::text as day, starts_at, status, channel
        from bookings where phone = ${phone}
        order by starts_at desc
        limit ${limit}`,
  );
}

/** Sets the tracking number of a call's postal delivery; false when the call has no outcome delivered by post. */
export async function setTrackingNumber(
  db: Executor,
  callSid: string,
  trackingNumber: string,
): Promise<boolean> {
  const rows = await queryRows<{ id: number }>(
    db,
    sql`update call_outcomes set details = jsonb_set(details, '{delivery,trackingNumber}', to_jsonb(${trackingNumber}::text))
        where call_sid = ${callSid} and kind = 'completed_by_phone' and details->'delivery'->>'method' = 'post'
        returning id`,
  );
  return rows.length > 0;
}

/** One agent's work in [from, to): calls answered, talk and after-call seconds, outcomes by kind. */
export async function myFigures(db: Executor, agentId: string, from: Date, to: Date) {
  const [row] = await queryRows<{
    handled: number;
    talk_seconds: number;
    after_call_seconds: number;
    consultations: number;
    completed_by_phone: number;
    bookings: number;
    other: number;
    missing: number;
  }>(
    db,
    sql`select count(*)::int as handled,
          coalesce(sum(extract(epoch from (ac.ended_at - ac.answered_at))), 0)::int as talk_seconds,
          coalesce(sum(extract(epoch from (coalesce(ac.wrap_up_ended_at, o.recorded_at) - ac.ended_at))), 0)::int as after_call_seconds,
          count(o.id) filter (where o.kind = 'consultation')::int as consultations,
          count(o.id) filter (where o.kind = 'completed_by_phone')::int as completed_by_phone,
          count(o.id) filter (where o.kind = 'booking')::int as bookings,
          count(o.id) filter (where o.kind = 'other')::int as other,
          count(*) filter (where ac.outcome_status = 'missing')::int as missing
        from agent_calls ac
        left join call_outcomes o on o.call_sid = ac.call_sid and o.agent_id = ac.agent_id
        where ac.agent_id = ${agentId} and ac.answered_at >= ${from.toISOString()}::timestamptz and ac.answered_at < ${to.toISOString()}::timestamptz`,
  );
  return row!;
}

export interface MyCallbackRow {
  id: number;
  skill: string;
  phone: string;
  status: string;
  attempts: number;
  not_before: Date | string;
  last_attempt_at: Date | string | null;
  agent_id: string | null;
}

/** Callback requests for the agent's skills still to place, and those the agent placed since `from`. */
export async function listMyCallbacks(
  db: Executor,
  agentId: string,
  skills: readonly string[],
  from: Date,
  limit: number,
): Promise<MyCallbackRow[]> {
  if (skills.length === 0) return [];
  return queryRows<MyCallbackRow & Record<string, unknown>>(
    db,
    sql`select id, skill, phone, status, attempts, not_before, last_attempt_at, agent_id from callback_requests
        where (status in ('pending', 'dialing') and skill in (${sql.join(
          skills.map((s) => sql`${s}`),
          sql`, `,
        )}))
           or (agent_id = ${agentId} and updated_at >= ${from.toISOString()}::timestamptz)
        order by status <> 'pending', not_before
        limit ${limit}`,
  );
}

/** The holds of a call as the ledger keeps them: how many, and their seconds (ended holds; a running one is not counted yet). */
export async function holdTotals(
  db: Executor,
  callSid: string,
): Promise<{ holds: number; seconds: number }> {
  const [row] = await queryRows<{ holds: number | string; seconds: number | string | null }>(
    db,
    sql`select count(*) as holds, sum((payload->>'seconds')::int) as seconds from call_events
        where call_sid = ${callSid} and source = 'agent' and event = 'hold-ended'`,
  );
  return { holds: Number(row?.holds ?? 0), seconds: Number(row?.seconds ?? 0) };
}
