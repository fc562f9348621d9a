import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../platform/db.js';
import { staffUsers } from './staff-tables.js';

export type StaffUserRow = typeof staffUsers.$inferSelect;
export type NewStaffUser = Omit<typeof staffUsers.$inferInsert, 'createdAt' | 'updatedAt'>;

export async function insertStaffUser(db: Executor, user: NewStaffUser): Promise<StaffUserRow> {
  const [row] = await db.insert(staffUsers).values(user).returning();
  return row!;
}

export async function findStaffUser(db: Executor, id: string): Promise<StaffUserRow | undefined> {
  const [row] = await db.select().from(staffUsers).where(eq(staffUsers.id, id));
  return row;
}

/** The accounts with these usernames (those that exist), in one statement. */
export async function findStaffUsers(
  db: Executor,
  ids: readonly string[],
): Promise<StaffUserRow[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(staffUsers)
    .where(inArray(staffUsers.id, [...ids]));
}

export async function setStaffUserDisabled(
  db: Executor,
  id: string,
  disabled: boolean,
): Promise<boolean> {
  const rows = await db
    .update(staffUsers)
    .set({ disabled, updatedAt: sql`now()` })
    .where(eq(staffUsers.id, id))
    .returning({ id: staffUsers.id });
  return rows.length > 0;
}

/** Active staff accounts with their skills. */
export async function listActiveStaff(db: Executor): Promise<StaffUserRow[]> {
  return db.select().from(staffUsers).where(eq(staffUsers.disabled, false));
}

export async function updateStaffUser(
  db: Executor,
  id: string,
  values: Partial<
    Pick<
      NewStaffUser,
      'displayName' | 'skills' | 'passwordHash' | 'sipAddress' | 'deskNumber' | 'sipPasswordSealed'
    >
  >,
): Promise<StaffUserRow | undefined> {
  const [row] = await db
    .update(staffUsers)
    .set({ ...values, updatedAt: sql`now()` })
    .where(eq(staffUsers.id, id))
    .returning();
  return row;
}

/** Every staff account, disabled ones too, by username. */
export async function listStaffUsers(db: Executor): Promise<StaffUserRow[]> {
  return db.select().from(staffUsers).orderBy(asc(staffUsers.id));
}
