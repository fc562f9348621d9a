import { asc, eq, sql, type SQL } from 'drizzle-orm';
import { queryRows, tableRows, type Executor } from '../platform/db.js';
import { insertWhen, partCtes, type StatementPart } from '../platform/sql-parts.js';
import { callOutcomes } from './outcomes-tables.js';

export type CallOutcomeRow = typeof callOutcomes.$inferSelect;
export type NewCallOutcome = Omit<typeof callOutcomes.$inferInsert, 'id'>;

/**
 * The outcome written in one statement with what commits with it: `marked` (a part returning a
 * row when the agent's call may take the outcome) runs first; the outcome is inserted only when
 * it returned a row, and `also(when)` are parts (the ledger event, the audit row) written under
 * the same condition. Undefined when `marked` returned no row; a second outcome for the call
 * is PostgreSQL's unique violation, and nothing is written.
 */
export async function insertOutcomeWith(
  db: Executor,
  outcome: NewCallOutcome,
  marked: StatementPart,
  also: (when: SQL) => StatementPart[],
): Promise<CallOutcomeRow | undefined> {
  const when = sql`exists (select 1 from marked)`;
  const rows = await queryRows(
    db,
    sql`with marked as (${marked}),
        outcome as (${insertWhen(callOutcomes, outcome, when, sql`returning *`)})
        ${partCtes(also(sql`exists (select 1 from outcome)`))}
        select * from outcome`,
  );
  return tableRows(callOutcomes, rows)[0];
}

export async function listOutcomes(db: Executor, callSid: string): Promise<CallOutcomeRow[]> {
  return db
    .select()
    .from(callOutcomes)
    .where(eq(callOutcomes.callSid, callSid))
    .orderBy(asc(callOutcomes.id));
}
