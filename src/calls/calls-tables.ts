import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true });

/**
 * The call ledger: one row per call (inbound or outbound callback), with a timestamp for each
 * stage so that service level, abandons, speed of answer and handling time can be computed
 * exactly. Stage timestamps are only ever set once (first writer wins).
 */
export const calls = pgTable(
  'calls',
  {
    callSid: text('call_sid').primaryKey(),
    direction: text('direction', { enum: ['inbound', 'outbound'] })
      .notNull()
      .default('inbound'),
    hotlineNumber: text('hotline_number'),
    hallId: text('hall_id'),
    departmentId: text('department_id'),
    /** The caller's number, kept for callbacks; masked in logs and exports. */
    fromNumber: text('from_number').notNull().default(''),
    toNumber: text('to_number').notNull().default(''),
    /** Twilio's CallStatus with the highest rank seen so far. */
    status: text('status').notNull().default('ringing'),
    statusRank: integer('status_rank').notNull().default(0),
    lastSequenceNumber: integer('last_sequence_number'),
    arrivedAt: ts('arrived_at').notNull(),
    ivrEndedAt: ts('ivr_ended_at'),
    queuedAt: ts('queued_at'),
    offeredAt: ts('offered_at'),
    answeredAt: ts('answered_at'),
    endedAt: ts('ended_at'),
    /** Department skill of the queue the call waited in, and its priority. */
    queueSkill: text('queue_skill'),
    /** Routing priority set by the IVR: 0 normal, higher first (green channel, priority callers). */
    priority: integer('priority').notNull().default(0),
    /** Twilio's Queue SID the call waits in (from the Enqueue waitUrl), for dequeuing it. */
    twilioQueueSid: text('twilio_queue_sid'),
    greenChannel: boolean('green_channel').notNull().default(false),
    /** Why the caller is on the priority list (elderly, disabled, ...), when they are. */
    priorityReason: text('priority_reason'),
    /** The enterprise recognised from the calling number, and its chief service commissioner (preferred in routing). */
    enterpriseId: text('enterprise_id'),
    commissionerId: text('commissioner_id'),
    agentId: text('agent_id'),
    selfServed: boolean('self_served').notNull().default(false),
    /** A simulated caller of a supervisor's training session: never in statistics, exports or reconciliation. */
    training: boolean('training').notNull().default(false),
    callbackRequested: boolean('callback_requested').notNull().default(false),
    /** How the call ended, set by the IVR (rejected, ended_in_ivr) or by the post-call summary. */
    endReason: text('end_reason', {
      enum: [
        'answered',
        'abandoned_in_ivr',
        'abandoned_in_queue',
        'self_served',
        'callback_requested',
        'ended_in_ivr',
        'rejected',
        'failed',
      ],
    }),
    durationSeconds: integer('duration_seconds'),
    ivrSeconds: integer('ivr_seconds'),
    queueSeconds: integer('queue_seconds'),
    talkSeconds: integer('talk_seconds'),
    summarizedAt: ts('summarized_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('calls_hotline_arrived_idx').on(t.hotlineNumber, t.arrivedAt),
    index('calls_arrived_idx').on(t.arrivedAt),
    index('calls_from_idx').on(t.fromNumber),
    // The few training calls: statistics leave them out without looking up every call they count.
    index('calls_training_idx')
      .on(t.callSid)
      .where(sql`training`),
    index('calls_unsummarized_idx')
      .on(t.endedAt)
      .where(sql`summarized_at is null and ended_at is not null`),
  ],
);

/** Every raw event of a call, append-only; `dedupeKey` makes a re-delivered event a no-op. */
export const callEvents = pgTable(
  'call_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    callSid: text('call_sid').notNull(),
    source: text('source', { enum: ['status', 'ivr', 'queue', 'agent', 'fallback'] }).notNull(),
    event: text('event').notNull(),
    dedupeKey: text('dedupe_key').notNull(),
    sequenceNumber: integer('sequence_number'),
    occurredAt: ts('occurred_at').notNull(),
    receivedAt: ts('received_at').notNull().defaultNow(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [
    uniqueIndex('call_events_dedupe_idx').on(t.callSid, t.dedupeKey),
    index('call_events_call_idx').on(t.callSid, t.id),
  ],
);

/** The path a call took through the IVR: nodes passed, inputs given. */
export const callSteps = pgTable(
  'call_steps',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    callSid: text('call_sid').notNull(),
    nodeId: text('node_id').notNull(),
    /** Keys pressed or words spoken, null on arrival or timeout. */
    input: text('input'),
    /** What happened at this step: entered, chose, timeout, invalid, repeat, back, operator, ... */
    kind: text('kind').notNull(),
    at: ts('at').notNull(),
  },
  (t) => [index('call_steps_call_idx').on(t.callSid, t.id)],
);
