import type { Catalogue } from '../catalogue/index.js';
import type { Clock } from '../platform/clock.js';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db.js';
import type { Logger } from '../platform/logger.js';
import type { Queues } from '../platform/queues.js';
import type { Actor } from './booking-access.js';
import { createBookingChanges } from './booking-change-service.js';
import { createBookingMaker } from './booking-make-service.js';
import * as idempotency from './booking-idempotency-repository.js';
import type { BookingNotifier } from './booking-notifier.js';
import * as repo from './booking-repository.js';
import type { BookingRow } from './booking-repository.js';
import { createPlaceRules } from './place-rules.js';
import { createHoldService } from './slot-hold-service.js';

export type { Actor };
export type { BookingOutcome, BookingRequest } from './booking-make-service.js';

export interface BookingServiceDeps {
  db: Database;
  catalogue: Catalogue;
  clock: Clock;
  config: Config;
  queues: Queues;
  notifier: BookingNotifier;
  logger: Logger;
}

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
  const maker = createBookingMaker({
    db,
    catalogue,
    clock,
    settings,
    notifier,
    logger: log,
    placeRequest,
    noPlace,
  });
  const changes = createBookingChanges({ db, clock, notifier, placeRequest, noPlace });

  return {
    ...maker,
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

    ...changes,

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
      idempotency.purgeIdempotencyKeys(db, new Date(clock.now().getTime() - 24 * 3_600_000)),
  };
}

export type { BookingRow } from './booking-repository.js';
