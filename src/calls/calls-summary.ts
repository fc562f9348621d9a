import type { Database } from '../platform/db.js';
import type { Logger } from '../platform/logger.js';
import type { Clock } from '../platform/clock.js';
import * as repo from './calls-repository.js';
import type { CallRow } from './calls-repository.js';
import type { CallLedger } from './calls-contract.js';

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

/** The post-call summary: how an ended call ended and its durations. */
export function createCallSummaries({
  db,
  clock,
  log,
}: {
  db: Database;
  clock: Clock;
  log: Logger;
}): Pick<CallLedger, 'summarize' | 'sweepUnsummarized'> {
  return {
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
  };
}
