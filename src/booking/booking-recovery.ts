import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db.js';
import type { Logger } from '../platform/logger.js';
import type { Queues } from '../platform/queues.js';
import { reminderJobId, reminderTime } from './booking-notifier.js';
import * as repo from './booking-repository.js';
import { holdExpiryJobId } from './slot-hold-service.js';
import * as holdRows from './slot-hold-repository.js';

const PAGE = 500;

/** What a restore ensured is queued. */
export interface RestoredBookingJobs {
  reminders: number;
  holdExpiries: number;
}

/**
 * PostgreSQL is the source of truth for what the booking component must do later; the delayed
 * jobs in Redis are a cache of it. After a Redis loss this puts them back, under the same
 * deterministic job ids, so that running it again (or beside jobs that survived) adds nothing.
 */
export interface BookingRecovery {
  restorePendingJobs(): Promise<RestoredBookingJobs>;
}

/**
 * When a booking's reminder should run, seen from `now`: its time the day before; at once when
 * that time passed while the job was lost (the booking was made before it and has not started);
 * undefined when the booking never had one (made after its reminder time).
 */
export function reminderDelay(
  booking: Pick<repo.BookingRow, 'startsAt' | 'createdAt'>,
  reminderHour: number,
  now: Date,
): number | undefined {
  const at = reminderTime(booking.startsAt, reminderHour).getTime();
  if (at > now.getTime()) return at - now.getTime();
  return booking.createdAt.getTime() < at ? 0 : undefined;
}

export function createBookingRecovery(deps: {
  db: Database;
  queues: Queues;
  clock: Clock;
  logger: Logger;
  reminderHour: number;
}): BookingRecovery {
  const { db, queues, clock } = deps;
  const log = deps.logger.child({ component: 'booking' });

  async function restoreReminders(now: Date): Promise<number> {
    let restored = 0;
    let afterId: string | undefined;
    for (;;) {
      const page = await repo.listUnremindedBookings(db, now, afterId, PAGE);
      for (const booking of page) {
        const delay = reminderDelay(booking, deps.reminderHour, now);
        if (delay === undefined) continue;
        await queues.add(
          'booking-sms',
          { bookingId: booking.id, kind: 'reminder', slotId: booking.slotId },
          { jobId: reminderJobId(booking.id, booking.slotId), delay },
        );
        restored += 1;
      }
      if (page.length < PAGE) return restored;
      afterId = page[page.length - 1]!.id;
    }
  }

  async function restoreHoldExpiries(now: Date): Promise<number> {
    // Holds last minutes, so there are few; the minute sweeper covers any beyond this bound.
    const holds = await holdRows.listActiveHolds(db, 5000);
    for (const hold of holds) {
      const delay = Math.max(0, hold.expiresAt.getTime() - now.getTime() + 1000);
      await queues.add(
        'booking-hold-expiry',
        { holdId: hold.id },
        { jobId: holdExpiryJobId(hold.id), delay },
      );
    }
    return holds.length;
  }

  return {
    async restorePendingJobs() {
      const now = clock.now();
      const result = {
        reminders: await restoreReminders(now),
        holdExpiries: await restoreHoldExpiries(now),
      };
      log.info(result, 'booking jobs restored from PostgreSQL');
      return result;
    },
  };
}
