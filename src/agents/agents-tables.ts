import { sql } from 'drizzle-orm';
import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true });

/** Every agent state change, with its time: the log that shows why an agent was where. */
export const agentStateLog = pgTable(
  'agent_state_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    agentId: text('agent_id').notNull(),
    fromState: text('from_state').notNull(),
    toState: text('to_state').notNull(),
    reason: text('reason'),
    version: integer('version').notNull(),
    callSid: text('call_sid'),
    at: ts('at').notNull(),
  },
  (t) => [index('agent_state_log_agent_idx').on(t.agentId, t.id)],
);

/**
 * One row per call an agent answered: when wrap-up ended and whether an outcome was recorded
 * (`missing` when wrap-up ran out without one).
 */
export const agentCalls = pgTable(
  'agent_calls',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    callSid: text('call_sid').notNull(),
    agentId: text('agent_id').notNull(),
    skill: text('skill'),
    answeredAt: ts('answered_at').notNull(),
    endedAt: ts('ended_at'),
    wrapUpEndedAt: ts('wrap_up_ended_at'),
    outcomeStatus: text('outcome_status', { enum: ['pending', 'recorded', 'missing'] }).notNull().default('pending'),
  },
  (t) => [
    uniqueIndex('agent_calls_call_agent_idx').on(t.callSid, t.agentId),
    index('agent_calls_missing_idx').on(t.agentId).where(sql`outcome_status = 'missing'`),
    // The statistics rebuild a day's agent figures by the legs answered that day.
    index('agent_calls_answered_idx').on(t.answeredAt),
  ],
);

/** The outcome an agent recorded for a call: consultation, item completed by phone, booking or other. */
export const callOutcomes = pgTable(
  'call_outcomes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    callSid: text('call_sid').notNull(),
    agentId: text('agent_id').notNull(),
    kind: text('kind', { enum: ['consultation', 'completed_by_phone', 'booking', 'other'] }).notNull(),
    /** The service concerned, when there is one (catalogue id). */
    serviceId: text('service_id'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull(),
    recordedAt: ts('recorded_at').notNull(),
  },
  (t) => [uniqueIndex('call_outcomes_call_agent_idx').on(t.callSid, t.agentId), index('call_outcomes_kind_idx').on(t.kind, t.recordedAt)],
);

/** Who read or changed a call's personal data, what and when. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    actorId: text('actor_id').notNull(),
    action: text('action').notNull(),
    subject: text('subject').notNull(),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
    at: ts('at').notNull(),
  },
  (t) => [index('audit_log_subject_idx').on(t.subject, t.id), index('audit_log_actor_idx').on(t.actorId, t.id)],
);
