import type { Catalogue } from '../catalogue/index.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db.js';
import type { Logger } from '../platform/logger.js';
import type { Redis } from '../platform/redis.js';
import { createFeedService, type FeedLimits, type FeedService } from './feed-service.js';
import type { BookWithin } from './reconciliation-fixes.js';
import {
  createReconciliationService,
  type ReconciliationService,
} from './reconciliation-service.js';

/** The reconciliation component as the runtime holds it. */
export interface Reconciliation {
  feeds: FeedService;
  service: ReconciliationService;
}

/** Builds the component; `bookWithin` is the booking component's, through which a run imports a feed's missing bookings. */
export function createReconciliation(deps: {
  db: Database;
  catalogue: Catalogue;
  clock: Clock;
  logger: Logger;
  idHashKey: string;
  bookWithin: BookWithin;
  redis: Redis;
  redisPrefix: string;
  feedLimits: FeedLimits;
}): Reconciliation {
  return { feeds: createFeedService(deps), service: createReconciliationService(deps) };
}
