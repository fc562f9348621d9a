/**
 * How the IVR tells routing (the agents component) about queued calls. The IVR depends on this
 * interface only; the agents component provides the implementation.
 */
export interface CallRouting {
  /** A call was put in a queue (its skill, priority and attributes are on the call record). */
  callQueued(callSid: string): Promise<void>;
  /** A call left its queue without being bridged to an agent (hang-up, callback taken, error). */
  callLeftQueue(callSid: string, result: string): Promise<void>;
}
