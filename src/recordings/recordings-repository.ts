import { and, asc, eq, isNull, lt } from 'drizzle-orm';
import type { Executor } from '../platform/db.js';
import { callRecordings } from './recordings-tables.js';

export type RecordingRow = typeof callRecordings.$inferSelect;

/** Keeps a recording's reference; a re-delivered callback changes nothing. */
export async function insertRecording(
  db: Executor,
  row: typeof callRecordings.$inferInsert,
): Promise<void> {
  await db.insert(callRecordings).values(row).onConflictDoNothing();
}

export function listRecordings(db: Executor, callSid: string): Promise<RecordingRow[]> {
  return db
    .select()
    .from(callRecordings)
    .where(eq(callRecordings.callSid, callSid))
    .orderBy(asc(callRecordings.receivedAt));
}

export async function findRecording(
  db: Executor,
  recordingSid: string,
): Promise<RecordingRow | undefined> {
  const [row] = await db
    .select()
    .from(callRecordings)
    .where(eq(callRecordings.recordingSid, recordingSid));
  return row;
}

/** Recordings not yet deleted that were received before `before`, at most `limit`. */
export function listExpiredRecordings(
  db: Executor,
  before: Date,
  limit: number,
): Promise<RecordingRow[]> {
  return db
    .select()
    .from(callRecordings)
    .where(and(isNull(callRecordings.deletedAt), lt(callRecordings.receivedAt, before)))
    .limit(limit);
}

export async function markRecordingDeleted(
  db: Executor,
  recordingSid: string,
  at: Date,
): Promise<void> {
  await db
    .update(callRecordings)
    .set({ deletedAt: at })
    .where(eq(callRecordings.recordingSid, recordingSid));
}
