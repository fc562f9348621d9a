import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../platform/db.js';
import { agentCalls, agentStateLog, auditLog, callOutcomes, staffUsers } from './agents-tables.js';

export type StaffUserRow = typeof staffUsers.$inferSelect;
export type NewStaffUser = Omit<typeof staffUsers.$inferInsert, 'createdAt' | 'updatedAt'>;
export type AgentStateLogRow = typeof agentStateLog.$inferSelect;
export type AgentCallRow = typeof agentCalls.$inferSelect;
export type CallOutcomeRow = typeof callOutcomes.$inferSelect;
export type NewCallOutcome = Omit<typeof callOutcomes.$inferInsert, 'id'>;
export type AuditRow = typeof auditLog.$inferSelect;

export async function insertStaffUser(db: Executor, user: NewStaffUser): Promise<StaffUserRow> {
  const [row] = await db.insert(staffUsers).values(user).returning();
  return row!;
}

export async function findStaffUser(db: Executor, id: string): Promise<StaffUserRow | undefined> {
  const [row] = await db.select().from(staffUsers).where(eq(staffUsers.id, id));
  return row;
}

export async function setStaffUserDisabled(db: Executor, id: string, disabled: boolean): Promise<boolean> {
  const rows = await db.update(staffUsers).set({ disabled, updatedAt: sql`now()` }).where(eq(staffUsers.id, id)).returning({ id: staffUsers.id });
  return rows.length > 0;
}

export async function updateStaffUser(db: Executor, id: string, values: Partial<Pick<NewStaffUser, 'displayName' | 'skills' | 'passwordHash'>>): Promise<StaffUserRow | undefined> {
  const [row] = await db.update(staffUsers).set({ ...values, updatedAt: sql`now()` }).where(eq(staffUsers.id, id)).returning();
  return row;
}

/** Every staff account, disabled ones too, by username. */
export async function listStaffUsers(db: Executor): Promise<StaffUserRow[]> {
  return db.select().from(staffUsers).orderBy(asc(staffUsers.id));
}

export async function insertStateLog(db: Executor, row: Omit<typeof agentStateLog.$inferInsert, 'id'>): Promise<void> {
  await db.insert(agentStateLog).values(row);
}

/** Each agent's latest logged state change: where routing had every agent when Redis was lost. */
export async function listLatestStates(db: Executor): Promise<AgentStateLogRow[]> {
  return db.selectDistinctOn([agentStateLog.agentId]).from(agentStateLog).orderBy(agentStateLog.agentId, desc(agentStateLog.id));
}

/** Active staff accounts with their skills. */
export async function listActiveStaff(db: Executor): Promise<StaffUserRow[]> {
  return db.select().from(staffUsers).where(eq(staffUsers.disabled, false));
}

export async function listStateLog(db: Executor, agentId: string): Promise<AgentStateLogRow[]> {
  return db.select().from(agentStateLog).where(eq(agentStateLog.agentId, agentId)).orderBy(asc(agentStateLog.id));
}

/** Records that the agent answered the call; a repeated callback changes nothing. */
export async function insertAgentCall(db: Executor, row: { callSid: string; agentId: string; skill: string | null; answeredAt: Date }): Promise<void> {
  await db.insert(agentCalls).values(row).onConflictDoNothing({ target: [agentCalls.callSid, agentCalls.agentId] });
}

export async function findAgentCall(db: Executor, callSid: string, agentId: string): Promise<AgentCallRow | undefined> {
  const [row] = await db.select().from(agentCalls).where(and(eq(agentCalls.callSid, callSid), eq(agentCalls.agentId, agentId)));
  return row;
}

export async function updateAgentCall(db: Executor, callSid: string, agentId: string, values: Partial<typeof agentCalls.$inferInsert>, onlyIfPending = false): Promise<boolean> {
  const rows = await db
    .update(agentCalls)
    .set(values)
    .where(and(eq(agentCalls.callSid, callSid), eq(agentCalls.agentId, agentId), onlyIfPending ? eq(agentCalls.outcomeStatus, 'pending') : undefined))
    .returning({ id: agentCalls.id });
  return rows.length > 0;
}

/** Records when the agent's after-call work ended, once: a later call of this keeps the first time. */
export async function markWrapUpEnded(db: Executor, callSid: string, agentId: string, at: Date): Promise<void> {
  await db
    .update(agentCalls)
    .set({ wrapUpEndedAt: at })
    .where(and(eq(agentCalls.callSid, callSid), eq(agentCalls.agentId, agentId), isNull(agentCalls.wrapUpEndedAt)));
}

/** Answered calls that ended without an outcome, newest first. */
export async function listCallsLackingOutcome(db: Executor, limit: number): Promise<AgentCallRow[]> {
  return db.select().from(agentCalls).where(eq(agentCalls.outcomeStatus, 'missing')).orderBy(sql`${agentCalls.answeredAt} desc`).limit(limit);
}

export async function insertOutcome(db: Executor, outcome: NewCallOutcome): Promise<CallOutcomeRow> {
  const [row] = await db.insert(callOutcomes).values(outcome).returning();
  return row!;
}

export async function listOutcomes(db: Executor, callSid: string): Promise<CallOutcomeRow[]> {
  return db.select().from(callOutcomes).where(eq(callOutcomes.callSid, callSid)).orderBy(asc(callOutcomes.id));
}

export async function insertAudit(db: Executor, row: Omit<typeof auditLog.$inferInsert, 'id'>): Promise<void> {
  await db.insert(auditLog).values(row);
}

export async function listAudit(db: Executor, subject: string): Promise<AuditRow[]> {
  return db.select().from(auditLog).where(eq(auditLog.subject, subject)).orderBy(asc(auditLog.id));
}
