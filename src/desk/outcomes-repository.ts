import { asc, eq } from 'drizzle-orm';
import type { Executor } from '../platform/db.js';
import { callOutcomes } from './outcomes-tables.js';

export type CallOutcomeRow = typeof callOutcomes.$inferSelect;
export type NewCallOutcome = Omit<typeof callOutcomes.$inferInsert, 'id'>;

export async function insertOutcome(
  db: Executor,
  outcome: NewCallOutcome,
): Promise<CallOutcomeRow> {
  const [row] = await db.insert(callOutcomes).values(outcome).returning();
  return row!;
}

export async function listOutcomes(db: Executor, callSid: string): Promise<CallOutcomeRow[]> {
  return db
    .select()
    .from(callOutcomes)
    .where(eq(callOutcomes.callSid, callSid))
    .orderBy(asc(callOutcomes.id));
}
