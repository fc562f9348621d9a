import type { Catalogue } from '../catalogue/index.js';
import type { Clock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import type { Redis } from '../platform/redis.js';
import type { TwilioClient } from '../platform/twilio-client.js';
import type {
  AgentCalls,
  AgentDesk,
  AgentSnapshot,
  LiveEvents,
  RoutingRepository,
} from '../routing/index.js';
import { createCallBridge, type CallBridge } from './call-bridge-service.js';
import { createThreeWay, type ThreeWay } from './three-way-service.js';
import { createSupervisorActions, type SupervisorActions } from './supervisor-actions-service.js';
import { createAlertWatch, type AlertChanges } from './wallboard-alert-watch.js';
import { createWallboard, type WallboardDeps } from './wallboard-service.js';
import type { Wallboard } from './wallboard-types.js';

/**
 * What supervisors read (the wallboard, agents' routing states, the queues, calls left without an
 * outcome) and the 班长席 actions they take on agents and calls.
 */
export interface Supervision extends SupervisorActions, CallBridge {
  /** The desk's 三方通话 (an agent's action, through the same conference bridge). */
  threeWay: ThreeWay;
  wallboard(): Promise<Wallboard>;
  agents(): Promise<AgentSnapshot[]>;
  queues(): Promise<Array<{ skill: string; waiting: number; available: number }>>;
  callsLackingOutcome(): ReturnType<AgentCalls['lackingOutcome']>;
  /** Tells supervisors live of the wallboard alerts raised or cleared since the last check (the worker runs it every 2 s). */
  checkAlerts(): Promise<AlertChanges>;
}

export function createSupervision(
  deps: WallboardDeps & {
    store: RoutingRepository;
    catalogue: Catalogue;
    /** Routing's presence use case: the states supervisors force. */
    presence: Pick<AgentDesk, 'setState' | 'snapshot'>;
    /** The one REST client: calls supervisors end. */
    twilio: TwilioClient;
    /** Live events to supervisors, and where the alerts last told are kept. */
    events: Pick<LiveEvents, 'publish'>;
    redis: Redis;
    redisPrefix: string;
    clock: Clock;
    logger: Logger;
  } & Omit<Parameters<typeof createCallBridge>[0], 'presence'> &
    Omit<Parameters<typeof createThreeWay>[0], 'presence' | 'bridge'>,
): Supervision {
  const { store, catalogue } = deps;
  const board = createWallboard(deps);
  const actions = createSupervisorActions(deps);
  const watch = createAlertWatch({ ...deps, read: () => board.read(), prefix: deps.redisPrefix });
  const bridge = createCallBridge(deps);
  return {
    forceState: actions.forceState,
    endCall: actions.endCall,
    monitor: bridge.monitor,
    callerRoom: bridge.callerRoom,
    move: bridge.move,
    threeWay: createThreeWay({ ...deps, bridge }),
    wallboard: () => board.read(),
    async agents() {
      const ids = await store.agentIds();
      return Promise.all(ids.sort().map((id) => store.agent(id)));
    },
    async queues() {
      const skills = catalogue.halls.flatMap((hall) => hall.departments.map((d) => d.id));
      return Promise.all(
        skills.map(async (skill) => ({
          skill,
          waiting: (await store.waiting(skill)).length,
          available: (await store.available(skill)).length,
        })),
      );
    },
    callsLackingOutcome: () => deps.agentCalls.lackingOutcome(200),
    checkAlerts: () => watch.check(),
  };
}
