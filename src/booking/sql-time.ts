import { sql } from 'drizzle-orm';

/** An instant as a timestamptz parameter; raw `sql` templates do not map Dates for every driver. */
export const instant = (at: Date) => sql`${at.toISOString()}::timestamptz`;
