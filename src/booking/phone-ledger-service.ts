import { DateTime } from 'luxon';
import { ZONE, type Clock } from '../platform/clock.js';
import type { Database } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import type { Actor, BookingService } from './booking-service.js';
import * as repo from './phone-ledger-repository.js';
import type { PhoneLedgerRow } from './phone-ledger-repository.js';
import type { PhoneAction, PhoneResult } from './phone-ledger-tables.js';

/** One action to record; the actor says whether it was the IVR (call SID) or an agent (staff id). */
export interface PhoneActionEntry {
  actor: Actor;
  action: PhoneAction;
  result: PhoneResult;
  errorCode?: string | undefined;
  bookingId?: string | undefined;
  slotId?: number | undefined;
  holdId?: string | undefined;
  details?: Record<string, unknown>;
}

/** The phone ledger: records what the IVR and agents did to the calendar, and reads it per call and per day. */
export type PhoneLedger = ReturnType<typeof createPhoneLedger>;

export function createPhoneLedger(deps: { db: Database; clock: Clock; logger: Logger }) {
  const { db, clock } = deps;
  const log = deps.logger.child({ component: 'phone-ledger' });
  return {
    /** Appends an entry for a phone actor (IVR or staff); other channels are not phone actions and are ignored. A failure to record never fails the action. */
    async record(entry: PhoneActionEntry): Promise<void> {
      const { actor } = entry;
      if (actor.channel !== 'ivr' && actor.channel !== 'phone') return;
      const at = clock.now();
      try {
        await repo.insertEntry(db, {
          callSid: actor.channel === 'ivr' ? actor.id : null,
          agentId: actor.channel === 'phone' ? actor.id : null,
          channel: actor.channel,
          action: entry.action,
          result: entry.result,
          errorCode: entry.errorCode ?? null,
          bookingId: entry.bookingId ?? null,
          slotId: entry.slotId ?? null,
          holdId: entry.holdId ?? null,
          details: entry.details ?? {},
          day: DateTime.fromJSDate(at, { zone: ZONE }).toISODate()!,
          at,
        });
      } catch (error) {
        log.error(
          {
            err: error,
            action: entry.action,
            callSid: actor.channel === 'ivr' ? actor.id : undefined,
          },
          'could not record a phone action',
        );
      }
    },
    /** Every action of one call, in order (the agent's call history, the supervisors' pages). */
    forCall: (callSid: string): Promise<PhoneLedgerRow[]> => repo.listForCall(db, callSid),
    /** The actions of one local day, by keyset pages. */
    forDay: (day: string, afterId = 0, limit = 1000): Promise<PhoneLedgerRow[]> =>
      repo.listForDay(db, day, afterId, Math.min(limit, 5000)),
  };
}

/** The result an error gives: a 4xx refusal of the calendar, or a failure (an error, a timeout). */
function failure(error: unknown): { result: PhoneResult; errorCode: string } {
  if (error instanceof AppError && error.status < 500)
    return { result: 'refused', errorCode: error.code };
  return { result: 'failed', errorCode: error instanceof AppError ? error.code : 'error' };
}

/**
 * The booking service with every phone action recorded in the ledger: holds, bookings,
 * cancels, reschedules and staff reads (look-ups), whether they succeed or not. Actions
 * the routes see alone (searches, IVR look-ups) are recorded through `recordPhoneAction`.
 */
export function withPhoneLedger(service: BookingService, ledger: PhoneLedger) {
  async function tracked<T>(
    actor: Actor,
    action: PhoneAction,
    known: Omit<PhoneActionEntry, 'actor' | 'action' | 'result'>,
    run: () => Promise<T>,
    done: (value: T) => Omit<PhoneActionEntry, 'actor' | 'action' | 'result'>,
  ): Promise<T> {
    let value: T;
    try {
      value = await run();
    } catch (error) {
      await ledger.record({ actor, action, ...known, ...failure(error) });
      throw error;
    }
    await ledger.record({ actor, action, result: 'ok', ...known, ...done(value) });
    return value;
  }
  return {
    ...service,
    createHold: (slotId: number, actor: Actor) =>
      tracked(
        actor,
        'hold',
        { slotId },
        () => service.createHold(slotId, actor),
        (hold) => ({ holdId: hold.id }),
      ),
    releaseHold: (holdId: string, actor: Actor) =>
      tracked(
        actor,
        'release',
        { holdId },
        () => service.releaseHold(holdId, actor),
        () => ({}),
      ),
    createBooking: (
      request: Parameters<BookingService['createBooking']>[0],
      actor: Actor,
      idempotencyKey: string,
    ) =>
      tracked(
        actor,
        'book',
        { slotId: request.slotId, holdId: request.holdId },
        () => service.createBooking(request, actor, idempotencyKey),
        (outcome) => ({
          bookingId: outcome.booking.id,
          slotId: outcome.booking.slotId,
          details: outcome.replayed ? { replayed: true } : {},
        }),
      ),
    cancel: (id: string, actor: Actor) =>
      tracked(
        actor,
        'cancel',
        { bookingId: id },
        () => service.cancel(id, actor),
        (row) => ({ slotId: row.slotId }),
      ),
    reschedule: (id: string, slotId: number, actor: Actor) =>
      tracked(
        actor,
        'reschedule',
        { bookingId: id, slotId },
        () => service.reschedule(id, slotId, actor),
        () => ({}),
      ),
    recordRead: (booking: Parameters<BookingService['recordRead']>[0], actor: Actor) =>
      tracked(
        actor,
        'lookup',
        { bookingId: booking.id, slotId: booking.slotId },
        () => service.recordRead(booking, actor),
        () => ({}),
      ),
    /** Ends an expired hold; a phone hold that ran out is recorded as cut short (the caller left or never confirmed). */
    async expireHold(holdId: string): Promise<boolean> {
      const expired = await service.expireHold(holdId);
      const hold = expired ? await service.findHold(holdId) : undefined;
      if (hold && (hold.channel === 'ivr' || hold.channel === 'phone')) {
        const actor: Actor = {
          channel: hold.channel,
          id: hold.holder,
          label: hold.channel === 'ivr' ? `call:${hold.holder}` : `staff:${hold.holder}`,
        };
        await ledger.record({
          actor,
          action: 'hold',
          result: 'cut_short',
          errorCode: 'hold_expired',
          holdId,
          slotId: hold.slotId,
        });
      }
      return expired;
    },
    /** Records an action the service does not see (a search of free slots, an IVR look-up). */
    recordPhoneAction: (entry: PhoneActionEntry) => ledger.record(entry),
  };
}

/** The booking service as the runtime holds it: every phone action recorded. */
export type LedgeredBookingService = ReturnType<typeof withPhoneLedger>;

export type { PhoneLedgerRow } from './phone-ledger-repository.js';
