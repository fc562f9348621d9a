import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../platform/db.js';
import { queryRows } from '../platform/db.js';
import {
  reconciliationItems,
  reconciliationResolutions,
  reconciliationRuns,
  type ReconciliationClass,
} from './reconciliation-tables.js';

export type RunRow = typeof reconciliationRuns.$inferSelect;
export type ItemRow = typeof reconciliationItems.$inferSelect;

/** Only one run at a time: the second waits for the first to commit, then compares what it left. */
export async function lockRuns(tx: Executor): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('reconciliation-run'))`);
}

export async function insertRun(
  tx: Executor,
  run: { fromDay: string; toDay: string; trigger: string; startedAt: Date },
): Promise<RunRow> {
  const [row] = await tx.insert(reconciliationRuns).values(run).returning();
  return row!;
}

/** Counts a run's items per class and status, and stores them on the run. */
export async function finishRun(tx: Executor, runId: number, finishedAt: Date): Promise<RunRow> {
  const rows = await queryRows<{ class: string; status: string; n: number }>(
    tx,
    sql`select class, status, count(*)::int as n from reconciliation_items where run_id = ${runId} group by class, status`,
  );
  const counts: Record<string, number> = {};
  for (const r of rows) counts[r.class] = (counts[r.class] ?? 0) + r.n;
  const fixed = rows.filter((r) => r.status === 'fixed').reduce((n, r) => n + r.n, 0);
  const open = rows.filter((r) => r.status === 'open').reduce((n, r) => n + r.n, 0);
  const [row] = await tx
    .update(reconciliationRuns)
    .set({ counts, fixed, open, finishedAt })
    .where(eq(reconciliationRuns.id, runId))
    .returning();
  return row!;
}

export async function listRuns(db: Executor, limit: number): Promise<RunRow[]> {
  return db.select().from(reconciliationRuns).orderBy(desc(reconciliationRuns.id)).limit(limit);
}

export async function findRun(db: Executor, id: number): Promise<RunRow | undefined> {
  const [row] = await db.select().from(reconciliationRuns).where(eq(reconciliationRuns.id, id));
  return row;
}

/** The latest finished run whose range contains `day`. */
export async function latestRunCovering(db: Executor, day: string): Promise<RunRow | undefined> {
  const [row] = await db
    .select()
    .from(reconciliationRuns)
    .where(
      sql`${reconciliationRuns.fromDay} <= ${day} and ${reconciliationRuns.toDay} >= ${day} and ${reconciliationRuns.finishedAt} is not null`,
    )
    .orderBy(desc(reconciliationRuns.id))
    .limit(1);
  return row;
}

export interface ItemFilter {
  classes?: ReconciliationClass[] | undefined;
  statuses?: Array<ItemRow['status']> | undefined;
  hallId?: string | undefined;
}

export async function listItems(
  db: Executor,
  runId: number,
  filter: ItemFilter,
  limit = 5000,
): Promise<ItemRow[]> {
  return db
    .select()
    .from(reconciliationItems)
    .where(
      and(
        eq(reconciliationItems.runId, runId),
        filter.classes?.length ? inArray(reconciliationItems.class, filter.classes) : undefined,
        filter.statuses?.length ? inArray(reconciliationItems.status, filter.statuses) : undefined,
        filter.hallId ? eq(reconciliationItems.hallId, filter.hallId) : undefined,
      ),
    )
    .orderBy(
      asc(reconciliationItems.class),
      asc(reconciliationItems.day),
      asc(reconciliationItems.id),
    )
    .limit(limit);
}

export async function findItem(
  db: Executor,
  runId: number,
  itemId: number,
): Promise<ItemRow | undefined> {
  const [row] = await db
    .select()
    .from(reconciliationItems)
    .where(and(eq(reconciliationItems.runId, runId), eq(reconciliationItems.id, itemId)));
  return row;
}

/** Marks an item resolved with a note; the resolution is kept by the item's key for later runs. */
export async function resolveItem(
  tx: Executor,
  item: ItemRow,
  note: string,
  by: string,
  at: Date,
): Promise<void> {
  await tx
    .insert(reconciliationResolutions)
    .values({ key: item.key, itemId: item.id, note, resolvedBy: by, resolvedAt: at })
    .onConflictDoUpdate({
      target: reconciliationResolutions.key,
      set: { itemId: item.id, note, resolvedBy: by, resolvedAt: at },
    });
  await tx
    .update(reconciliationItems)
    .set({ status: 'resolved' })
    .where(eq(reconciliationItems.id, item.id));
}

export async function listResolutions(
  db: Executor,
  keys: string[],
): Promise<Array<typeof reconciliationResolutions.$inferSelect>> {
  if (keys.length === 0) return [];
  return db
    .select()
    .from(reconciliationResolutions)
    .where(inArray(reconciliationResolutions.key, keys));
}

/** The full phone number behind each item (the booking's, the feed row's, or the caller's). */
export async function fullNumbers(db: Executor, itemIds: number[]): Promise<Map<number, string>> {
  if (itemIds.length === 0) return new Map();
  const rows = await queryRows<{ id: number; phone: string | null }>(
    db,
    sql`select i.id::int as id, coalesce(b.phone, fr.phone, c.from_number) as phone
        from reconciliation_items i
        left join bookings b on b.id = i.booking_id
        left join channel_feed_rows fr on fr.id = i.feed_row_id
        left join calls c on c.call_sid = i.call_sid
        where i.id in ${sql`(${sql.join(
          itemIds.map((id) => sql`${id}`),
          sql`, `,
        )})`}`,
  );
  return new Map(rows.filter((r) => r.phone).map((r) => [Number(r.id), r.phone!]));
}

/** Audits a read of personal data into the staff audit log (who, what, when). */
export async function auditRead(
  db: Executor,
  actorId: string,
  subject: string,
  detail: Record<string, unknown>,
  at: Date,
): Promise<void> {
  await db.execute(
    sql`insert into audit_log (actor_id, action, subject, detail, at) values (${actorId}, 'reconciliation.full_numbers', ${subject}, ${JSON.stringify(detail)}::jsonb, ${at.toISOString()}::timestamptz)`,
  );
}
