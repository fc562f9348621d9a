import { DateTime } from 'luxon';
import type { Database } from '../platform/db.js';
import type { Logger } from '../platform/logger.js';
import type { Clock } from '../platform/clock.js';
import type { Queues } from '../platform/queues.js';
import {
  applyFinalStatusOnce,
  applyStatusOnce,
  type StatusChange,
} from './calls-status-repository.js';
import type { PendingPath } from './calls-path.js';
import { FINAL_RANK, STATUS_RANK } from './calls-schemas.js';
import type { CallHotline, CallLedger } from './calls-contract.js';

/** Twilio's Timestamp is RFC 2822 ("Tue, 10 Jan 2023 14:23:45 +0000"); fall back to now. */
function eventTime(timestamp: string | undefined, now: Date): Date {
  if (!timestamp) return now;
  const parsed = DateTime.fromRFC2822(timestamp);
  if (parsed.isValid) return parsed.toJSDate();
  const iso = DateTime.fromISO(timestamp);
  return iso.isValid ? iso.toJSDate() : now;
}

/** The ledger's status callbacks: each applied once, and an ended call summarized and announced. */
export function createCallStatus({
  db,
  pending,
  queues,
  clock,
  log,
  hotlineOf,
}: {
  db: Database;
  pending: PendingPath;
  queues: Queues;
  clock: Clock;
  log: Logger;
  hotlineOf: (number: string) => CallHotline | undefined;
}): Pick<CallLedger, 'recordStatus' | 'onCallEnded'> {
  const endedListeners: Array<(callSid: string) => Promise<void>> = [];

  async function enqueueSummary(callSid: string): Promise<void> {
    try {
      await queues.add('call-summary', { callSid }, { jobId: `call-summary-${callSid}` });
    } catch (error) {
      // The sweeper summarizes it later; the status itself is already stored.
      log.warn({ callSid, err: (error as Error).message }, 'could not enqueue the call summary');
    }
  }

  /**
   * A final status with the summary of the call it ends, and what waited in Redis for it: the
   * path is closed first (a later step is written at once), forgotten once the call is
   * summarized, opened again when it is not (the summary job or the retried callback takes it).
   */
  async function applyFinal(change: StatusChange, now: Date) {
    const callSid = change.call.callSid;
    const held = await pending.take(callSid);
    const result = await applyFinalStatusOnce(db, change, now, held).catch(
      async (error: unknown) => {
        await pending.reopen(callSid);
        throw error;
      },
    );
    if (result.summarizedAt) await pending.written(callSid);
    else await pending.reopen(callSid);
    if (result.summarized) log.info({ callSid }, 'call summarized');
    return result;
  }

  return {
    async recordStatus(callback, payload) {
      const now = clock.now();
      const at = eventTime(callback.Timestamp, now);
      const dedupeKey =
        callback.SequenceNumber !== undefined
          ? `status:${callback.SequenceNumber}`
          : `status:${callback.CallStatus}`;
      const rank = STATUS_RANK[callback.CallStatus];
      const final = rank === FINAL_RANK;
      const inbound = !callback.Direction.startsWith('outbound');
      const hotline = inbound && callback.To ? hotlineOf(callback.To) : undefined;
      const change: StatusChange = {
        call: {
          callSid: callback.CallSid,
          direction: inbound ? 'inbound' : 'outbound',
          fromNumber: callback.From,
          toNumber: callback.To,
          hotlineNumber: hotline?.number ?? null,
          hallId: hotline?.hall ?? null,
          departmentId: hotline?.department ?? null,
        },
        status: callback.CallStatus,
        rank,
        final,
        sequenceNumber: callback.SequenceNumber ?? null,
        at,
        durationSeconds: callback.CallDuration ?? null,
        payload,
        dedupeKey,
      };
      // One statement: the event appended once, the status applied, the row created if absent;
      // a final status also summarizes the call it ends (applyFinal).
      const { fresh, previousRank, summarized } = final
        ? await applyFinal(change, now)
        : { ...(await applyStatusOnce(db, change)), summarized: false };
      const ended = final && previousRank !== undefined && previousRank < FINAL_RANK;
      // Enqueued after commit, so the worker always finds the final status.
      if (ended) {
        // A call its final status could not summarize (its row was rebuilt here) is summarized by the worker.
        if (!summarized) await enqueueSummary(callback.CallSid);
        for (const listener of endedListeners) {
          await listener(callback.CallSid).catch((error: unknown) =>
            log.error(
              { callSid: callback.CallSid, err: (error as Error).message },
              'a call-ended listener failed',
            ),
          );
        }
      }
      return { duplicate: !fresh };
    },

    onCallEnded(listener) {
      endedListeners.push(listener);
    },
  };
}
