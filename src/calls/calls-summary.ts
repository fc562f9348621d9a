import type { Database } from '../platform/db.js';
import type { Logger } from '../platform/logger.js';
import type { Clock } from '../platform/clock.js';
import * as repo from './calls-repository.js';
import { summarizeEnded } from './calls-end-repository.js';
import type { PendingPath } from './calls-path.js';
import type { CallRow } from './calls-repository.js';
import type { CallLedger } from './calls-contract.js';

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

/** The post-call summary: how an ended call ended and its durations. */
export function createCallSummaries({
  db,
  pending,
  clock,
  log,
}: {
  db: Database;
  pending: PendingPath;
  clock: Clock;
  log: Logger;
}): Pick<CallLedger, 'summarize' | 'sweepUnsummarized'> {
  return {
    async summarize(callSid) {
      // One statement reads the stages and writes the summary (the rules of classifyEnd, in SQL)
      // with the IVR path and the events kept in Redis; the path is closed first, so a later step
      // is written at once. Most calls are summarized by their final status callback instead
      // (calls-status.ts); this is for a call rebuilt from its callbacks, and the sweep.
      const call = await summarizeEnded(db, callSid, clock.now(), await pending.take(callSid));
      if (!call) {
        await pending.reopen(callSid);
        return repo.findCall(db, callSid);
      }
      await pending.written(callSid);
      log.info(
        {
          callSid,
          endReason: call.endReason,
          ivrSeconds: call.ivrSeconds,
          queueSeconds: call.queueSeconds,
        },
        'call summarized',
      );
      return call;
    },

    async sweepUnsummarized() {
      const stale = await repo.listUnsummarized(db, new Date(clock.now().getTime() - 60_000), 500);
      for (const callSid of stale) await this.summarize(callSid);
      return stale.length;
    },
  };
}
