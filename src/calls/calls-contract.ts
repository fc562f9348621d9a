import type { SQL } from 'drizzle-orm';
import type { Database } from '../platform/db.js';
import type { StatementPart } from '../platform/sql-parts.js';
import type { Logger } from '../platform/logger.js';
import type { Redis } from '../platform/redis.js';
import type { Clock } from '../platform/clock.js';
import type { Queues } from '../platform/queues.js';
import type * as repo from './calls-repository.js';
import type { StatusCallback } from './calls-schemas.js';
import type { CallRow } from './calls-repository.js';
import type { QueuedCall } from './calls-routing.js';

/** A raw event of a call, stored or still held in Redis. */
export type CallEvent = Pick<
  repo.CallEventRow,
  'callSid' | 'source' | 'event' | 'dedupeKey' | 'sequenceNumber' | 'occurredAt' | 'payload'
>;

/** The hotline a call came in on, as far as the ledger needs it. */
export interface CallHotline {
  number: string;
  hall: string;
  department: string;
}

/** Records every call, its stages, its raw events and its IVR path. */
export interface CallLedger {
  /** Stores a new inbound or outbound call; a repeated arrival (Twilio retry) changes nothing. */
  recordArrival(input: {
    callSid: string;
    from: string;
    to: string;
    hotline?: CallHotline | undefined;
    direction?: 'inbound' | 'outbound';
    payload?: Record<string, unknown>;
    /** The enterprise recognised from the calling number. */
    enterpriseId?: string | undefined;
    /** The IVR steps of the first answer, written with the arrival. */
    steps?: ReadonlyArray<{ nodeId: string; kind: string; input: string | null }>;
  }): Promise<boolean>;
  /** Applies a status callback idempotently; returns whether it was new. */
  recordStatus(
    callback: StatusCallback,
    payload: Record<string, unknown>,
  ): Promise<{ duplicate: boolean }>;
  /**
   * The IVR put the call in a department's queue, with its routing attributes; the first time
   * counts. `event` is appended in the same statement. Returns the call as routing is to be
   * handed it (its queue SID not known yet), or undefined when the ledger has no such call.
   */
  recordQueued(
    callSid: string,
    queue: QueueAttributes,
    at?: Date,
    event?: StageEvent,
  ): Promise<QueuedCall | undefined>;
  /**
   * The IVR queued the call: the queued stage (as `recordQueued` writes it) kept in Redis and
   * written by the call's next write (`recordWaiting`, an offer, an answer, its summary), which
   * the ledger's readers see meanwhile. Returns the call as routing is to be handed it. When the
   * call is already summarized the stage is written at once (`recordQueued`).
   */
  holdQueued(
    callSid: string,
    hotline: string | null,
    queue: QueueAttributes,
    event?: StageEvent,
  ): Promise<QueuedCall | undefined>;
  /**
   * The caller waits in its queue (in the Twilio queue `queueSid`, when there is one): written
   * with the queued stage the IVR held; nothing when there is nothing to write.
   */
  recordWaiting(callSid: string, queueSid: string | null): Promise<void>;
  /**
   * Routing offered the call to an agent (dequeued it to ring them from `queueSid`): the offered
   * stage (its first time, the agent and queue of the latest) and `event` wait in Redis, like the
   * queued stage, for the answer or the call's summary, which write them; the ledger's readers see
   * them meanwhile. Written at once when the call is already summarized.
   */
  markOffered(
    callSid: string,
    offer: { agentId: string; queueSid?: string | null; event?: StageEvent },
  ): Promise<void>;
  /**
   * An agent answered: the caller's inbound call, or the outbound leg of a callback (`skill` its
   * department); `event` and `parts` (another component's writes) in the same statement.
   */
  markAnswered(
    callSid: string,
    answer?: {
      agentId?: string;
      skill?: string;
      at?: Date;
      event?: StageEvent;
      parts?: ReadonlyArray<StatementPart>;
    },
  ): Promise<void>;
  /** The IVR ended the call itself (a goodbye). */
  markEndedInIvr(callSid: string): Promise<void>;
  /** The number called is not a hotline: the call was turned away. */
  markRejected(callSid: string): Promise<void>;
  /** The caller was served by self-service (a booking looked up, made or cancelled by phone, ...). */
  markSelfServed(callSid: string): Promise<void>;
  /** The caller asked to be called back. */
  markCallbackRequested(callSid: string): Promise<void>;
  /**
   * The call is a simulated caller of a training session: statistics, exports and
   * reconciliation leave it out. False when the ledger has no row for the call yet.
   */
  markTraining(callSid: string): Promise<boolean>;
  /** Appends one step of the IVR path. */
  recordStep(
    callSid: string,
    step: { nodeId: string; kind: string; input?: string | null },
  ): Promise<void>;
  /** Appends the steps one webhook request took, in order; concurrent requests share one insert. */
  recordSteps(
    callSid: string,
    steps: ReadonlyArray<{ nodeId: string; kind: string; input: string | null }>,
  ): Promise<void>;
  /** Appends a raw event from another source (queue, agent); dedupeKey makes re-delivery a no-op. */
  recordEvent(
    callSid: string,
    source: 'ivr' | 'queue' | 'agent' | 'fallback',
    event: string,
    dedupeKey: string,
    payload: Record<string, unknown>,
  ): Promise<boolean>;
  /**
   * Appends an event nothing reads before the call's summary (how the caller left the queue):
   * held with the IVR path in Redis and written by the summary's statement, or at once when the
   * call is already summarized. dedupeKey makes re-delivery a no-op.
   */
  keepEvent(
    callSid: string,
    source: 'queue',
    event: string,
    dedupeKey: string,
    payload: Record<string, unknown>,
  ): Promise<void>;
  /**
   * The event as a part of another component's statement (see platform/sql-parts.ts), appended
   * when `when` holds: it commits with what it records.
   */
  eventPart(callSid: string, event: StageEvent, when: SQL): StatementPart;
  /** Calls `listener` once a call's final status is stored (routing ends a call whose caller hung up on hold); a listener's failure is logged, never thrown. */
  onCallEnded(listener: (callSid: string) => Promise<void>): void;
  /** Computes how an ended call ended and its durations; safe to run twice. */
  summarize(callSid: string): Promise<CallRow | undefined>;
  /** Summarizes ended calls whose summary job was lost; returns how many. */
  sweepUnsummarized(): Promise<number>;
  find(callSid: string): Promise<CallRow | undefined>;
  /** Callers queued since `since` and still waiting (not answered, not ended), in routing order. */
  waitingCalls(since: Date): Promise<CallRow[]>;
  /**
   * The call's raw events in order: those in `call_events`, then those held in Redis until the
   * call's summary writes them (`keepEvent`).
   */
  events(callSid: string): Promise<CallEvent[]>;
  /**
   * The call's IVR path, in order: the steps in `call_steps`, and those still pending in Redis
   * until the call's summary writes them.
   */
  steps(callSid: string): Promise<PathStep[]>;
}

/** A step of a call's IVR path: a `call_steps` row, written or still pending. */
export type PathStep = Omit<repo.CallStepRow, 'id'>;

/** A raw event written with a stage, in the stage's statement (as `recordEvent` would append it). */
export interface StageEvent {
  source: 'ivr' | 'queue' | 'agent' | 'fallback';
  event: string;
  dedupeKey: string;
  payload: Record<string, unknown>;
}

/** How a queued call is to be routed, as the IVR decided it. */
export interface QueueAttributes {
  skill: string;
  priority?: number;
  greenChannel?: boolean;
  priorityReason?: string | null;
  enterpriseId?: string | null;
  commissionerId?: string | null;
}

export interface CallLedgerDeps {
  db: Database;
  /** Where a call's IVR path waits until its summary writes it. */
  redis: Redis;
  redisPrefix: string;
  queues: Queues;
  clock: Clock;
  logger: Logger;
  /** The hotline a number is, for calls rebuilt from status callbacks when their arrival was lost. */
  hotlineOf?: (number: string) => CallHotline | undefined;
}
