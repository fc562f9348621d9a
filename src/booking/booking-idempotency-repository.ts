import { and, eq, lt, sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../platform/db.js';
import { idempotencyKeys } from './booking-tables.js';

export type IdempotencyRow = typeof idempotencyKeys.$inferSelect;

/** Claims an idempotency key; false when it exists (then read it: the first request has committed). */
export async function claimIdempotencyKey(
  db: Executor,
  scope: string,
  key: string,
  requestHash: string,
): Promise<boolean> {
  // Written as SQL, like the other statements every booking runs (see tableRows).
  const rows = await queryRows(
    db,
    sql`insert into idempotency_keys (scope, key, request_hash) values (${scope}, ${key}, ${requestHash}) on conflict do nothing returning key`,
  );
  return rows.length > 0;
}

export async function findIdempotencyKey(
  db: Executor,
  scope: string,
  key: string,
): Promise<IdempotencyRow | undefined> {
  const [row] = await db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
  return row;
}

export async function storeIdempotentResponse(
  db: Executor,
  scope: string,
  key: string,
  status: number,
  response: unknown,
): Promise<void> {
  await db.execute(
    sql`update idempotency_keys set status = ${status}, response = ${JSON.stringify(response)}::jsonb where scope = ${scope} and key = ${key}`,
  );
}

export async function purgeIdempotencyKeys(db: Executor, before: Date): Promise<number> {
  const rows = await db
    .delete(idempotencyKeys)
    .where(lt(idempotencyKeys.createdAt, before))
    .returning({ key: idempotencyKeys.key });
  return rows.length;
}
