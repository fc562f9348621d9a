import type { WorkCalendar } from '../calendar/index.js';
import type { Catalogue } from '../catalogue/index.js';
import type { Clock } from '../platform/clock.js';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db.js';
import type { Logger } from '../platform/logger.js';
import type { Queues } from '../platform/queues.js';
import type { Redis } from '../platform/redis.js';
import { createApiKeyService, type ApiKeyService } from './api-key-service.js';
import { createBookingLookup, type BookingLookup } from './booking-lookup-service.js';
import { createBookingNotifier, type BookingNotifier } from './booking-notifier.js';
import { createBookingRecovery, type BookingRecovery } from './booking-recovery.js';
import { createBookingService } from './booking-service.js';
import { createCapacityService, type CapacityService } from './capacity-service.js';
import {
  createPhoneLedger,
  withPhoneLedger,
  type LedgeredBookingService,
  type PhoneLedger,
} from './phone-ledger-service.js';

/** The booking component as the runtime holds it. */
export interface Booking {
  /** The booking use cases; every action taken during a call is recorded in the phone ledger. */
  service: LedgeredBookingService;
  phoneLedger: PhoneLedger;
  capacity: CapacityService;
  apiKeys: ApiKeyService;
  /** Citizen-facing look-ups by code and a second factor, rate-limited. */
  lookup: BookingLookup;
  notifier: BookingNotifier;
  /** Puts the booking's delayed jobs back from PostgreSQL after a Redis loss. */
  recovery: BookingRecovery;
}

/** Builds the booking component from the platform's dependencies. */
export function createBooking(deps: {
  db: Database;
  catalogue: Catalogue;
  calendar: WorkCalendar;
  clock: Clock;
  config: Config;
  queues: Queues;
  redis: Redis;
  logger: Logger;
}): Booking {
  const notifier = createBookingNotifier({
    queues: deps.queues,
    clock: deps.clock,
    logger: deps.logger,
    reminderHour: deps.config.booking.reminderHour,
  });
  const phoneLedger = createPhoneLedger(deps);
  return {
    service: withPhoneLedger(createBookingService({ ...deps, notifier }), phoneLedger),
    phoneLedger,
    capacity: createCapacityService(deps),
    apiKeys: createApiKeyService(deps),
    lookup: createBookingLookup({
      db: deps.db,
      redis: deps.redis,
      redisPrefix: deps.config.redisPrefix,
      logger: deps.logger,
    }),
    notifier,
    recovery: createBookingRecovery({
      db: deps.db,
      queues: deps.queues,
      clock: deps.clock,
      logger: deps.logger,
      reminderHour: deps.config.booking.reminderHour,
    }),
  };
}
