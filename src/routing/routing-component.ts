import type { CallLedger } from '../calls/index.js';
import type { Catalogue } from '../catalogue/index.js';
import type { Clock } from '../platform/clock.js';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db.js';
import type { Logger } from '../platform/logger.js';
import type { Queues } from '../platform/queues.js';
import type { Redis } from '../platform/redis.js';
import type { TwilioClient } from '../platform/twilio-client.js';
import type { Accounts } from '../staff/index.js';
import { createAgentCalls, type AgentCalls } from './agent-calls-service.js';
import { createAgentPhones, type AgentPhones } from './agent-phone.js';
import { createAgentDesk, type AgentDesk } from './agent-presence-service.js';
import { createAgentStates, type AgentStates } from './agent-state-service.js';
import { createHoldRepository } from './call-hold-repository.js';
import { createCallHolds, type CallHolds } from './call-hold-service.js';
import { createLiveEvents, type LiveEvents } from './live-events.js';
import { createQueuedCallRepository, type QueuedCallRepository } from './queued-call-repository.js';
import {
  createRoutingRecovery,
  lostCallLookup,
  type RoutingRecovery,
} from './routing-recovery-service.js';
import { createRoutingRepository, type RoutingRepository } from './routing-repository.js';
import type { CallbackPort, Routing, RoutingDeps } from './routing-contract.js';
import { createRouting } from './routing-service.js';
import { agentUrls, type AgentUrls } from './routing-twiml.js';
import { createTransfer, type Transfer } from './transfer-service.js';

export interface RoutingComponentDeps {
  config: Config;
  db: Database;
  redis: Redis;
  queues: Queues;
  twilio: TwilioClient;
  ledger: CallLedger;
  catalogue: Catalogue;
  /** Staff accounts: agents' skills and commissioner ids. */
  staff: Accounts;
  clock: Clock;
  logger: Logger;
  /** What the caller hears once the agent has hung up (the 好差评 menu), or undefined to hang up. */
  afterAnswered?: RoutingDeps['afterAnswered'];
  /** What the caller hears when the agent's leg left the Dial for a supervisor's conference bridge. */
  bridged?: RoutingDeps['bridged'];
}

/** The parts of routing (the ACD) that other rooms and the composition root use. */
export interface RoutingComponent {
  /** Matches waiting calls with free agents and follows each offer through the provider. */
  acd: Routing;
  /** Routing's own store: agents' states, wait lists, routed calls. */
  store: RoutingRepository;
  states: AgentStates;
  /** What the panel drives: the agent's own state, heartbeat, the end of wrap-up. */
  presence: AgentDesk;
  /** Who answered which call. */
  agentCalls: AgentCalls;
  /**
   * Routing's own record of a queued call, for a call queued without routing's wait lists: the
   * demo history plays agents' legs by hand, and a transfer or hold then finds the call here.
   */
  kept: Pick<QueuedCallRepository, 'keep'>;
  transfer: Transfer;
  /** Hold and resume of the caller an agent is on the line with. */
  holds: CallHolds;
  /** Rebuilds agents and wait lists from PostgreSQL after a Redis loss. */
  recovery: RoutingRecovery;
  events: LiveEvents;
  urls: AgentUrls;
  /** Where each agent's phone rings. */
  phoneOf: AgentPhones;
  close(): Promise<void>;
}

/**
 * Builds routing, then the callbacks component that meets it through the callback port
 * (`connectCallbacks` receives routing and returns the port's implementation): no hook is
 * assigned after construction.
 */
export function createRoutingComponent<C extends CallbackPort>(
  deps: RoutingComponentDeps,
  connectCallbacks: (routing: RoutingComponent) => C,
): RoutingComponent & { callbacks: C } {
  const { config, db, redis, queues, twilio, ledger, catalogue, staff, clock, logger } = deps;
  const settings = config.agents;
  const urls = agentUrls(config.publicBaseUrl);
  const store = createRoutingRepository(redis, config.redisPrefix);
  const events = createLiveEvents(redis, config.redisPrefix, logger);
  const states = createAgentStates({ db, store, events, clock, logger });
  const holdStore = createHoldRepository(redis, config.redisPrefix);
  // Kept an hour past the longest call: a late webhook of a finished call still finds it.
  const kept = createQueuedCallRepository(
    redis,
    config.redisPrefix,
    settings.callMaxSeconds + 3600,
  );
  const phoneOf = createAgentPhones(staff, config.telephony);
  const port: CallbackPort = {
    reserved: (reservation) => callbacks.reserved(reservation),
    timedOut: (reservation) => callbacks.timedOut(reservation),
    admitDue: () => callbacks.admitDue(),
    restoreDialing: () => callbacks.restoreDialing(),
  };
  const acd = createRouting({
    afterAnswered: deps.afterAnswered,
    bridged: deps.bridged,
    db,
    store,
    kept,
    lostCall: lostCallLookup(ledger),
    holds: holdStore,
    states,
    ledger,
    catalogue,
    queues,
    twilio,
    events,
    clock,
    logger,
    urls,
    settings,
    telephony: config.telephony,
    phoneOf,
    callbacks: port,
  });
  const presence = createAgentDesk({
    db,
    staff,
    store,
    states,
    routing: acd,
    kept,
    queues,
    clock,
    logger,
    settings,
  });
  const transfer = createTransfer({
    staff,
    store,
    routing: acd,
    kept,
    ledger,
    catalogue,
    queues,
    twilio,
    urls,
    logger,
    settings,
  });
  const recovery = createRoutingRecovery({
    db,
    staff,
    store,
    kept,
    routing: acd,
    callbacks: port,
    ledger,
    catalogue,
    queues,
    twilio,
    clock,
    logger,
    settings,
    telephony: config.telephony,
  });
  const holds = createCallHolds({
    holds: holdStore,
    store,
    routing: acd,
    kept,
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
  ledger.onCallEnded((callSid) => kept.ended(callSid));
  ledger.onCallEnded((callSid) => holds.callEnded(callSid));
  // Without provider queues no Enqueue action reports a waiting caller's hang-up: the end of the call does.
  if (!config.telephony.queues) ledger.onCallEnded((callSid) => acd.callerGone(callSid));
  const component: RoutingComponent = {
    acd,
    store,
    states,
    presence,
    agentCalls: createAgentCalls(db),
    kept,
    transfer,
    holds,
    recovery,
    events,
    urls,
    phoneOf,
    close: () => events.close(),
  };
  // The port's calls arrive only once calls are routed, after this returns.
  const callbacks: C = connectCallbacks(component);
  return { ...component, callbacks };
}
