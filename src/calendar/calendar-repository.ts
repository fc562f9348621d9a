import { eq, gte } from 'drizzle-orm';
import type { Database, Executor } from '../platform/db.js';
import { calendarDays, calendarYears, hallClosures } from './calendar-tables.js';

export type CalendarYearRow = typeof calendarYears.$inferSelect;
export type CalendarDayRow = typeof calendarDays.$inferSelect;
export type HallClosureRow = typeof hallClosures.$inferSelect;

export async function listYears(db: Executor): Promise<CalendarYearRow[]> {
  return db.select().from(calendarYears);
}

export async function listDays(db: Executor): Promise<CalendarDayRow[]> {
  return db.select().from(calendarDays);
}

/** Closures that end today or later (older ones no longer matter to routing or booking). */
export async function listClosuresEndingFrom(
  db: Executor,
  fromDate: string,
): Promise<HallClosureRow[]> {
  return db.select().from(hallClosures).where(gte(hallClosures.endsOn, fromDate));
}

/** Replaces a year's staff-entered schedule in one transaction. */
export async function replaceYear(
  db: Database,
  year: { year: number; reference: string; enteredBy: string },
  days: Array<{ date: string; kind: 'holiday' | 'workday'; name: string }>,
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(calendarDays).where(eq(calendarDays.year, year.year));
    await tx
      .insert(calendarYears)
      .values(year)
      .onConflictDoUpdate({
        target: calendarYears.year,
        set: { reference: year.reference, enteredBy: year.enteredBy, enteredAt: new Date() },
      });
    if (days.length > 0)
      await tx.insert(calendarDays).values(days.map((d) => ({ ...d, year: year.year })));
  });
}

export async function insertClosure(
  db: Executor,
  closure: Omit<typeof hallClosures.$inferInsert, 'id' | 'createdAt'>,
): Promise<HallClosureRow> {
  const [row] = await db.insert(hallClosures).values(closure).returning();
  return row!;
}

export async function deleteClosure(db: Executor, id: number): Promise<boolean> {
  const rows = await db
    .delete(hallClosures)
    .where(eq(hallClosures.id, id))
    .returning({ id: hallClosures.id });
  return rows.length > 0;
}
