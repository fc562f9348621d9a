import { and, asc, desc, eq, gt } from 'drizzle-orm';
import type { Executor } from '../platform/db.js';
import { ivrAnnouncements } from './ivr-tables.js';

export type AnnouncementRow = typeof ivrAnnouncements.$inferSelect;
export type NewAnnouncement = Omit<typeof ivrAnnouncements.$inferInsert, 'id' | 'createdAt'>;

export async function insertAnnouncement(
  db: Executor,
  announcement: NewAnnouncement,
): Promise<AnnouncementRow> {
  const [row] = await db.insert(ivrAnnouncements).values(announcement).returning();
  return row!;
}

/** Announcements that have not ended by `now` (running or scheduled), in start order. */
export async function listUnended(db: Executor, now: Date): Promise<AnnouncementRow[]> {
  return db
    .select()
    .from(ivrAnnouncements)
    .where(gt(ivrAnnouncements.endsAt, now))
    .orderBy(asc(ivrAnnouncements.startsAt), asc(ivrAnnouncements.id));
}

/** Every announcement, newest first. */
export async function listAll(db: Executor, limit: number): Promise<AnnouncementRow[]> {
  return db
    .select()
    .from(ivrAnnouncements)
    .orderBy(desc(ivrAnnouncements.startsAt), desc(ivrAnnouncements.id))
    .limit(limit);
}

/** Ends a running or scheduled announcement now; false when there is none that has not ended. */
export async function endAnnouncement(db: Executor, id: number, now: Date): Promise<boolean> {
  const rows = await db
    .update(ivrAnnouncements)
    .set({ endsAt: now })
    .where(and(eq(ivrAnnouncements.id, id), gt(ivrAnnouncements.endsAt, now)))
    .returning({ id: ivrAnnouncements.id });
  return rows.length > 0;
}
