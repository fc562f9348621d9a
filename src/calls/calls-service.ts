import { DateTime } from 'luxon';
import type { Database } from '../platform/db.js';
import type { Logger } from '../platform/logger.js';
import { maskPhone } from '../platform/logger.js';
import type { Clock } from '../platform/clock.js';
import type { Queues } from '../platform/queues.js';
import { createMicroBatcher } from '../platform/micro-batch.js';
import * as repo from './calls-repository.js';
import { FINAL_RANK, STATUS_RANK, type StatusCallback } from './calls-schemas.js';
import type { CallRow } from './calls-repository.js';

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
  /** The IVR put the call in a department's queue, with its routing attributes; the first time counts. */
  recordQueued(callSid: string, queue: QueueAttributes, at?: Date): Promise<void>;
  /** The Twilio queue the caller waits in; returns the call as it stands now. */
  recordQueueSid(callSid: string, queueSid: string): Promise<void>;
  /** Routing offered the call to an agent (dequeued it to ring them). */
  markOffered(callSid: string, agentId: string): Promise<void>;
  /** An agent answered: the caller's inbound call, or the outbound leg of a callback (`skill` its department). */
  markAnswered(
    callSid: string,
    answer?: { agentId?: string; skill?: string; at?: Date },
  ): Promise<void>;
  /** The IVR ended the call itself (a goodbye). */
  markEndedInIvr(callSid: string): Promise<void>;
  /** The number called is not a hotline: the call was turned away. */
  markRejected(callSid: string): Promise<void>;
  /** The caller was served by self-service (a booking looked up, made or cancelled by phone, ...). */
  markSelfServed(callSid: string): Promise<void>;
  /** The caller asked to be called back. */
  markCallbackRequested(callSid: string): Promise<void>;
  /** The call is a simulated caller of a training session: statistics, exports and reconciliation leave it out. */
  markTraining(callSid: string): Promise<void>;
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
  /** Calls `listener` once a call's final status is stored (routing ends a call whose caller hung up on hold); a listener's failure is logged, never thrown. */
  onCallEnded(listener: (callSid: string) => Promise<void>): void;
  /** Computes how an ended call ended and its durations; safe to run twice. */
  summarize(callSid: string): Promise<CallRow | undefined>;
  /** Summarizes ended calls whose summary job was lost; returns how many. */
  sweepUnsummarized(): Promise<number>;
  find(callSid: string): Promise<CallRow | undefined>;
  /** Callers queued since `since` and still waiting (not answered, not ended), in routing order. */
  waitingCalls(since: Date): Promise<CallRow[]>;
  events(callSid: string): Promise<repo.CallEventRow[]>;
  steps(callSid: string): Promise<repo.CallStepRow[]>;
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
  queues: Queues;
  clock: Clock;
  logger: Logger;
  /** The hotline a number is, for calls rebuilt from status callbacks when their arrival was lost. */
  hotlineOf?: (number: string) => CallHotline | undefined;
}

/** Twilio's Timestamp is RFC 2822 ("Tue, 10 Jan 2023 14:23:45 +0000"); fall back to now. */
function eventTime(timestamp: string | undefined, now: Date): Date {
  if (!timestamp) return now;
  const parsed = DateTime.fromRFC2822(timestamp);
  if (parsed.isValid) return parsed.toJSDate();
  const iso = DateTime.fromISO(timestamp);
  return iso.isValid ? iso.toJSDate() : now;
}

const seconds = (from: Date | null, to: Date | null): number | null =>
  from && to ? Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000)) : null;

/** Derives how a call ended from its stages. */
export function classifyEnd(call: CallRow): NonNullable<CallRow['endReason']> {
  if (call.answeredAt) return 'answered';
  if (call.callbackRequested) return 'callback_requested';
  if (call.queuedAt) return 'abandoned_in_queue';
  if (call.selfServed) return 'self_served';
  if (call.endReason) return call.endReason;
  if (
    call.status === 'failed' ||
    call.status === 'busy' ||
    call.status === 'no-answer' ||
    call.status === 'canceled'
  )
    return 'failed';
  return 'abandoned_in_ivr';
}

export function createCallLedger({
  db,
  queues,
  clock,
  logger,
  hotlineOf = () => undefined,
}: CallLedgerDeps): CallLedger {
  const log = logger.child({ component: 'calls' });
  const endedListeners: Array<(callSid: string) => Promise<void>> = [];
  // Arrivals and IVR path steps are the hottest writes: concurrent webhooks share one statement (group commit).
  // One statement at a time: the rest wait and go together in the next. Measured against four at
  // a time (npm run bench -- incoming, two runs each): throughput 0.52-0.53 of the bare route's
  // against 0.43-0.50, p99 at 200 requests/s 8 ms against 17 ms. Fewer, larger statements
  // (24 calls each on average against 16) cost PostgreSQL less, and on a small machine fewer
  // busy backends compete with the web process for the cores.
  type Rebuildable = {
    arrival?: { call: repo.NewCall; payload: Record<string, unknown> };
    steps: Array<Omit<repo.NewCallStep, 'id'>>;
  };
  const rebuildable = createMicroBatcher(
    async (batch: Rebuildable[]) => {
      const arriving = batch.flatMap((item) => (item.arrival ? [item.arrival] : []));
      const unique = [...new Map(arriving.map((a) => [a.call.callSid, a])).values()];
      const created = await repo.insertRebuildable(db, {
        arrivals: unique,
        steps: batch.flatMap((item) => item.steps),
      });
      // Of two identical SIDs in one batch only the first counts as created.
      const seen = new Set<string>();
      return batch.map((item) => {
        if (!item.arrival) return false;
        const sid = item.arrival.call.callSid;
        const first = created.has(sid) && !seen.has(sid);
        seen.add(sid);
        return first;
      });
    },
    { maxConcurrent: 1 },
  );

  async function enqueueSummary(callSid: string): Promise<void> {
    try {
      await queues.add('call-summary', { callSid }, { jobId: `call-summary-${callSid}` });
    } catch (error) {
      // The sweeper summarizes it later; the status itself is already stored.
      log.warn({ callSid, err: (error as Error).message }, 'could not enqueue the call summary');
    }
  }

  return {
    async recordArrival({
      callSid,
      from,
      to,
      hotline,
      direction = 'inbound',
      payload,
      enterpriseId,
      steps = [],
    }) {
      const at = clock.now();
      const created = await rebuildable.add({
        arrival: {
          call: {
            callSid,
            direction,
            fromNumber: from,
            toNumber: to,
            hotlineNumber: hotline?.number ?? null,
            hallId: hotline?.hall ?? null,
            departmentId: hotline?.department ?? null,
            enterpriseId: enterpriseId ?? null,
            arrivedAt: at,
          },
          payload: payload ?? {},
        },
        steps: steps.map((step) => ({
          callSid,
          nodeId: step.nodeId,
          kind: step.kind,
          input: step.input,
          at,
        })),
      });
      if (created)
        log.info(
          { callSid, from: maskPhone(from), hotline: hotline?.number ?? to },
          'call arrived',
        );
      return created;
    },

    async recordStatus(callback, payload) {
      const now = clock.now();
      const at = eventTime(callback.Timestamp, now);
      const dedupeKey =
        callback.SequenceNumber !== undefined
          ? `status:${callback.SequenceNumber}`
          : `status:${callback.CallStatus}`;
      const rank = STATUS_RANK[callback.CallStatus];
      const final = rank === FINAL_RANK;
      const result = await db.transaction(async (tx) => {
        const inbound = !callback.Direction.startsWith('outbound');
        const hotline = inbound && callback.To ? hotlineOf(callback.To) : undefined;
        await repo.insertCallIfAbsent(tx, {
          callSid: callback.CallSid,
          direction: inbound ? 'inbound' : 'outbound',
          fromNumber: callback.From,
          toNumber: callback.To,
          arrivedAt: at,
          ...(hotline
            ? {
                hotlineNumber: hotline.number,
                hallId: hotline.hall,
                departmentId: hotline.department,
              }
            : {}),
        });
        const fresh = await repo.insertEventIfNew(tx, {
          callSid: callback.CallSid,
          source: 'status',
          event: callback.CallStatus,
          dedupeKey,
          sequenceNumber: callback.SequenceNumber ?? null,
          occurredAt: at,
          payload,
        });
        if (!fresh) return { duplicate: true, ended: false };
        const previousRank = await repo.applyStatus(tx, {
          callSid: callback.CallSid,
          status: callback.CallStatus,
          rank,
          final,
          sequenceNumber: callback.SequenceNumber ?? null,
          at,
          durationSeconds: callback.CallDuration ?? null,
        });
        return {
          duplicate: false,
          ended: final && previousRank !== undefined && previousRank < FINAL_RANK,
        };
      });
      // Enqueued after commit, so the worker always finds the final status.
      if (result.ended) {
        await enqueueSummary(callback.CallSid);
        for (const listener of endedListeners) {
          await listener(callback.CallSid).catch((error: unknown) =>
            log.error(
              { callSid: callback.CallSid, err: (error as Error).message },
              'a call-ended listener failed',
            ),
          );
        }
      }
      return { duplicate: result.duplicate };
    },

    onCallEnded(listener) {
      endedListeners.push(listener);
    },

    async recordQueued(callSid, { skill, ...attributes }, at = clock.now()) {
      await repo.setStageOnce(db, callSid, 'queuedAt', at, { queueSkill: skill, ...attributes });
    },

    recordQueueSid: (callSid, queueSid) =>
      repo.updateCall(db, callSid, { twilioQueueSid: queueSid }),
    markOffered: (callSid, agentId) =>
      repo.setStageOnce(db, callSid, 'offeredAt', clock.now(), { agentId }),

    async markAnswered(callSid, { agentId, skill, at = clock.now() } = {}) {
      await repo.setStageOnce(db, callSid, 'answeredAt', at, {
        ...(agentId ? { agentId } : {}),
        ...(skill ? { queueSkill: skill } : {}),
      });
    },

    markEndedInIvr: (callSid) =>
      repo.setStageOnce(db, callSid, 'ivrEndedAt', clock.now(), { endReason: 'ended_in_ivr' }),
    markRejected: (callSid) => repo.updateCall(db, callSid, { endReason: 'rejected' }),
    markSelfServed: (callSid) => repo.updateCall(db, callSid, { selfServed: true }),
    markCallbackRequested: (callSid) => repo.updateCall(db, callSid, { callbackRequested: true }),
    markTraining: (callSid) => repo.updateCall(db, callSid, { training: true }),

    recordStep(callSid, step) {
      return this.recordSteps(callSid, [
        { nodeId: step.nodeId, kind: step.kind, input: step.input ?? null },
      ]);
    },

    async recordSteps(callSid, steps) {
      if (steps.length === 0) return;
      const at = clock.now();
      await rebuildable.add({
        steps: steps.map((step) => ({
          callSid,
          nodeId: step.nodeId,
          kind: step.kind,
          input: step.input,
          at,
        })),
      });
    },

    recordEvent: (callSid, source, event, dedupeKey, payload) =>
      repo.insertEventIfNew(db, {
        callSid,
        source,
        event,
        dedupeKey,
        occurredAt: clock.now(),
        payload,
      }),

    async summarize(callSid) {
      const call = await repo.findCall(db, callSid);
      if (!call || !call.endedAt) return call;
      const queueEnd = call.answeredAt ?? call.endedAt;
      const values = {
        endReason: classifyEnd(call),
        ivrSeconds: seconds(call.arrivedAt, call.ivrEndedAt ?? call.queuedAt ?? call.endedAt),
        queueSeconds: call.queuedAt ? seconds(call.queuedAt, queueEnd) : null,
        talkSeconds: call.answeredAt ? seconds(call.answeredAt, call.endedAt) : null,
        summarizedAt: clock.now(),
      };
      await repo.updateCall(db, callSid, values);
      log.info(
        {
          callSid,
          endReason: values.endReason,
          ivrSeconds: values.ivrSeconds,
          queueSeconds: values.queueSeconds,
        },
        'call summarized',
      );
      return { ...call, ...values };
    },

    async sweepUnsummarized() {
      const stale = await repo.listUnsummarized(db, new Date(clock.now().getTime() - 60_000), 500);
      for (const callSid of stale) await this.summarize(callSid);
      return stale.length;
    },

    find: (callSid) => repo.findCall(db, callSid),
    waitingCalls: (since) => repo.listWaitingCalls(db, since),
    events: (callSid) => repo.listEvents(db, callSid),
    steps: (callSid) => repo.listSteps(db, callSid),
  };
}
