import { createHmac, randomInt } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Catalogue } from '../catalogue/index.js';
import { ZONE, type Clock } from '../platform/clock.js';
import type { Config } from '../platform/config.js';
import type { Database, Executor } from '../platform/db.js';
import { AppError, pgErrorCode } from '../platform/errors.js';
import { maskPhone, type Logger } from '../platform/logger.js';
import type { Actor } from './booking-access.js';
import { conflict, errorBody, IdempotencyKeyReusedError, invalidField } from './booking-errors.js';
import { protectIdNumber, type StoredIdNumber } from './booking-identity.js';
import * as idempotency from './booking-idempotency-repository.js';
import type { BookingNotifier } from './booking-notifier.js';
import * as repo from './booking-repository.js';
import type { BookingRow } from './booking-repository.js';
import type { BookingChannel } from './booking-tables.js';
import { toBookingView, type BookingView } from './booking-views.js';
import type { PlaceRules } from './place-rules.js';
import * as holdRows from './slot-hold-repository.js';
import * as slots from './slot-repository.js';
import type { HoldRow } from './slot-hold-repository.js';
import type { SlotRow } from './slot-repository.js';

/** A validated booking request: either a slot or a hold, and the person. */
export interface BookingRequest {
  slotId?: number | undefined;
  holdId?: string | undefined;
  name: string;
  /** E.164. */
  phone: string;
  /** Either the checked ID number, or its stored form (IVR: the hold already keeps it). */
  identity: { idNumber: string } | StoredIdNumber;
  /** The hotline an IVR booking is made on. */
  hotlineNumber?: string | undefined;
  /** Where a booking made outside the API came from (a channel's feed), kept in its `created` audit event. */
  source?: Record<string, unknown> | undefined;
}

/** A booking answer: fresh, or replayed for the same Idempotency-Key. */
export interface BookingOutcome {
  status: number;
  body: BookingView;
  replayed: boolean;
  booking: BookingRow;
}

export interface BookingMakerDeps extends PlaceRules {
  db: Database;
  catalogue: Catalogue;
  clock: Clock;
  settings: Config['booking'];
  notifier: BookingNotifier;
  logger: Logger;
}

const CODE_ATTEMPTS = 5;

/**
 * Making a booking: from a slot or a hold, under the no-show rule, once per Idempotency-Key
 * (createBooking) or inside a caller's transaction (bookWithin).
 */
export function createBookingMaker(deps: BookingMakerDeps) {
  const { db, catalogue, clock, settings, notifier, placeRequest, noPlace } = deps;
  const log = deps.logger;

  /** Refuses a person under the no-show rule: `blockAfter` no-shows within `windowDays` suspend phone and online booking. */
  async function assertNotSuspended(
    tx: Executor,
    idHash: string,
    channel: BookingChannel,
  ): Promise<void> {
    if (channel === 'walk_in') return;
    const rule = settings.noShowRule;
    const now = clock.now().getTime();
    const times = await repo.listNoShowTimes(
      tx,
      idHash,
      new Date(now - (rule.windowDays + rule.blockDays) * 86_400_000),
    );
    for (let i = 0; i + rule.blockAfter - 1 < times.length; i += 1) {
      const newest = times[i]!.getTime();
      const oldest = times[i + rule.blockAfter - 1]!.getTime();
      const until = newest + rule.blockDays * 86_400_000;
      if (newest - oldest <= rule.windowDays * 86_400_000 && now < until) {
        throw conflict(
          'booking_suspended',
          `booking by phone or online is suspended after ${rule.blockAfter} no-shows`,
          { until: DateTime.fromMillis(until, { zone: ZONE }).toISO() },
        );
      }
    }
  }

  async function insertWithCode(
    tx: Executor,
    values: Omit<repo.NewBooking, 'code'>,
  ): Promise<BookingRow> {
    for (let attempt = 0; attempt < CODE_ATTEMPTS; attempt += 1) {
      let row: BookingRow | undefined;
      try {
        row = await repo.insertBooking(tx, {
          ...values,
          code: String(randomInt(10_000_000, 100_000_000)),
        });
      } catch (error) {
        if (pgErrorCode(error) === '23505')
          throw conflict(
            'duplicate_booking',
            'this person already has an active booking for this service on that day',
          );
        throw error;
      }
      if (row) return row;
    }
    throw new Error('could not draw a free booking code');
  }

  /** Books inside the caller's transaction: claim hold or take a place, insert, audit. */
  async function book(tx: Executor, request: BookingRequest, actor: Actor): Promise<BookingRow> {
    const identity =
      'idNumber' in request.identity
        ? protectIdNumber(request.identity.idNumber, settings.idHashKey)
        : request.identity;
    let hold: HoldRow | undefined;
    let slot: SlotRow | undefined;
    if (request.holdId) {
      hold = await holdRows.claimHold(tx, request.holdId, clock.now());
      if (!hold || hold.holder !== actor.id)
        throw conflict('hold_expired', 'the hold has expired, was used, or is not yours');
      slot = await slots.findSlot(tx, hold.slotId);
    } else {
      slot = await slots.findSlot(tx, request.slotId!);
      if (!slot) throw invalidField('slotId', 'not_found', `no slot ${request.slotId}`);
    }
    await assertNotSuspended(tx, identity.idHash, actor.channel);
    const booking = await insertWithCode(tx, {
      slotId: slot!.id,
      hallId: slot!.hallId,
      serviceId: slot!.serviceId,
      day: slot!.day,
      startsAt: slot!.startsAt,
      endsAt: slot!.endsAt,
      channel: actor.channel,
      madeBy: actor.id,
      hotlineNumber: request.hotlineNumber ?? null,
      name: request.name,
      phone: request.phone,
      idHash: identity.idHash,
      idMasked: identity.idMasked,
    });
    // The counters move last, so the hot slot row stays locked only until commit.
    if (hold) await slots.bookHeldPlace(tx, hold.slotId, hold.channel);
    else if (!(await slots.takePlace(tx, placeRequest(slot!.id, actor.channel))))
      await noPlace(tx, slot!.id);
    await repo.insertEvent(tx, {
      bookingId: booking.id,
      event: 'created',
      actor: actor.label,
      at: clock.now(),
      details: {
        channel: actor.channel,
        slotId: slot!.id,
        ...(hold ? { holdId: hold.id } : {}),
        ...request.source,
      },
    });
    return booking;
  }

  function requestHash(request: BookingRequest): string {
    const identity =
      'idNumber' in request.identity
        ? request.identity.idNumber.toUpperCase()
        : request.identity.idHash;
    const canonical = JSON.stringify([
      request.slotId ?? null,
      request.holdId ?? null,
      request.name,
      request.phone,
      identity,
    ]);
    return createHmac('sha256', settings.idHashKey).update(canonical).digest('hex');
  }

  return {
    /**
     * Makes a booking once per Idempotency-Key: the same key and body give the first answer
     * again (a success or a refusal), another body is refused. Capacity is taken by one
     * conditional UPDATE inside the transaction; a refusal rolls back to a savepoint so that
     * the key still records the answer.
     */
    async createBooking(
      request: BookingRequest,
      actor: Actor,
      idempotencyKey: string,
    ): Promise<BookingOutcome> {
      const scope = actor.label;
      const hash = requestHash(request);
      type Attempt =
        | { replay: idempotency.IdempotencyRow }
        | { booking: BookingRow; body: BookingView }
        | { refusal: AppError };
      const result = await db.transaction(async (tx): Promise<Attempt> => {
        if (!(await idempotency.claimIdempotencyKey(tx, scope, idempotencyKey, hash))) {
          const first = await idempotency.findIdempotencyKey(tx, scope, idempotencyKey);
          if (!first || first.requestHash !== hash) throw new IdempotencyKeyReusedError();
          if (first.status === null)
            throw conflict(
              'request_in_progress',
              'a request with this Idempotency-Key is still being processed',
            );
          return { replay: first };
        }
        try {
          const booking = await tx.transaction((savepoint) => book(savepoint, request, actor));
          const body = toBookingView(booking, catalogue);
          await idempotency.storeIdempotentResponse(tx, scope, idempotencyKey, 201, body);
          return { booking, body };
        } catch (error) {
          if (!(error instanceof AppError) || error.status >= 500) throw error;
          await idempotency.storeIdempotentResponse(
            tx,
            scope,
            idempotencyKey,
            error.status,
            errorBody(error),
          );
          return { refusal: error };
        }
      });
      if ('refusal' in result) throw result.refusal;
      if ('replay' in result) {
        const { status, response } = result.replay;
        if (status !== 201) {
          const stored = (response as ReturnType<typeof errorBody>).error;
          throw new AppError(stored.message, status!, stored.code, stored.details);
        }
        const body = response as BookingView;
        const booking = await repo.findBooking(db, body.id);
        return { status: 201, body, replayed: true, booking: booking! };
      }
      log.info(
        {
          bookingId: result.booking.id,
          channel: actor.channel,
          slotId: result.booking.slotId,
          phone: maskPhone(result.booking.phone),
        },
        'booking made',
      );
      await notifier.booked(result.booking);
      return { status: 201, body: result.body, replayed: false, booking: result.booking };
    },

    /**
     * Books inside the caller's transaction, under a savepoint, by the very rules of
     * {@link createBooking} (a slot that exists, is open and lies ahead; a place left, the phone
     * share kept; the person not suspended for no-shows; one active booking per person, service
     * and day): the booking, or the refusal with the transaction still usable. For bookings the
     * calendar learns of from elsewhere (a channel's feed, imported by reconciliation, whose run
     * keeps it from being made twice); no SMS is queued, as the channel has told its citizen.
     */
    async bookWithin(
      tx: Executor,
      request: BookingRequest,
      actor: Actor,
    ): Promise<{ booking: BookingRow } | { refusal: AppError }> {
      try {
        return { booking: await tx.transaction((savepoint) => book(savepoint, request, actor)) };
      } catch (error) {
        if (!(error instanceof AppError) || error.status >= 500) throw error;
        return { refusal: error };
      }
    },
  };
}
