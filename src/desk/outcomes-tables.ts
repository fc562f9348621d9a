import {
  bigserial,
  index,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true });

/** The outcome an agent recorded for a call: consultation, item completed by phone, booking or other. */
export const callOutcomes = pgTable(
  'call_outcomes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    callSid: text('call_sid').notNull(),
    agentId: text('agent_id').notNull(),
    kind: text('kind', {
      enum: ['consultation', 'completed_by_phone', 'booking', 'other'],
    }).notNull(),
    /** The service concerned, when there is one (catalogue id). */
    serviceId: text('service_id'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull(),
    recordedAt: ts('recorded_at').notNull(),
  },
  (t) => [
    uniqueIndex('call_outcomes_call_agent_idx').on(t.callSid, t.agentId),
    index('call_outcomes_kind_idx').on(t.kind, t.recordedAt),
  ],
);
