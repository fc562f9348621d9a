import { createBooking } from './booking/index.js';
import { callbackUrls, createCallbackRequests, createCallbacks } from './callbacks/index.js';
import { createWorkCalendar } from './calendar/index.js';
import { createCallLedger } from './calls/index.js';
import { loadCatalogue } from './catalogue/index.js';
import { createEvaluations, createFollowUps } from './evaluations/index.js';
import { createGuides, loadGuides } from './guides/index.js';
import { createAnnouncements, loadMenus } from './ivr/index.js';
import { createReconciliation } from './reconciliation/index.js';
import { createReportsService } from './reports/index.js';
import { createDeskComponent } from './desk/index.js';
import { createRecordings } from './recordings/index.js';
import { createRoutingComponent } from './routing/index.js';
import { createAccounts, createStaffAdmin } from './staff/index.js';
import { createSupervision } from './supervision/index.js';
import { createTraining } from './training/index.js';
import { systemClock } from './platform/clock.js';
import type { Config } from './platform/config.js';
import { createEventLoopMonitor } from './platform/event-loop.js';
import { createLogger } from './platform/logger.js';
import { createSecretBox } from './platform/secret-box.js';
import { openInfrastructure, readinessChecks } from './runtime-infrastructure.js';
import type { Runtime, RuntimeOptions } from './runtime-types.js';

export type { Runtime, RuntimeOptions } from './runtime-types.js';

/**
 * Opens the connections and loads the catalogue. Fails fast, with a message that says what
 * to do, when the catalogue is invalid or Redis cannot be reached.
 */
export async function createRuntime(
  config: Config,
  options: RuntimeOptions = {},
): Promise<Runtime> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const catalogue = loadCatalogue(config.catalogueDir);
  const menus = loadMenus(config.catalogueDir, catalogue, {
    maxOptions: config.ivr.menuMaxOptions,
    speechInput: config.telephony.speechInput,
  });
  const fileGuides = loadGuides(config.catalogueDir, catalogue);
  const { redis, database, queues, twilio, telephony, listening } = await openInfrastructure(
    config,
    options,
    { logger, clock, catalogue },
  );
  const ledger = createCallLedger({
    db: database.db,
    redis,
    redisPrefix: config.redisPrefix,
    queues,
    clock,
    logger,
    hotlineOf: (number) => {
      const hotline = catalogue.hotline(number);
      return (
        hotline && { number: hotline.number, hall: hotline.hall, department: hotline.department }
      );
    },
  });
  const callbackRequests = createCallbackRequests({ db: database.db, ledger, clock });
  const calendar = await createWorkCalendar({ db: database.db, catalogue, clock, logger });
  const staff = createAccounts({
    db: database.db,
    redis,
    redisPrefix: config.redisPrefix,
    catalogue,
    sessionTtlSeconds: config.agents.sessionTtlSeconds,
    passwordHashMemoryKib: config.agents.passwordHashMemoryKib,
    sipSecrets: createSecretBox(Buffer.from(config.agents.sip.credentialsKey, 'base64')),
    logger,
  });
  const db = database.db;
  const nameOf = async (userId: string) => (await staff.findUser(userId))?.displayName || userId;
  const namesOf = async (userIds: readonly string[]) => {
    const users = new Map((await staff.findUsers(userIds)).map((u) => [u.id, u.displayName]));
    return new Map(userIds.map((id) => [id, users.get(id) || id]));
  };
  // Routing asks the evaluations, through this port, what the caller hears once the agent has hung up (the 好差评 menu, or nothing).
  const afterAnswered = {
    offer: (callSid: string, agentId: string, callerStatus: string, hotline?: string | null) =>
      evaluations.afterAgentLeg(callSid, agentId, callerStatus, hotline),
  };
  const routing = createRoutingComponent(
    {
      config,
      db,
      redis,
      queues,
      twilio,
      ledger,
      catalogue,
      staff,
      clock,
      logger,
      afterAnswered,
      // The supervisors' conference bridge, asked through this port when an agent's leg left its Dial.
      bridged: (callSid, agentId) => supervision.callerRoom(callSid, agentId),
    },
    (room) =>
      createCallbacks({
        requests: callbackRequests,
        store: room.store,
        states: room.states,
        routing: room.acd,
        agentCalls: room.agentCalls,
        phoneOf: room.phoneOf,
        ledger,
        catalogue,
        calendar,
        queues,
        twilio,
        clock,
        logger,
        urls: callbackUrls(config.publicBaseUrl),
        voice: config.twilio.voice,
        settings: config.agents,
        dial: config.telephony,
      }),
  );
  const desk = createDeskComponent({
    config,
    db,
    ledger,
    catalogue,
    menus,
    staff,
    routing,
    callbacks: routing.callbacks,
    clock,
    logger,
  });
  const supervision = createSupervision({
    staff,
    db,
    store: routing.store,
    holds: routing.holds,
    agentCalls: routing.agentCalls,
    catalogue,
    clock,
    settings: config.reports,
    alertThresholds: config.wallboard,
    presence: routing.presence,
    states: routing.states,
    ledger,
    publicBaseUrl: config.publicBaseUrl,
    holdMusicUrl: config.ivr.holdMusicUrl,
    startWrapUp: async (agentId, callSid) =>
      void (await routing.acd.startWrapUp(agentId, callSid, null)),
    twilio,
    events: routing.events,
    redis,
    redisPrefix: config.redisPrefix,
    logger,
    telephony: config.telephony,
    ttlSeconds: config.agents.callMaxSeconds,
  });
  const recordings = createRecordings({ db, twilio, twilioAuth: config.twilio, clock, logger });
  const followUps = createFollowUps({
    db: database.db,
    catalogue,
    calendar,
    ledger,
    callbackRequests,
    clock,
    logger,
    followUpDays: config.evaluation.followUpDays,
    nameOf,
  });
  const evaluations = createEvaluations({
    db: database.db,
    redis,
    redisPrefix: config.redisPrefix,
    catalogue,
    ledger,
    prompts: catalogue.prompts,
    clock,
    logger,
    voice: config.twilio.voice,
    publicBaseUrl: config.publicBaseUrl,
    followUpDays: config.evaluation.followUpDays,
    onPoor: async (evaluation) => void (await followUps.open(evaluation)),
    namesOf,
  });
  const booking = createBooking({
    db: database.db,
    catalogue,
    calendar,
    clock,
    config,
    queues,
    redis,
    logger,
  });
  const announcements = createAnnouncements({ db: database.db, clock, catalogue });
  const training = createTraining({
    line: telephony,
    ledger,
    catalogue,
    menus,
    db,
    clock,
    logger,
    nameOf: async (userId) => (await staff.findUser(userId))?.displayName || userId,
  });
  const eventLoop = createEventLoopMonitor();
  const readiness = readinessChecks({
    database,
    redis,
    redisPrefix: config.redisPrefix,
    calendar,
    eventLoop,
  });
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
    reconciliation: createReconciliation({
      db: database.db,
      catalogue,
      clock,
      logger,
      idHashKey: config.booking.idHashKey,
      bookWithin: booking.service.bookWithin,
      redis,
      redisPrefix: config.redisPrefix,
      feedLimits: config.feeds,
    }),
    reports: createReportsService({ db: database.db, catalogue, clock, logger, ...config.reports }),
    callbacks: routing.callbacks,
    routing,
    desk,
    supervision,
    recordings,
    staff,
    staffAdmin: createStaffAdmin({ accounts: staff, db, catalogue, clock }),
    evaluations,
    followUps,
    guides: createGuides({
      db: database.db,
      catalogue,
      fileGuides,
      ledger,
      menus,
      queues,
      clock,
      logger,
      nameOf,
    }),
    booking,
    announcements,
    readiness,
    ...(telephony ? { telephony } : {}),
    training,
    listening,
    async close() {
      eventLoop.close();
      await training.close();
      await telephony?.close();
      await routing.close();
      await queues.close();
      await database.close();
      redis.disconnect();
    },
  };
}
