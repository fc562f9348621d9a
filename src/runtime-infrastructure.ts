import type { WorkCalendar } from './calendar/index.js';
import { syncCatalogue, type Catalogue } from './catalogue/index.js';
import type { Clock } from './platform/clock.js';
import type { Config } from './platform/config.js';
import { createDatabase, type DatabaseHandle } from './platform/db.js';
import type { EventLoopMonitor } from './platform/event-loop.js';
import type { Logger } from './platform/logger.js';
import { createQueues, type Queues } from './platform/queues.js';
import type { ReadinessCheck } from './platform/readiness.js';
import { assertRedisReachable, createRedis, type Redis } from './platform/redis.js';
import { redisReadiness } from './platform/schedule-guard.js';
import { createTwilioClient, type TwilioClient } from './platform/twilio-client.js';
import {
  createLocalTelephony,
  type LocalTelephony,
  type LocalTelephonyOptions,
} from './telephony/index.js';

/** How a runtime opens its infrastructure. */
export interface InfrastructureOptions {
  /** Apply migrations and mirror the catalogue into the database (release, single-process start, tests). */
  prepareDatabase?: boolean;
  /** The job producer; BullMQ queues on the runtime's Redis unless given (a history filler gives one that keeps nothing). */
  queues?: Queues;
  /** The local provider's waits end at once (tests, the in-process ivr:call), and its TwiML checks. */
  telephony?: Pick<
    LocalTelephonyOptions,
    'instant' | 'paceScale' | 'validate' | 'maxRequests' | 'observeRest'
  >;
}

/** The connections a runtime opens, and the built-in provider when it is the one configured. */
export interface Infrastructure {
  redis: Redis;
  database: DatabaseHandle;
  queues: Queues;
  twilio: TwilioClient;
  telephony: LocalTelephony | undefined;
  /** Where this process's web server listens once it does (the local provider's webhooks and REST go there). */
  listening: { url?: string };
}

/**
 * Connects to Redis (failing fast when it cannot be reached), opens the database (migrated, with
 * the catalogue mirrored, when asked), the job producer, the telephony provider and its client.
 */
export async function openInfrastructure(
  config: Config,
  options: InfrastructureOptions,
  { logger, clock, catalogue }: { logger: Logger; clock: Clock; catalogue: Catalogue },
): Promise<Infrastructure> {
  const redis = createRedis(config.redisUrl, logger, { name: 'web' });
  try {
    await assertRedisReachable(redis, config.redisUrl);
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  const database = await createDatabase({
    url: config.databaseUrl,
    pgliteDir: config.pgliteDir,
    max: config.databasePoolMax,
    logger,
  });
  if (options.prepareDatabase) {
    await database.migrate();
    const counts = await syncCatalogue(database.db, catalogue);
    logger.info(counts, 'catalogue mirrored into the database');
  }
  const queues = options.queues ?? createQueues(redis, config.redisPrefix);
  // TELEPHONY_PROVIDER=local: the provider lives in the web process; every process reaches its REST API on this machine's web port.
  const listening: Infrastructure['listening'] = {};
  const localUrl = () => listening.url ?? `http://127.0.0.1:${config.port}`;
  const telephony =
    config.telephonyProvider === 'local'
      ? createLocalTelephony({
          accountSid: config.twilio.accountSid,
          authToken: config.twilio.authToken,
          profile: config.telephony.name,
          publicBaseUrl: config.publicBaseUrl,
          targetBaseUrl: localUrl,
          clock,
          logger,
          ...options.telephony,
        })
      : undefined;
  const twilio = createTwilioClient(
    telephony ? { ...config.twilio, apiBaseUrl: () => `${localUrl()}/telephony` } : config.twilio,
  );
  return { redis, database, queues, twilio, telephony, listening };
}

/** What the readiness route checks: PostgreSQL, Redis, the holidays' coverage, the event loop. */
export function readinessChecks({
  database,
  redis,
  redisPrefix,
  calendar,
  eventLoop,
}: {
  database: DatabaseHandle;
  redis: Redis;
  redisPrefix: string;
  calendar: WorkCalendar;
  eventLoop: EventLoopMonitor;
}): ReadinessCheck[] {
  return [
    {
      name: 'postgres',
      check: async () => (await database.ping(), { ok: true, detail: database.kind }),
    },
    // Not ready while Redis has lost its data, until a worker has rebuilt it from PostgreSQL.
    { name: 'redis', check: () => redisReadiness(redis, redisPrefix) },
    // An uncovered year is a warning, not a reason to stop taking calls.
    { name: 'holidays', check: async () => ({ ok: true, warnings: calendar.coverageWarnings() }) },
    // How long requests wait for the loop, per 10 s window: a handler that blocks shows here.
    { name: 'event-loop', check: async () => eventLoop.check() },
  ];
}
