import { asc, eq } from 'drizzle-orm';
import type { Executor } from './db.js';
import { auditLog } from './audit-tables.js';

export type AuditRow = typeof auditLog.$inferSelect;

/** Who read or changed personal data, what and when: one row per act, never updated. */
export async function insertAudit(
  db: Executor,
  row: Omit<typeof auditLog.$inferInsert, 'id'>,
): Promise<void> {
  await db.insert(auditLog).values(row);
}

export async function listAudit(db: Executor, subject: string): Promise<AuditRow[]> {
  return db.select().from(auditLog).where(eq(auditLog.subject, subject)).orderBy(asc(auditLog.id));
}
