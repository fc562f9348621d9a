import type { CallbackRequests } from '../callbacks/index.js';
import type { CallLedger } from '../calls/index.js';
import type { WorkCalendar } from '../calendar/index.js';
import type { Catalogue } from '../catalogue/index.js';
import type { Clock } from '../platform/clock.js';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db.js';
import type { Logger } from '../platform/logger.js';
import type { Queues } from '../platform/queues.js';
import type { Redis } from '../platform/redis.js';
import type { TwilioClient } from '../platform/twilio-client.js';
import type { Accounts } from '../staff/index.js';
import { createAgentPhones } from './agent-phone.js';
import { createAgentDesk, type AgentDesk } from './agent-desk-service.js';
import { createAgentStates, type AgentStates } from './agent-state-service.js';
import { createLiveEvents, type LiveEvents } from './agents-events.js';
import { agentUrls, type AgentUrls } from './agents-twiml.js';
import { createCallbacks, type Callbacks } from './callbacks-service.js';
import { createHoldRepository } from './hold-repository.js';
import { createCallHolds, type CallHolds } from './hold-service.js';
import { createOutcomes, type Outcomes } from './outcomes-service.js';
import { createRecordings, type Recordings } from './recordings-service.js';
import { createRoutingRecovery, type RoutingRecovery } from './routing-recovery-service.js';
import { createRoutingRepository, type RoutingRepository } from './routing-repository.js';
import { createRouting, type Routing } from './routing-service.js';
import { createTransfer, type Transfer } from './transfer-service.js';

export interface AgentsDeps {
  config: Config;
  db: Database;
  redis: Redis;
  queues: Queues;
  twilio: TwilioClient;
  ledger: CallLedger;
  catalogue: Catalogue;
  calendar: WorkCalendar;
  /** Staff accounts: agents' skills and commissioner ids. */
  staff: Accounts;
  /** Callback requests the agents place. */
  callbackRequests: CallbackRequests;
  clock: Clock;
  logger: Logger;
}

/** The agents component: agent states, routing (the ACD), callbacks, transfers, outcomes, live events. */
export interface Agents {
  staff: Accounts;
  store: RoutingRepository;
  states: AgentStates;
  routing: Routing;
  desk: AgentDesk;
  callbacks: Callbacks;
  outcomes: Outcomes;
  transfer: Transfer;
  /** Hold and resume of the caller an agent is on the line with. */
  holds: CallHolds;
  /** References of call recordings, their audited plays and their deletion after retention. */
  recordings: Recordings;
  /** Rebuilds agents and wait lists from PostgreSQL after a Redis loss. */
  recovery: RoutingRecovery;
  events: LiveEvents;
  urls: AgentUrls;
  queues: Queues;
  settings: Config['agents'];
  close(): Promise<void>;
}

export function createAgents(deps: AgentsDeps): Agents {
  const { config, db, redis, queues, twilio, ledger, catalogue, calendar, staff, callbackRequests, clock, logger } = deps;
  const settings = config.agents;
  const urls = agentUrls(config.publicBaseUrl);
  const store = createRoutingRepository(redis, config.redisPrefix);
  const events = createLiveEvents(redis, config.redisPrefix, logger);
  const states = createAgentStates({ db, store, events, clock, logger });
  const holdStore = createHoldRepository(redis, config.redisPrefix);
  const phoneOf = createAgentPhones(staff, config.telephony);
  const routing = createRouting({ db, store, holds: holdStore, states, ledger, catalogue, queues, twilio, events, clock, logger, urls, settings, telephony: config.telephony, phoneOf });
  const desk = createAgentDesk({ db, staff, store, states, routing, ledger, queues, clock, logger, settings });
  const callbacks = createCallbacks({ db, requests: callbackRequests, store, states, routing, ledger, catalogue, calendar, queues, twilio, clock, logger, urls, voice: config.twilio.voice, settings, phoneOf, dial: config.telephony });
  routing.onCallbackReserved = (reservation) => callbacks.reserved(reservation);
  routing.onCallbackTimedOut = (reservation) => callbacks.timedOut(reservation);
  // A caller who leaves the queue for a callback joins the wait list at once, in their place.
  routing.afterCallLeft = async () => void (await callbacks.admitDue());
  const outcomes = createOutcomes({ db, catalogue, ledger, desk, clock, logger });
  const transfer = createTransfer({ staff, store, routing, ledger, catalogue, queues, twilio, urls, logger, settings });
  const recovery = createRoutingRecovery({ db, staff, requests: callbackRequests, store, routing, callbacks, ledger, catalogue, queues, twilio, clock, logger, settings, telephony: config.telephony });
  const holds = createCallHolds({
    holds: holdStore,
    store,
    routing,
    ledger,
    catalogue,
    twilio,
    clock,
    logger,
    urls,
    voice: config.twilio.voice,
    musicUrl: config.ivr.holdMusicUrl,
    settings,
    phoneOf,
    providerQueues: config.telephony.queues,
    dial: config.telephony,
  });
  ledger.onCallEnded((callSid) => holds.callEnded(callSid));
  // Without provider queues no Enqueue action reports a waiting caller's hang-up: the end of the call does.
  if (!config.telephony.queues) ledger.onCallEnded((callSid) => routing.callerGone(callSid));
  const recordings = createRecordings({ db, twilio, twilioAuth: config.twilio, clock, logger });
  return { staff, store, states, routing, desk, callbacks, outcomes, transfer, holds, recordings, recovery, events, urls, queues, settings, close: () => events.close() };
}
