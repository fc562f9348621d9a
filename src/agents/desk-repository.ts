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
export async function listPastCalls(db: Executor, fromNumber: string, exceptCallSid: string, limit: number): Promise<PastCallRow[]> {
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
export async function listBookingsByPhone(db: Executor, phone: string, limit: number): Promise<CallerBookingRow[]> {
  return queryRows<CallerBookingRow & Record<string, unknown>>(
    db,
    sql`select id, code, service_id, hall_id, day::text as day, starts_at, status, channel
        from bookings where phone = ${phone}
        order by starts_at desc
        limit ${limit}`,
  );
}

/** Sets the tracking number of a call's postal delivery; false when the call has no outcome delivered by post. */
export async function setTrackingNumber(db: Executor, callSid: string, trackingNumber: string): Promise<boolean> {
  const rows = await queryRows<{ id: number }>(
    db,
    sql`update call_outcomes set details = jsonb_set(details, '{delivery,trackingNumber}', to_jsonb(${trackingNumber}::text))
        where call_sid = ${callSid} and kind = 'completed_by_phone' and details->'delivery'->>'method' = 'post'
        returning id`,
  );
  return rows.length > 0;
}
