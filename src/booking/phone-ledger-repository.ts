import { asc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../platform/db.js';
import { phoneLedger } from './phone-ledger-tables.js';

export type PhoneLedgerRow = typeof phoneLedger.$inferSelect;
export type NewPhoneLedgerRow = Omit<typeof phoneLedger.$inferInsert, 'id'>;

/**
 * Appends an entry. An agent's action without a call SID is put on the call the agent is
 * talking on (answered, not ended), when there is one.
 */
export async function insertEntry(db: Executor, entry: NewPhoneLedgerRow): Promise<void> {
  const callSid =
    entry.callSid ??
    (entry.agentId
      ? sql`(select c.call_sid from calls c where c.agent_id = ${entry.agentId} and c.answered_at is not null and c.ended_at is null order by c.answered_at desc limit 1)`
      : null);
  await db.insert(phoneLedger).values({ ...entry, callSid });
}

export async function listForCall(db: Executor, callSid: string): Promise<PhoneLedgerRow[]> {
  return db
    .select()
    .from(phoneLedger)
    .where(eq(phoneLedger.callSid, callSid))
    .orderBy(asc(phoneLedger.id));
}

export async function listForDay(
  db: Executor,
  day: string,
  afterId: number,
  limit: number,
): Promise<PhoneLedgerRow[]> {
  return db
    .select()
    .from(phoneLedger)
    .where(sql`${phoneLedger.day} = ${day} and ${phoneLedger.id} > ${afterId}`)
    .orderBy(asc(phoneLedger.id))
    .limit(limit);
}
