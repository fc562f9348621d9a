import { asc, eq, sql, type SQL } from 'drizzle-orm';
import type { Executor } from './db.js';
import { auditLog } from './audit-tables.js';
import { insertWhen, type StatementPart } from './sql-parts.js';

export type AuditRow = typeof auditLog.$inferSelect;

/** Who read or changed personal data, what and when: one row per act, never updated. */
export async function insertAudit(
  db: Executor,
  row: Omit<typeof auditLog.$inferInsert, 'id'>,
): Promise<void> {
  await db.insert(auditLog).values(row);
}

/** An act's row written when `when` holds, as a part of the statement that does the act. */
export function auditPart(row: Omit<typeof auditLog.$inferInsert, 'id'>, when: SQL): StatementPart {
  return insertWhen(auditLog, row, when);
}

/**
 * An act's row written before the act (its detail says `outcome: 'started'`), so that no act
 * stands unaudited when the row cannot be written; `settleAudit` then records how it ended.
 */
export async function startAudit(
  db: Executor,
  row: Omit<typeof auditLog.$inferInsert, 'id'>,
): Promise<number> {
  const [written] = await db
    .insert(auditLog)
    .values({ ...row, detail: { ...row.detail, outcome: 'started' } })
    .returning({ id: auditLog.id });
  return written!.id;
}

/** Records how a started act ended (`done`, `refused`, `failed`), with what else it says: the one update an audit row gets. */
export async function settleAudit(
  db: Executor,
  id: number,
  detail: { outcome: 'done' | 'refused' | 'failed' } & Record<string, unknown>,
): Promise<void> {
  await db
    .update(auditLog)
    .set({ detail: sql`${auditLog.detail} || ${JSON.stringify(detail)}::jsonb` })
    .where(eq(auditLog.id, id));
}

export async function listAudit(db: Executor, subject: string): Promise<AuditRow[]> {
  return db.select().from(auditLog).where(eq(auditLog.subject, subject)).orderBy(asc(auditLog.id));
}
