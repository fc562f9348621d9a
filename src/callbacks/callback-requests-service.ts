import type { CallLedger } from '../calls/index.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db.js';
import * as repo from './callbacks-repository.js';
import type { CallbackRequestRow, NewCallbackRequest } from './callbacks-repository.js';

export interface CallbackRequestsDeps {
  db: Database;
  ledger: Pick<CallLedger, 'markCallbackRequested'>;
  clock: Clock;
}

/**
 * The life of a callback request: the IVR requests it, an agent takes it (the attempt is being
 * dialled), and it is completed, given back to wait again, or given up. Every change of status
 * is a compare-and-set, so two processes never take the same request.
 */
export interface CallbackRequests {
  /** Stores the caller's request (once per call) and marks the call as one that asked for a callback. */
  request(input: NewCallbackRequest): Promise<{ request: CallbackRequestRow; created: boolean }>;
  find(id: number): Promise<CallbackRequestRow | undefined>;
  /** Pending requests for these skills that may be placed now: highest priority, then the earliest original place. */
  due(skills: readonly string[], now: Date, limit: number): Promise<CallbackRequestRow[]>;
  /** Requests whose outbound call was being set up (pending → dialing), oldest first. */
  dialing(limit: number): Promise<CallbackRequestRow[]>;
  /** Starts an attempt for the agent (pending → dialing, one more attempt); undefined when the request is gone or taken. */
  take(id: number, agentId: string | null): Promise<CallbackRequestRow | undefined>;
  /** The attempt did not go ahead: the request waits again in its place, with `attempts` counted. */
  giveBack(id: number, attempts: number): Promise<boolean>;
  /** The citizen was reached. */
  complete(id: number, outboundCallSid: string | null): Promise<boolean>;
  /** The citizen was not reached: tried again from `notBefore`, or given up. */
  unreached(id: number, options: { givingUp: boolean; notBefore?: Date }): Promise<boolean>;
}

export function createCallbackRequests({
  db,
  ledger,
  clock,
}: CallbackRequestsDeps): CallbackRequests {
  return {
    async request(input) {
      const { row, created } = await repo.insertCallbackRequest(db, input);
      await ledger.markCallbackRequested(input.callSid);
      return { request: row, created };
    },

    find: (id) => repo.findCallbackRequest(db, id),
    due: (skills, now, limit) => repo.listDueCallbacks(db, skills, now, limit),
    dialing: (limit) => repo.listCallbacksByStatus(db, 'dialing', limit),

    async take(id, agentId) {
      const request = await repo.findCallbackRequest(db, id);
      if (!request) return undefined;
      const values = { agentId, attempts: request.attempts + 1, lastAttemptAt: clock.now() };
      return (await repo.transitionCallback(db, id, 'pending', 'dialing', values))
        ? { ...request, ...values, status: 'dialing' }
        : undefined;
    },

    giveBack: (id, attempts) => repo.transitionCallback(db, id, 'dialing', 'pending', { attempts }),
    complete: (id, outboundCallSid) =>
      repo.transitionCallback(db, id, 'dialing', 'completed', { outboundCallSid }),
    unreached: (id, { givingUp, notBefore }) =>
      repo.transitionCallback(
        db,
        id,
        'dialing',
        givingUp ? 'given_up' : 'pending',
        notBefore ? { notBefore } : {},
      ),
  };
}
