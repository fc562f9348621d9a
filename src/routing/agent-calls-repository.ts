import { and, asc, desc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../platform/db.js';
import { insertWhen, type StatementPart } from '../platform/sql-parts.js';
import { agentCalls, agentStateLog } from './routing-tables.js';

export type AgentStateLogRow = typeof agentStateLog.$inferSelect;
export type AgentCallRow = typeof agentCalls.$inferSelect;

/** What a state change does to the agent's answered call: written in the statement of its log row. */
export type AgentCallChange =
  | { answered: { callSid: string; agentId: string; skill: string | null; answeredAt: Date } }
  | { ended: { callSid: string; agentId: string; at: Date } }
  | { wrapUpEnded: { callSid: string; agentId: string; at: Date } };

/** Logs a state change; with `change`, the agent's answered call is recorded in the same statement. */
export async function insertStateLog(
  db: Executor,
  row: Omit<typeof agentStateLog.$inferInsert, 'id'>,
  change?: AgentCallChange,
): Promise<void> {
  const [first, second] = stateLogParts(db, row, change);
  await db.execute(second ? sql`with call as (${first!}) ${second}` : first!);
}

/**
 * A state change's log row (and, with `change`, what it does to the agent's answered call) as
 * parts of another statement (see platform/sql-parts.ts).
 */
export function stateLogParts(
  db: Executor,
  row: Omit<typeof agentStateLog.$inferInsert, 'id'>,
  change?: AgentCallChange,
): StatementPart[] {
  const insert = db.insert(agentStateLog).values(row).getSQL();
  return change ? [agentCallChange(db, change).getSQL(), insert] : [insert];
}

/** A state change's log row as a part of another statement, written only when `when` holds. */
export function stateLogPartWhen(
  row: Omit<typeof agentStateLog.$inferInsert, 'id'>,
  when: SQL,
): StatementPart {
  return insertWhen(agentStateLog, row, when);
}

function agentCallChange(db: Executor, change: AgentCallChange) {
  return 'answered' in change
    ? db
        .insert(agentCalls)
        .values(change.answered)
        .onConflictDoNothing({ target: [agentCalls.callSid, agentCalls.agentId] })
    : 'ended' in change
      ? db
          .update(agentCalls)
          .set({ endedAt: change.ended.at })
          .where(
            and(
              eq(agentCalls.callSid, change.ended.callSid),
              eq(agentCalls.agentId, change.ended.agentId),
            ),
          )
      : wrapUpEndedUpdate(db, change.wrapUpEnded);
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
) =>
  db
    .update(agentCalls)
    .set({
      outcomeStatus: 'recorded',
      ...(wrapUpEndedAt
        ? {
            wrapUpEndedAt: sql`coalesce(${agentCalls.wrapUpEndedAt}, ${wrapUpEndedAt.toISOString()}::timestamptz)`,
          }
        : {}),
    })
    .where(and(eq(agentCalls.callSid, callSid), eq(agentCalls.agentId, agentId)))
    .returning({ id: agentCalls.id });

/** Records when the agent's after-call work ended, once: a later call of this keeps the first time. */
const wrapUpEndedUpdate = (
  db: Executor,
  { callSid, agentId, at }: { callSid: string; agentId: string; at: Date },
) =>
  db
    .update(agentCalls)
    .set({ wrapUpEndedAt: at })
    .where(
      and(
        eq(agentCalls.callSid, callSid),
        eq(agentCalls.agentId, agentId),
        isNull(agentCalls.wrapUpEndedAt),
      ),
    );

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
