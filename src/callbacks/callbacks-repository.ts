import { and, asc, desc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Executor } from '../platform/db.js';
import { callbackRequests } from './callbacks-tables.js';

export type CallbackRequestRow = typeof callbackRequests.$inferSelect;
export type NewCallbackRequest = Omit<
  typeof callbackRequests.$inferInsert,
  'id' | 'createdAt' | 'updatedAt' | 'status' | 'attempts'
>;

/** Inserts the request unless the call already made one; returns the stored request. */
export async function insertCallbackRequest(
  db: Executor,
  request: NewCallbackRequest,
): Promise<{ row: CallbackRequestRow; created: boolean }> {
  const inserted = await db
    .insert(callbackRequests)
    .values(request)
    .onConflictDoNothing({ target: callbackRequests.callSid })
    .returning();
  if (inserted[0]) return { row: inserted[0], created: true };
  const [existing] = await db
    .select()
    .from(callbackRequests)
    .where(eq(callbackRequests.callSid, request.callSid));
  return { row: existing!, created: false };
}

/** Pending requests for these skills that may be placed now: highest priority, then the earliest original place. */
export async function listDueCallbacks(
  db: Executor,
  skills: readonly string[],
  now: Date,
  limit: number,
): Promise<CallbackRequestRow[]> {
  if (skills.length === 0) return [];
  return db
    .select()
    .from(callbackRequests)
    .where(
      and(
        eq(callbackRequests.status, 'pending'),
        inArray(callbackRequests.skill, [...skills]),
        lte(callbackRequests.notBefore, now),
      ),
    )
    .orderBy(
      desc(callbackRequests.priority),
      asc(callbackRequests.queuedAt),
      asc(callbackRequests.id),
    )
    .limit(limit);
}

/** Moves a request from `from` to `to` only if it is still in `from` (compare-and-set); true when this caller won. */
export async function transitionCallback(
  db: Executor,
  id: number,
  from: CallbackRequestRow['status'],
  to: CallbackRequestRow['status'],
  values: Partial<typeof callbackRequests.$inferInsert> = {},
): Promise<boolean> {
  const rows = await db
    .update(callbackRequests)
    .set({ ...values, status: to, updatedAt: sql`now()` })
    .where(and(eq(callbackRequests.id, id), eq(callbackRequests.status, from)))
    .returning({ id: callbackRequests.id });
  return rows.length > 0;
}

export async function findCallbackRequest(
  db: Executor,
  id: number,
): Promise<CallbackRequestRow | undefined> {
  const [row] = await db.select().from(callbackRequests).where(eq(callbackRequests.id, id));
  return row;
}

/** Requests in one status, oldest first (e.g. `dialing` ones whose outbound call was lost with Redis). */
export async function listCallbacksByStatus(
  db: Executor,
  status: CallbackRequestRow['status'],
  limit: number,
): Promise<CallbackRequestRow[]> {
  return db
    .select()
    .from(callbackRequests)
    .where(eq(callbackRequests.status, status))
    .orderBy(asc(callbackRequests.id))
    .limit(limit);
}
