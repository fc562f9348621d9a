import { z } from 'zod';
import type { Catalogue } from '../catalogue/index.js';
import type { Config } from '../platform/config.js';
import type { Logger } from '../platform/logger.js';
import type { JobDefinition, Queues } from '../platform/queues.js';
import type { TwilioClient } from '../platform/twilio-client.js';
import type { SmsKind } from './booking-notifier.js';
import type { BookingService } from './booking-service.js';
import { sendBookingSms, smsStillDue } from './booking-sms.js';
import type { CapacityService } from './capacity-service.js';

declare module '../platform/queues.js' {
  interface JobPayloads {
    /** One booking SMS (confirmation, reminder, notices): ids and the kind only. */
    'booking-sms': { bookingId: string; kind: SmsKind; slotId: number };
    /** Gives a hold's place back once it has expired (delayed to its expiry). */
    'booking-hold-expiry': { holdId: string };
    /** Periodic: expired holds the delayed jobs missed, no-shows, old idempotency keys. */
    'booking-sweep': Record<string, never>;
    /** Daily at BOOKING_RELEASE_TIME (and every 10 minutes): releases slots up to the horizon and reconciles capacity. */
    'booking-release': Record<string, never>;
  }
}

const empty = z.record(z.string(), z.never());

export interface BookingJobDeps {
  booking: BookingService;
  capacity: CapacityService;
  twilio: TwilioClient;
  catalogue: Catalogue;
  config: Config;
  logger: Logger;
}

/** The booking component's job processors; only the worker role starts them. */
export function createBookingJobs(deps: BookingJobDeps): JobDefinition[] {
  const { booking, capacity } = deps;
  const log = deps.logger.child({ component: 'booking' });
  const sms: JobDefinition<'booking-sms'> = {
    name: 'booking-sms',
    schema: z.object({
      bookingId: z.uuid(),
      kind: z.enum(['confirmation', 'reminder', 'rescheduled', 'no_show_warning', 'suspended']),
      slotId: z.number().int(),
    }),
    process: async ({ bookingId, kind, slotId }) => {
      const row = await booking.findBooking(bookingId);
      if (!row || !smsStillDue(kind, row, slotId)) {
        log.info({ bookingId, kind }, 'booking SMS no longer due');
        return null;
      }
      // A reminder is claimed in PostgreSQL first: a job restored after a Redis loss must not send it twice.
      const claimed =
        kind === 'reminder' ? await booking.claimReminder(bookingId, slotId) : undefined;
      if (kind === 'reminder' && !claimed) {
        log.info({ bookingId, kind }, 'booking reminder already sent');
        return null;
      }
      try {
        return await sendBookingSms({ ...deps, logger: log }, kind, row);
      } catch (error) {
        if (claimed) await booking.releaseReminderClaim(bookingId, claimed);
        throw error;
      }
    },
    ratePerSecond: deps.config.sms.ratePerSecond,
  };
  const holdExpiry: JobDefinition<'booking-hold-expiry'> = {
    name: 'booking-hold-expiry',
    schema: z.object({ holdId: z.uuid() }),
    process: async ({ holdId }) => booking.expireHold(holdId),
  };
  const sweep: JobDefinition<'booking-sweep'> = {
    name: 'booking-sweep',
    schema: empty,
    concurrency: 1,
    process: async () => ({
      holdsExpired: await booking.sweepExpiredHolds(),
      noShows: await booking.markNoShows(),
      keysPurged: await booking.purgeIdempotencyKeys(),
    }),
  };
  const release: JobDefinition<'booking-release'> = {
    name: 'booking-release',
    schema: empty,
    concurrency: 1,
    process: async () => capacity.releaseSlots(),
  };
  return [sms, holdExpiry, sweep, release];
}

/**
 * Registers the periodic booking jobs (idempotent): the sweeper every minute, the daily
 * release at BOOKING_RELEASE_TIME in Asia/Shanghai, the same release every 10 minutes to
 * reconcile existing slots with hall closures entered in the calendar (their bookings are
 * flagged), plus one release now so a fresh deployment has slots at once.
 */
export async function scheduleBookingJobs(queues: Queues, config: Config): Promise<void> {
  const [hour, minute] = config.booking.releaseTime.split(':').map(Number) as [number, number];
  await queues
    .get('booking-sweep')
    .upsertJobScheduler('booking-sweep', { every: 60_000 }, { name: 'booking-sweep', data: {} });
  await queues
    .get('booking-release')
    .upsertJobScheduler(
      'booking-release',
      { pattern: `${minute} ${hour} * * *`, tz: 'Asia/Shanghai' },
      { name: 'booking-release', data: {} },
    );
  // Between releases, the same idempotent job applies closures and holidays entered in the calendar to existing slots.
  await queues
    .get('booking-release')
    .upsertJobScheduler(
      'booking-reconcile',
      { every: 10 * 60_000 },
      { name: 'booking-release', data: {} },
    );
  await queues.add(
    'booking-release',
    {},
    { jobId: `booking-release-start-${new Date().toISOString().slice(0, 13)}` },
  );
}
