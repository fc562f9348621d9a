import type { CallRow } from './calls-repository.js';

/** What routing needs to know of a call the IVR put in a queue: handed over whole, so routing never reads it back. */
export interface QueuedCall {
  callSid: string;
  /** The hotline number the caller dialled. */
  hotline: string | null;
  /** The department skill of the queue. */
  skill: string;
  /** 0 normal, higher first (green channel 10, priority callers 5). */
  priority: number;
  /** Why the caller is on the priority list, or `green-channel`; null for everyone else. */
  priorityReason: string | null;
  greenChannel: boolean;
  /** The agent skill to offer the call to first: the enterprise's chief service commissioner. */
  preferredAgent: string | null;
  /** The caller's place in the queue. */
  queuedAt: Date;
  /** Twilio's Queue SID the caller waits in (routing dequeues the caller from it). */
  queueSid: string | null;
}

/**
 * The queued call a ledger row describes, in the Twilio queue `queueSid` when Twilio just said
 * (else the one recorded); undefined when the row is not a call waiting in a queue.
 */
export function queuedCallOf(row: CallRow, queueSid?: string): QueuedCall | undefined {
  if (!row.queueSkill || !row.queuedAt || row.endedAt) return undefined;
  return {
    callSid: row.callSid,
    hotline: row.hotlineNumber,
    skill: row.queueSkill,
    priority: row.priority,
    priorityReason: row.priorityReason,
    greenChannel: row.greenChannel,
    preferredAgent: row.commissionerId,
    queuedAt: row.queuedAt,
    queueSid: queueSid ?? row.twilioQueueSid,
  };
}

/**
 * How the IVR tells routing (the agents component) about queued calls. The IVR depends on this
 * interface only; the agents component provides the implementation.
 */
export interface CallRouting {
  /** A call was put in a queue and waits in it now. */
  callQueued(call: QueuedCall): Promise<void>;
  /** A call left its queue without being bridged to an agent (hang-up, callback taken, error). */
  callLeftQueue(callSid: string, result: string): Promise<void>;
  /**
   * Where a waiting call stands among the calls waiting for `skill`, in routing's order: what the
   * service's own wait loop says when no provider queue reports a position.
   */
  standing(callSid: string, skill: string): Promise<QueueStanding>;
  /**
   * The queued call as routing keeps it, if it does: for a wait whose queueing the IVR's and the
   * ledger's records lost (Redis), but routing had back from its own wait URL.
   */
  queuedCall(callSid: string): Promise<QueuedCall | undefined>;
}

/** A waiting call's place: 1 is next; the average is over the calls waiting now, like a Twilio queue's. */
export interface QueueStanding {
  position: number;
  size: number;
  averageWaitSeconds: number;
}
