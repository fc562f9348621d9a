import { and, asc, desc, eq, max } from 'drizzle-orm';
import type { Executor } from '../platform/db.js';
import type { Guide } from './guides-schemas.js';
import { guideRevisions, guideSms } from './guides-tables.js';

export type GuideRevisionRow = typeof guideRevisions.$inferSelect;
export type GuideSmsRow = typeof guideSms.$inferSelect;

/** The highest revision row id: changes whenever any guide is edited (a cache key). */
export async function latestRevisionId(db: Executor): Promise<number> {
  const [row] = await db.select({ id: max(guideRevisions.id) }).from(guideRevisions);
  return row?.id ?? 0;
}

/** The latest revision of every edited service. */
export async function listLatestRevisions(db: Executor): Promise<GuideRevisionRow[]> {
  return db
    .selectDistinctOn([guideRevisions.serviceId])
    .from(guideRevisions)
    .orderBy(guideRevisions.serviceId, desc(guideRevisions.revision));
}

/** Every revision of a service, oldest first. */
export async function listRevisions(db: Executor, serviceId: string): Promise<GuideRevisionRow[]> {
  return db
    .select()
    .from(guideRevisions)
    .where(eq(guideRevisions.serviceId, serviceId))
    .orderBy(asc(guideRevisions.revision));
}

/** Adds revision `revision` of a service; a concurrent edit with the same number fails on the unique index. */
export async function insertRevision(
  db: Executor,
  row: {
    serviceId: string;
    revision: number;
    content: Guide;
    editedBy: string;
    editedAt: Date;
    note: string;
  },
): Promise<GuideRevisionRow> {
  const [inserted] = await db.insert(guideRevisions).values(row).returning();
  return inserted!;
}

export async function insertGuideSms(
  db: Executor,
  row: Omit<typeof guideSms.$inferInsert, 'id' | 'status'>,
): Promise<GuideSmsRow> {
  const [inserted] = await db.insert(guideSms).values(row).returning();
  return inserted!;
}

export async function findGuideSms(db: Executor, id: number): Promise<GuideSmsRow | undefined> {
  const [row] = await db.select().from(guideSms).where(eq(guideSms.id, id));
  return row;
}

/** Settles a queued SMS once (compare-and-set on `queued`); false when it was settled already. */
export async function settleGuideSms(
  db: Executor,
  id: number,
  status: 'sent' | 'skipped',
  detail: string,
  at: Date,
): Promise<boolean> {
  const rows = await db
    .update(guideSms)
    .set({ status, detail, sentAt: status === 'sent' ? at : null })
    .where(and(eq(guideSms.id, id), eq(guideSms.status, 'queued')))
    .returning({ id: guideSms.id });
  return rows.length > 0;
}

/** The guide SMS of a call, oldest first. */
export async function listGuideSmsOfCall(db: Executor, callSid: string): Promise<GuideSmsRow[]> {
  return db.select().from(guideSms).where(eq(guideSms.callSid, callSid)).orderBy(asc(guideSms.id));
}
