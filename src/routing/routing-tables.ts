import { sql } from 'drizzle-orm';
import {
  bigserial,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

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
    outcomeStatus: text('outcome_status', { enum: ['pending', 'recorded', 'missing'] })
      .notNull()
      .default('pending'),
  },
  (t) => [
    uniqueIndex('agent_calls_call_agent_idx').on(t.callSid, t.agentId),
    index('agent_calls_missing_idx')
      .on(t.agentId)
      .where(sql`outcome_status = 'missing'`),
    // The statistics rebuild a day's agent figures by the legs answered that day.
    index('agent_calls_answered_idx').on(t.answeredAt),
  ],
);
