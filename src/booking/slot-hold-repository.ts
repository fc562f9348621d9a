import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../platform/db.js';
import { bookingHolds } from './booking-tables.js';
import { instant } from './sql-time.js';

export type HoldRow = typeof bookingHolds.$inferSelect;

export async function insertHold(
  db: Executor,
  hold: typeof bookingHolds.$inferInsert,
): Promise<HoldRow> {
  const [row] = await db.insert(bookingHolds).values(hold).returning();
  return row!;
}

export async function findHold(db: Executor, id: string): Promise<HoldRow | undefined> {
  const [row] = await db.select().from(bookingHolds).where(eq(bookingHolds.id, id));
  return row;
}

/** Claims an active, unexpired hold for a booking; undefined when it expired or was used. */
export async function claimHold(db: Executor, id: string, now: Date): Promise<HoldRow | undefined> {
  const [row] = await db
    .update(bookingHolds)
    .set({ status: 'confirmed', endedAt: now })
    .where(
      and(
        eq(bookingHolds.id, id),
        eq(bookingHolds.status, 'active'),
        sql`${bookingHolds.expiresAt} > ${instant(now)}`,
      ),
    )
    .returning();
  return row;
}

/**
 * Ends an active hold as expired (only once its time is up) or released (any time);
 * returns it when this call ended it, so that its place is given back exactly once.
 */
export async function endHold(
  db: Executor,
  id: string,
  status: 'expired' | 'released',
  now: Date,
): Promise<HoldRow | undefined> {
  const [row] = await db
    .update(bookingHolds)
    .set({ status, endedAt: now })
    .where(
      and(
        eq(bookingHolds.id, id),
        eq(bookingHolds.status, 'active'),
        status === 'expired' ? sql`${bookingHolds.expiresAt} <= ${instant(now)}` : undefined,
      ),
    )
    .returning();
  return row;
}

/** Active holds whose time is up, for the sweeper. */
export async function listExpiredHolds(db: Executor, now: Date, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: bookingHolds.id })
    .from(bookingHolds)
    .where(
      and(eq(bookingHolds.status, 'active'), sql`${bookingHolds.expiresAt} <= ${instant(now)}`),
    )
    .orderBy(asc(bookingHolds.expiresAt))
    .limit(limit);
  return rows.map((r) => r.id);
}

/** Every active hold, with its expiry, to restore the expiry jobs after a Redis loss. */
export async function listActiveHolds(
  db: Executor,
  limit: number,
): Promise<Array<{ id: string; expiresAt: Date }>> {
  return db
    .select({ id: bookingHolds.id, expiresAt: bookingHolds.expiresAt })
    .from(bookingHolds)
    .where(eq(bookingHolds.status, 'active'))
    .orderBy(asc(bookingHolds.expiresAt))
    .limit(limit);
}

/** The newest active holds of a slot, to release when its capacity drops under them. */
export async function listNewestActiveHolds(
  db: Executor,
  slotId: number,
  count: number,
): Promise<HoldRow[]> {
  if (count <= 0) return [];
  return db
    .select()
    .from(bookingHolds)
    .where(and(eq(bookingHolds.slotId, slotId), eq(bookingHolds.status, 'active')))
    .orderBy(desc(bookingHolds.createdAt))
    .limit(count);
}

export async function setHoldIdentity(
  db: Executor,
  id: string,
  identity: { idHash: string; idMasked: string },
): Promise<boolean> {
  const rows = await db
    .update(bookingHolds)
    .set(identity)
    .where(and(eq(bookingHolds.id, id), eq(bookingHolds.status, 'active')))
    .returning({ id: bookingHolds.id });
  return rows.length > 0;
}
