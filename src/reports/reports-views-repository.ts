import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../platform/db.js';

/* The bounds of the recorded history: the reports' periods are checked against them. */

/** Inbound calls to a hotline (rejected calls to other numbers are not offered calls). */
const offeredCall = sql`c.direction = 'inbound' and c.hotline_number is not null and c.end_reason is distinct from 'rejected' and not c.training`;

/** First and last arrival of a call to a hotline: the recorded history. */
export async function historyBounds(
  db: Executor,
): Promise<{ first: Date | null; last: Date | null }> {
  const [row] = await queryRows<{ first: string | null; last: string | null }>(
    db,
    sql`select min(c.arrived_at)::text as first, max(c.arrived_at)::text as last from calls c where ${offeredCall}`,
  );
  return {
    first: row?.first ? new Date(row.first) : null,
    last: row?.last ? new Date(row.last) : null,
  };
}
