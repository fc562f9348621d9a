import { createAgents, type Agents } from './agents/index.js';
import { createBooking, type Booking } from './booking/index.js';
import { createCallbackRequests, type CallbackRequests } from './callbacks/index.js';
import { createWorkCalendar, type WorkCalendar } from './calendar/index.js';
import { createCallLedger, type CallLedger, type CallRouting } from './calls/index.js';
import { loadCatalogue, syncCatalogue, type Catalogue } from './catalogue/index.js';
import { createEvaluations, createFollowUps, type Evaluations, type FollowUps } from './evaluations/index.js';
import { createGuides, loadGuides, type Guides } from './guides/index.js';
import { createAnnouncements, loadMenus, type Announcements, type Menu } from './ivr/index.js';
import { createReconciliation, type Reconciliation } from './reconciliation/index.js';
import { createReportsService, type ReportsService } from './reports/index.js';
import { createAccounts, type Accounts } from './staff/index.js';
import { systemClock, type Clock } from './platform/clock.js';
import type { Config } from './platform/config.js';
import { createDatabase, type DatabaseHandle } from './platform/db.js';
import { createLogger, type Logger } from './platform/logger.js';
import { createQueues, type Queues } from './platform/queues.js';
import type { ReadinessCheck } from './platform/readiness.js';
import { assertRedisReachable, createRedis, type Redis } from './platform/redis.js';
import { redisReadiness } from './platform/schedule-guard.js';
import { createSecretBox } from './platform/secret-box.js';
import { createTwilioClient, type TwilioClient } from './platform/twilio-client.js';

/** Everything a process is built from: infrastructure, catalogue and components. */
export interface Runtime {
  config: Config;
  logger: Logger;
  clock: Clock;
  database: DatabaseHandle;
  redis: Redis;
  queues: Queues;
  twilio: TwilioClient;
  catalogue: Catalogue;
  menus: ReadonlyMap<string, Menu>;
  ledger: CallLedger;
  /** Callback requests: taken by the IVR, placed by the agents component. */
  callbackRequests: CallbackRequests;
  calendar: WorkCalendar;
  /** The shared slot calendar: bookings, capacity, channel API keys. */
  booking: Booking;
  /** Announcements spoken after the IVR welcome. */
  announcements: Announcements;
  /** Told when the IVR queues a call; the agents component routes it. */
  routing: CallRouting;
  reports: ReportsService;
  /** Channel feeds and the reconciliation runs. */
  reconciliation: Reconciliation;
  /** Accounts, agent states, routing, callbacks and outcomes. */
  /** Staff accounts and their sessions. */
  staff: Accounts;
  /** Agent states, routing, callbacks and outcomes. */
  agents: Agents;
  /** The service guides (办事指南): on the desk, searched, edited, sent by SMS. */
  guides: Guides;
  /** 好差评: the evaluation menu after a call, and the follow-up of every 差评. */
  evaluations: Evaluations;
  /** The follow-up (回访) of every 差评. */
  followUps: FollowUps;
  readiness: ReadinessCheck[];
  close(): Promise<void>;
}

export interface RuntimeOptions {
  logger?: Logger;
  clock?: Clock;
  /** Apply migrations and mirror the catalogue into the database (release, single-process start, tests). */
  prepareDatabase?: boolean;
  /** The job producer; BullMQ queues on the runtime's Redis unless given (a history filler gives one that keeps nothing). */
  queues?: Queues;
}

/**
 * Opens the connections and loads the catalogue. Fails fast, with a message that says what
 * to do, when the catalogue is invalid or Redis cannot be reached.
 */
export async function createRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const catalogue = loadCatalogue(config.catalogueDir);
  const menus = loadMenus(config.catalogueDir, catalogue, { maxOptions: config.ivr.menuMaxOptions, speechInput: config.telephony.speechInput });
  const fileGuides = loadGuides(config.catalogueDir, catalogue);
  const redis = createRedis(config.redisUrl, logger, { name: 'web' });
  try {
    await assertRedisReachable(redis, config.redisUrl);
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  const database = await createDatabase({ url: config.databaseUrl, pgliteDir: config.pgliteDir, max: config.databasePoolMax, logger });
  if (options.prepareDatabase) {
    await database.migrate();
    const counts = await syncCatalogue(database.db, catalogue);
    logger.info(counts, 'catalogue mirrored into the database');
  }
  const queues = options.queues ?? createQueues(redis, config.redisPrefix);
  const twilio = createTwilioClient(config.twilio);
  const ledger = createCallLedger({
    db: database.db,
    queues,
    clock,
    logger,
    hotlineOf: (number) => {
      const hotline = catalogue.hotline(number);
      return hotline && { number: hotline.number, hall: hotline.hall, department: hotline.department };
    },
  });
  const callbackRequests = createCallbackRequests({ db: database.db, ledger, clock });
  const calendar = await createWorkCalendar({ db: database.db, catalogue, clock, logger });
  const staff = createAccounts({ db: database.db, redis, redisPrefix: config.redisPrefix, catalogue, sessionTtlSeconds: config.agents.sessionTtlSeconds, passwordHashMemoryKib: config.agents.passwordHashMemoryKib, sipSecrets: createSecretBox(Buffer.from(config.agents.sip.credentialsKey, 'base64')), logger });
  const agents = createAgents({ config, db: database.db, redis, queues, twilio, ledger, catalogue, calendar, staff, callbackRequests, clock, logger });
  const followUps = createFollowUps({
    db: database.db,
    catalogue,
    calendar,
    ledger,
    callbackRequests,
    clock,
    logger,
    followUpDays: config.evaluation.followUpDays,
    nameOf: async (userId) => (await staff.findUser(userId))?.displayName || userId,
  });
  const evaluations = createEvaluations({
    db: database.db,
    catalogue,
    ledger,
    prompts: catalogue.prompts,
    clock,
    logger,
    voice: config.twilio.voice,
    publicBaseUrl: config.publicBaseUrl,
    followUpDays: config.evaluation.followUpDays,
    onPoor: async (evaluation) => void (await followUps.open(evaluation)),
  });
  agents.routing.afterAnswered = (callSid, agentId, callerStatus) => evaluations.afterAgentLeg(callSid, agentId, callerStatus);
  const booking = createBooking({ db: database.db, catalogue, calendar, clock, config, queues, redis, logger });
  const announcements = createAnnouncements({ db: database.db, clock, catalogue });
  const readiness: ReadinessCheck[] = [
    { name: 'postgres', check: async () => (await database.ping(), { ok: true, detail: database.kind }) },
    // Not ready while Redis has lost its data, until a worker has rebuilt it from PostgreSQL.
    { name: 'redis', check: () => redisReadiness(redis, config.redisPrefix) },
    // An uncovered year is a warning, not a reason to stop taking calls.
    { name: 'holidays', check: async () => ({ ok: true, warnings: calendar.coverageWarnings() }) },
  ];
  return {
    config,
    logger,
    clock,
    database,
    redis,
    queues,
    twilio,
    catalogue,
    menus,
    ledger,
    callbackRequests,
    calendar,
    reconciliation: createReconciliation({ db: database.db, catalogue, clock, logger, idHashKey: config.booking.idHashKey }),
    reports: createReportsService({ db: database.db, catalogue, clock, logger, ...config.reports }),
    routing: agents.routing,
    staff,
    agents,
    evaluations,
    followUps,
    guides: createGuides({ db: database.db, catalogue, fileGuides, ledger, menus, queues, clock, logger, nameOf: async (userId) => (await staff.findUser(userId))?.displayName || userId }),
    booking,
    announcements,
    readiness,
    async close() {
      await agents.close();
      await queues.close();
      await database.close();
      redis.disconnect();
    },
  };
}
