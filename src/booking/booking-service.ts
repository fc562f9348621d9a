import { createHmac, randomInt } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Catalogue } from '../catalogue/index.js';
import { ZONE, type Clock } from '../platform/clock.js';
import type { Config } from '../platform/config.js';
import type { Database, Executor } from '../platform/db.js';
import { AppError, pgErrorCode } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import { maskPhone } from '../platform/logger.js';
import type { Queues } from '../platform/queues.js';
import { assertMayAct, type Actor } from './booking-access.js';
import { conflict, errorBody, IdempotencyKeyReusedError, invalidField } from './booking-errors.js';
import { protectIdNumber, type StoredIdNumber } from './booking-identity.js';
import type { BookingNotifier } from './booking-notifier.js';
import * as repo from './booking-repository.js';
import type { BookingRow } from './booking-repository.js';
import type { BookingChannel } from './booking-tables.js';
import { toBookingView, type BookingView } from './booking-views.js';
import { syncFlags } from './flag-sync.js';
import { createHoldService } from './slot-hold-service.js';
import { createPlaceRules } from './place-rules.js';
import * as slots from './slot-repository.js';
import type { HoldRow, SlotRow } from './slot-repository.js';

export type { Actor };

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

export interface BookingServiceDeps {
  db: Database;
  catalogue: Catalogue;
  clock: Clock;
  config: Config;
  queues: Queues;
  notifier: BookingNotifier;
  logger: Logger;
}

const CODE_ATTEMPTS = 5;

/** The booking use cases: holds, bookings, cancel, reschedule, check-in and no-shows. */
export type BookingService = ReturnType<typeof createBookingService>;

export function createBookingService(deps: BookingServiceDeps) {
  const { db, catalogue, clock, config, queues, notifier } = deps;
  const settings = config.booking;
  const log = deps.logger.child({ component: 'booking' });
  const { placeRequest, noPlace } = createPlaceRules(clock, settings.phoneShareHours);
  const holds = createHoldService({
    db,
    clock,
    queues,
    placeRequest,
    noPlace,
    holdMinutes: settings.holdMinutes,
    logger: log,
  });

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
      hold = await slots.claimHold(tx, request.holdId, clock.now());
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
        | { replay: repo.IdempotencyRow }
        | { booking: BookingRow; body: BookingView }
        | { refusal: AppError };
      const result = await db.transaction(async (tx): Promise<Attempt> => {
        if (!(await repo.claimIdempotencyKey(tx, scope, idempotencyKey, hash))) {
          const first = await repo.findIdempotencyKey(tx, scope, idempotencyKey);
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
          await repo.storeIdempotentResponse(tx, scope, idempotencyKey, 201, body);
          return { booking, body };
        } catch (error) {
          if (!(error instanceof AppError) || error.status >= 500) throw error;
          await repo.storeIdempotentResponse(
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

    ...holds,

    findBooking: (id: string) => repo.findBooking(db, id),
    findBookingByCode: (code: string) => repo.findBookingByCode(db, code),
    upcomingByPhone: (phone: string) => repo.listUpcomingByPhone(db, phone, clock.now(), 5),
    events: (id: string) => repo.listEvents(db, id),

    /** Records that someone read a booking (staff reads are audited). */
    async recordRead(booking: BookingRow, actor: Actor): Promise<void> {
      await repo.insertEvent(db, {
        bookingId: booking.id,
        event: 'read',
        actor: actor.label,
        at: clock.now(),
        details: {},
      });
    },

    /** Cancels a confirmed booking and gives its place back; cancelling twice answers the same. */
    async cancel(id: string, actor: Actor): Promise<BookingRow> {
      const { booking, changed } = await db.transaction(async (tx) => {
        const current = assertMayAct(await repo.lockBooking(tx, id), id, actor, 'cancel');
        if (current.status === 'cancelled') return { booking: current, changed: false };
        if (current.status !== 'confirmed')
          throw conflict(
            'not_cancellable',
            `a booking that is ${current.status} cannot be cancelled`,
          );
        const now = clock.now();
        const updated = await repo.updateBooking(tx, id, {
          status: 'cancelled',
          cancelledAt: now,
          ...(current.flag && !current.flagResolvedAt ? { flagResolvedAt: now } : {}),
        });
        const slot = await slots.releaseBookedPlace(tx, current.slotId, current.channel);
        await syncFlags(tx, slot, now);
        await repo.insertEvent(tx, {
          bookingId: id,
          event: 'cancelled',
          actor: actor.label,
          at: now,
          details: {},
        });
        return { booking: updated, changed: true };
      });
      if (changed) await notifier.cancelled(booking);
      return booking;
    },

    /**
     * Moves a confirmed booking to another slot of the same service in one transaction: the
     * new place is taken by the same conditional UPDATE as a booking, the old one given back;
     * either both happen or neither. Slots are locked in id order so two opposite moves
     * cannot deadlock.
     */
    async reschedule(id: string, slotId: number, actor: Actor): Promise<BookingRow> {
      const { booking, previousSlotId } = await db.transaction(async (tx) => {
        const current = assertMayAct(await repo.lockBooking(tx, id), id, actor, 'reschedule');
        if (current.status !== 'confirmed')
          throw conflict(
            'not_reschedulable',
            `a booking that is ${current.status} cannot be rescheduled`,
          );
        if (current.slotId === slotId) return { booking: current, previousSlotId: undefined };
        const target = await slots.findSlot(tx, slotId);
        if (!target) throw invalidField('slotId', 'not_found', `no slot ${slotId}`);
        if (target.serviceId !== current.serviceId)
          throw invalidField('slotId', 'other_service', 'the new slot is for another service');
        const now = clock.now();
        const take = async () => {
          if (!(await slots.takePlace(tx, placeRequest(slotId, current.channel))))
            await noPlace(tx, slotId);
        };
        let old: SlotRow;
        if (slotId < current.slotId) {
          await take();
          old = await slots.releaseBookedPlace(tx, current.slotId, current.channel);
        } else {
          old = await slots.releaseBookedPlace(tx, current.slotId, current.channel);
          await take();
        }
        let updated: BookingRow;
        try {
          updated = await tx.transaction((sp) =>
            repo.updateBooking(sp, id, {
              slotId,
              day: target.day,
              startsAt: target.startsAt,
              endsAt: target.endsAt,
              reminderSentAt: null,
              ...(current.flag && !current.flagResolvedAt ? { flagResolvedAt: now } : {}),
            }),
          );
        } catch (error) {
          if (pgErrorCode(error) === '23505')
            throw conflict(
              'duplicate_booking',
              'this person already has an active booking for this service on that day',
            );
          throw error;
        }
        await syncFlags(tx, old, now);
        await repo.insertEvent(tx, {
          bookingId: id,
          event: 'rescheduled',
          actor: actor.label,
          at: now,
          details: { from: current.slotId, to: slotId },
        });
        return { booking: updated, previousSlotId: current.slotId };
      });
      if (previousSlotId !== undefined) await notifier.rescheduled(booking, previousSlotId);
      return booking;
    },

    /** Checks a citizen in at the hall on the day of the booking. */
    async checkIn(id: string, actor: Actor): Promise<BookingRow> {
      return db.transaction(async (tx) => {
        const current = assertMayAct(await repo.lockBooking(tx, id), id, actor, 'check-in');
        if (current.status === 'checked_in') return current;
        const today = DateTime.fromJSDate(clock.now(), { zone: ZONE }).toISODate();
        if (current.status !== 'confirmed' || current.day !== today)
          throw conflict(
            'not_checkable',
            `only a confirmed booking for today can be checked in (this one is ${current.status}, for ${current.day})`,
          );
        const now = clock.now();
        const updated = await repo.updateBooking(tx, id, {
          status: 'checked_in',
          checkedInAt: now,
        });
        await repo.insertEvent(tx, {
          bookingId: id,
          event: 'checked_in',
          actor: actor.label,
          at: now,
          details: {},
        });
        return updated;
      });
    },

    /**
     * Marks bookings not checked in by the end of their slot plus the grace period as no-shows,
     * and applies the no-show rule: a warning SMS from the `warnAfter`-th, a suspension notice
     * at the `blockAfter`-th within the window.
     */
    async markNoShows(): Promise<number> {
      const now = clock.now();
      const marked = await db.transaction(async (tx) => {
        const rows = await repo.markNoShows(
          tx,
          new Date(now.getTime() - settings.noShowGraceMinutes * 60_000),
          now,
          500,
        );
        for (const row of rows)
          await repo.insertEvent(tx, {
            bookingId: row.id,
            event: 'no_show',
            actor: 'system',
            at: now,
            details: {},
          });
        return rows;
      });
      const rule = settings.noShowRule;
      for (const booking of marked) {
        const recent = await repo.listNoShowTimes(
          db,
          booking.idHash,
          new Date(now.getTime() - rule.windowDays * 86_400_000),
        );
        if (recent.length >= rule.blockAfter) await notifier.noShow(booking, 'suspended');
        else if (recent.length >= rule.warnAfter) await notifier.noShow(booking, 'no_show_warning');
      }
      if (marked.length > 0) log.info({ count: marked.length }, 'no-shows marked');
      return marked.length;
    },

    listFlagged: (hallId?: string) => repo.listFlagged(db, hallId),

    /** Claims a booking's reminder for sending; the claim's time, or undefined when it is no longer due or already sent. */
    async claimReminder(id: string, slotId: number): Promise<Date | undefined> {
      const at = clock.now();
      return (await repo.claimReminder(db, id, slotId, at)) ? at : undefined;
    },

    /** Gives back a claim whose SMS failed, so that the job's retry sends it. */
    releaseReminderClaim: (id: string, at: Date) => repo.releaseReminderClaim(db, id, at),

    /** Deletes idempotency records older than a day. */
    purgeIdempotencyKeys: () =>
      repo.purgeIdempotencyKeys(db, new Date(clock.now().getTime() - 24 * 3_600_000)),
  };
}

export type { BookingRow } from './booking-repository.js';
