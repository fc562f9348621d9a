import { DateTime } from 'luxon';
import { ZONE, type Clock } from '../platform/clock.js';
import type { Database } from '../platform/db.js';
import { pgErrorCode } from '../platform/errors.js';
import { assertMayAct, type Actor } from './booking-access.js';
import { conflict, invalidField } from './booking-errors.js';
import type { BookingNotifier } from './booking-notifier.js';
import * as repo from './booking-repository.js';
import type { BookingRow } from './booking-repository.js';
import { syncFlags } from './flag-sync.js';
import type { PlaceRules } from './place-rules.js';
import * as slots from './slot-repository.js';
import type { SlotRow } from './slot-repository.js';

export interface BookingChangeDeps extends PlaceRules {
  db: Database;
  clock: Clock;
  notifier: BookingNotifier;
}

/** Changes to a confirmed booking: cancel, reschedule and check-in. */
export function createBookingChanges(deps: BookingChangeDeps) {
  const { db, clock, notifier, placeRequest, noPlace } = deps;

  return {
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
  };
}
