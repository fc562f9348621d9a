import { sql, type SQL } from 'drizzle-orm';

/** The parameters every statement of a run shares. */
export interface RunScope {
  runId: number;
  from: string;
  to: string;
  /** The run's "now". */
  now: Date;
  /** Changes after this instant are too recent to judge (in flight). */
  settledBefore: Date;
}

export const at = (instant: Date) => sql`${instant.toISOString()}::timestamptz`;
export const day = (value: string) => sql`${value}::date`;

/** A phone number masked as maskPhone (platform/logger) does it: +86*******1234. */
export const maskedPhone = (column: SQL) =>
  sql`case when ${column} like '+86%' then '+86' || repeat('*', greatest(length(${column}) - 7, 0)) || right(${column}, 4) else repeat('*', greatest(length(${column}) - 4, 0)) || right(${column}, 4) end`;

/** The columns of an item, in the order the statements select them. */
export const itemColumns = sql.raw(
  'insert into reconciliation_items (run_id, class, key, status, booking_id, slot_id, hold_id, call_sid, channel, feed_row_id, hall_id, service_id, day, id_masked, phone_masked, details)',
);

/** The place statuses of a booking (it holds a place in the slot's counter). */
export const PLACE = sql.raw(`('confirmed', 'checked_in', 'no_show')`);
export const ACTIVE = sql.raw(`('confirmed', 'checked_in')`);
export const PHONE = sql.raw(`('phone', 'ivr')`);
