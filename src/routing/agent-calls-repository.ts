import { and, asc, desc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Executor } from '../platform/db.js';
import { insertRowsWhen, withParts, type StatementPart } from '../platform/sql-parts.js';
import { agentCalls, agentStateLog } from './routing-tables.js';

export type AgentStateLogRow = typeof agentStateLog.$inferSelect;
export type AgentCallRow = typeof agentCalls.$inferSelect;

/** What a state change does to the agent's answered call: written in the statement of its log row. */
export type AgentCallChange =
  | { answered: { callSid: string; agentId: string; skill: string | null; answeredAt: Date } }
  | { ended: { callSid: string; agentId: string; at: Date } }
  | { wrapUpEnded: { callSid: string; agentId: string; at: Date } };

export type StateLogRow = Omit<typeof agentStateLog.$inferInsert, 'id'>;

/**
 * Changes held in Redis until the agent's next written change (see routing-scripts.ts): their log
 * rows, in order, and the ends of the agent's calls among them.
 */
export interface HeldChanges {
  rows: StateLogRow[];
  ended: Array<{ callSid: string; agentId: string; at: Date }>;
}
export const NOTHING_HELD: HeldChanges = { rows: [], ended: [] };

/**
 * Logs a state change (after the changes held before it); with `change`, the agent's answered
 * call is recorded in the same statement.
 */
export async function insertStateLog(
  db: Executor,
  row: StateLogRow,
  change?: AgentCallChange,
  held: HeldChanges = NOTHING_HELD,
): Promise<void> {
  const parts = stateLogParts(db, row, change, held);
  await db.execute(withParts(parts.slice(0, -1), parts.at(-1)!));
}

/**
 * A state change's log row, after the rows held before it, in one insert (their ids in order),
 * and what the change and the held ones do to the agent's calls, as parts of another statement
 * (see platform/sql-parts.ts). The insert is the last part.
 */
export function stateLogParts(
  db: Executor,
  row: StateLogRow,
  change?: AgentCallChange,
  held: HeldChanges = NOTHING_HELD,
): StatementPart[] {
  const insert = db
    .insert(agentStateLog)
    .values([...held.rows, row])
    .getSQL();
  const merged = change && 'wrapUpEnded' in change ? endOf(held, change.wrapUpEnded) : undefined;
  return [
    ...(change ? [agentCallChange(db, change, merged).getSQL()] : []),
    ...heldEndParts(db, held, merged),
    insert,
  ];
}

/**
 * A state change's log row as a part of another statement, written only when `when` holds; the
 * rows held before it are written whatever `when` says (they happened), in the same insert. With
 * `merged`, the end of that call (held) is left to the statement's own update of it (a statement
 * may change a row only once).
 */
export function stateLogPartsWhen(
  db: Executor,
  row: StateLogRow,
  when: SQL,
  held: HeldChanges = NOTHING_HELD,
  merged?: { callSid: string; agentId: string },
): StatementPart[] {
  const insert = insertRowsWhen(agentStateLog, [
    ...held.rows.map((heldRow) => ({ row: heldRow })),
    { row, when },
  ]);
  return [...heldEndParts(db, held, merged && endOf(held, merged)), insert];
}

/** The held end of the agent's `call`, if one is held. */
export const endOf = (held: HeldChanges, call: { callSid: string; agentId: string }) =>
  held.ended.find((end) => end.callSid === call.callSid && end.agentId === call.agentId);

/** The held ends of the agent's calls, each its own update, but `merged` (written by another). */
function heldEndParts(
  db: Executor,
  held: HeldChanges,
  merged?: { callSid: string; agentId: string },
): StatementPart[] {
  return held.ended.filter((end) => end !== merged).map((end) => endedUpdate(db, end).getSQL());
}

/** The end of the agent's call (a call the agent came back to ends again). */
const endedUpdate = (db: Executor, end: { callSid: string; agentId: string; at: Date }) =>
  db
    .update(agentCalls)
    .set({ endedAt: end.at })
    .where(and(eq(agentCalls.callSid, end.callSid), eq(agentCalls.agentId, end.agentId)));

function agentCallChange(db: Executor, change: AgentCallChange, ended?: { at: Date }) {
  return 'answered' in change
    ? db
        .insert(agentCalls)
        .values(change.answered)
        .onConflictDoNothing({ target: [agentCalls.callSid, agentCalls.agentId] })
    : 'ended' in change
      ? endedUpdate(db, change.ended)
      : wrapUpEndedUpdate(db, change.wrapUpEnded, ended?.at);
}

/** Each agent's latest logged state change: where routing had every agent when Redis was lost. */
export async function listLatestStates(db: Executor): Promise<AgentStateLogRow[]> {
  return db
    .selectDistinctOn([agentStateLog.agentId])
    .from(agentStateLog)
    .orderBy(agentStateLog.agentId, desc(agentStateLog.id));
}

export async function listStateLog(db: Executor, agentId: string): Promise<AgentStateLogRow[]> {
  return db
    .select()
    .from(agentStateLog)
    .where(eq(agentStateLog.agentId, agentId))
    .orderBy(asc(agentStateLog.id));
}

/** Records that the agent answered the call; a repeated callback changes nothing. */
export async function insertAgentCall(
  db: Executor,
  row: { callSid: string; agentId: string; skill: string | null; answeredAt: Date },
): Promise<void> {
  await db
    .insert(agentCalls)
    .values(row)
    .onConflictDoNothing({ target: [agentCalls.callSid, agentCalls.agentId] });
}

export async function findAgentCall(
  db: Executor,
  callSid: string,
  agentId: string,
): Promise<AgentCallRow | undefined> {
  const [row] = await db
    .select()
    .from(agentCalls)
    .where(and(eq(agentCalls.callSid, callSid), eq(agentCalls.agentId, agentId)));
  return row;
}

export async function updateAgentCall(
  db: Executor,
  callSid: string,
  agentId: string,
  values: Partial<typeof agentCalls.$inferInsert>,
  onlyIfPending = false,
): Promise<boolean> {
  const rows = await db
    .update(agentCalls)
    .set(values)
    .where(
      and(
        eq(agentCalls.callSid, callSid),
        eq(agentCalls.agentId, agentId),
        onlyIfPending ? eq(agentCalls.outcomeStatus, 'pending') : undefined,
      ),
    )
    .returning({ id: agentCalls.id });
  return rows.length > 0;
}

/**
 * Marks the outcome of the agent's call recorded (and, with `wrapUpEndedAt`, the end of its
 * wrap-up, once: one update, as a statement may change a row only once); returns its id, no row
 * when there is no such call.
 */
export const outcomeRecordedUpdate = (
  db: Executor,
  callSid: string,
  agentId: string,
  wrapUpEndedAt?: Date,
  endedAt?: Date,
) =>
  db
    .update(agentCalls)
    .set({
      outcomeStatus: 'recorded',
      ...(endedAt ? { endedAt } : {}),
      ...(wrapUpEndedAt
        ? { wrapUpEndedAt: coalesceAt(agentCalls.wrapUpEndedAt, wrapUpEndedAt) }
        : {}),
    })
    .where(and(eq(agentCalls.callSid, callSid), eq(agentCalls.agentId, agentId)))
    .returning({ id: agentCalls.id });

/** Records when the agent's after-call work ended, once: a later call of this keeps the first time. */
const wrapUpEndedUpdate = (
  db: Executor,
  { callSid, agentId, at }: { callSid: string; agentId: string; at: Date },
  endedAt?: Date,
) =>
  endedAt
    ? // With the call's end held until now, both in one update.
      db
        .update(agentCalls)
        .set({
          wrapUpEndedAt: coalesceAt(agentCalls.wrapUpEndedAt, at),
          endedAt,
        })
        .where(and(eq(agentCalls.callSid, callSid), eq(agentCalls.agentId, agentId)))
    : db
        .update(agentCalls)
        .set({ wrapUpEndedAt: at })
        .where(
          and(
            eq(agentCalls.callSid, callSid),
            eq(agentCalls.agentId, agentId),
            isNull(agentCalls.wrapUpEndedAt),
          ),
        );

/** A time set once: the column's own value when it has one. */
const coalesceAt = (column: PgColumn, at: Date) =>
  sql`coalesce(${column}, ${at.toISOString()}::timestamptz)`;

/** Answered calls that ended without an outcome, newest first. */
export async function listCallsLackingOutcome(
  db: Executor,
  limit: number,
): Promise<AgentCallRow[]> {
  return db
    .select()
    .from(agentCalls)
    .where(eq(agentCalls.outcomeStatus, 'missing'))
    .orderBy(sql`${agentCalls.answeredAt} desc`)
    .limit(limit);
}
