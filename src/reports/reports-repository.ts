import { and, eq, sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../platform/db.js';
import { reportExports } from './reports-tables.js';

export async function saveExport(
  db: Executor,
  row: typeof reportExports.$inferInsert,
): Promise<void> {
  await db
    .insert(reportExports)
    .values(row)
    .onConflictDoUpdate({
      target: [reportExports.day, reportExports.format],
      set: { content: row.content, rows: row.rows, createdAt: sql`now()` },
    });
}

export async function findExport(
  db: Executor,
  day: string,
  format: 'csv' | 'xlsx',
): Promise<typeof reportExports.$inferSelect | undefined> {
  const [row] = await db
    .select()
    .from(reportExports)
    .where(and(eq(reportExports.day, day), eq(reportExports.format, format)));
  return row;
}

export async function listExportDays(db: Executor, from: string, to: string): Promise<string[]> {
  const rows = await queryRows<{ day: string }>(
    db,
    sql`select distinct day::text as day from report_exports where day between ${from}::date and ${to}::date`,
  );
  return rows.map((r) => r.day);
}

/** Counts per class of the latest finished reconciliation run covering `day`, for the daily export. */
export async function reconciliationCounts(
  db: Executor,
  day: string,
): Promise<
  { runId: number; counts: Record<string, number>; fixed: number; open: number } | undefined
> {
  const [row] = await queryRows<{
    id: number;
    counts: Record<string, number>;
    fixed: number;
    open: number;
  }>(
    db,
    sql`select id::int as id, counts, fixed, open from reconciliation_runs
        where from_day <= ${day}::date and to_day >= ${day}::date and finished_at is not null order by id desc limit 1`,
  );
  return row ? { runId: row.id, counts: row.counts, fixed: row.fixed, open: row.open } : undefined;
}
