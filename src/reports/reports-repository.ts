import { and, eq, sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../platform/db.js';
import { reportExports } from './reports-tables.js';

/** Raw call counts of one hotline over a period, straight from the ledger. */
export interface CallCountsRow {
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

/**
 * Counts inbound calls per hotline that arrived in [from, to). Rejected calls (a number that
 * is not a hotline) are not offered calls. Short abandons are queue abandons shorter than
 * `shortAbandonSeconds`; `answered_in_target` are answered within `targetSeconds` of queueing.
 */
export async function countCalls(db: Executor, from: Date, to: Date, targetSeconds: number, shortAbandonSeconds: number): Promise<CallCountsRow[]> {
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
          and end_reason is distinct from 'rejected'
          and arrived_at >= ${from.toISOString()}::timestamptz and arrived_at < ${to.toISOString()}::timestamptz
        group by hotline_number`,
  );
}

/** Callbacks completed per hotline among requests made in [from, to). */
export async function countCompletedCallbacks(db: Executor, from: Date, to: Date): Promise<Array<{ hotline_number: string; completed: number }>> {
  return queryRows(
    db,
    sql`select hotline_number, count(*)::int as completed from callback_requests
        where status = 'completed' and requested_at >= ${from.toISOString()}::timestamptz and requested_at < ${to.toISOString()}::timestamptz
        group by hotline_number`,
  );
}

/** Outcomes recorded by agents, per hotline, for calls that arrived in [from, to). */
export async function countOutcomes(db: Executor, from: Date, to: Date): Promise<Array<{ hotline_number: string; consultations: number; completed_by_phone: number }>> {
  return queryRows(
    db,
    sql`select c.hotline_number,
          count(*) filter (where o.kind = 'consultation')::int as consultations,
          count(*) filter (where o.kind = 'completed_by_phone')::int as completed_by_phone
        from call_outcomes o join calls c on c.call_sid = o.call_sid
        where c.hotline_number is not null
          and c.arrived_at >= ${from.toISOString()}::timestamptz and c.arrived_at < ${to.toISOString()}::timestamptz
        group by c.hotline_number`,
  );
}

/** Bookings (not cancelled) for the days from `fromDay` to `toDay`, per department and the channel they came through. */
export async function countBookingsByChannel(db: Executor, fromDay: string, toDay: string): Promise<Array<{ department_id: string; channel: string; bookings: number }>> {
  return queryRows(
    db,
    sql`select s.department_id, b.channel, count(*)::int as bookings
        from bookings b join services s on s.id = b.service_id
        where b.day between ${fromDay}::date and ${toDay}::date and b.status <> 'cancelled'
        group by s.department_id, b.channel`,
  );
}

/** Slot capacity, places booked and no-shows of the days from `fromDay` to `toDay`, per department. */
export async function countSlotUse(db: Executor, fromDay: string, toDay: string): Promise<Array<{ department_id: string; capacity: number; booked: number; no_shows: number }>> {
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

export async function saveExport(db: Executor, row: typeof reportExports.$inferInsert): Promise<void> {
  await db
    .insert(reportExports)
    .values(row)
    .onConflictDoUpdate({ target: [reportExports.day, reportExports.format], set: { content: row.content, rows: row.rows, createdAt: sql`now()` } });
}

export async function findExport(db: Executor, day: string, format: 'csv' | 'xlsx'): Promise<typeof reportExports.$inferSelect | undefined> {
  const [row] = await db.select().from(reportExports).where(and(eq(reportExports.day, day), eq(reportExports.format, format)));
  return row;
}

export async function listExportDays(db: Executor, from: string, to: string): Promise<string[]> {
  const rows = await queryRows<{ day: string }>(db, sql`select distinct day::text as day from report_exports where day between ${from}::date and ${to}::date`);
  return rows.map((r) => r.day);
}

/** Counts per class of the latest finished reconciliation run covering `day`, for the daily export. */
export async function reconciliationCounts(db: Executor, day: string): Promise<{ runId: number; counts: Record<string, number>; fixed: number; open: number } | undefined> {
  const [row] = await queryRows<{ id: number; counts: Record<string, number>; fixed: number; open: number }>(
    db,
    sql`select id::int as id, counts, fixed, open from reconciliation_runs
        where from_day <= ${day}::date and to_day >= ${day}::date and finished_at is not null order by id desc limit 1`,
  );
  return row ? { runId: row.id, counts: row.counts, fixed: row.fixed, open: row.open } : undefined;
}
