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

/**
 * Callback requests taken by the IVR (instead of waiting, or after hours). They keep the
 * caller's original place (`queuedAt`) and priority; the worker places them when an agent with
 * the skill is free and the hall is open.
 */
export const callbackRequests = pgTable(
  'callback_requests',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** The call in which the caller asked; one request per call. */
    callSid: text('call_sid').notNull(),
    hotlineNumber: text('hotline_number').notNull(),
    hallId: text('hall_id').notNull(),
    skill: text('skill').notNull(),
    /** The number to call back (the caller's), masked everywhere it is shown or logged. */
    phone: text('phone').notNull(),
    priority: integer('priority').notNull().default(0),
    /** The caller's original place: when they started waiting (or asked, after hours). */
    queuedAt: ts('queued_at').notNull(),
    requestedAt: ts('requested_at').notNull(),
    /** Not before this time (next working morning when taken after hours). */
    notBefore: ts('not_before').notNull(),
    status: text('status', { enum: ['pending', 'dialing', 'completed', 'given_up', 'cancelled'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastAttemptAt: ts('last_attempt_at'),
    agentId: text('agent_id'),
    /** The outbound call that reached the citizen, when one did. */
    outboundCallSid: text('outbound_call_sid'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('callback_requests_call_idx').on(t.callSid),
    index('callback_requests_pending_idx')
      .on(t.skill, t.priority, t.queuedAt)
      .where(sql`status = 'pending'`),
  ],
);
