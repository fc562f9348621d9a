import type { Catalogue } from '../catalogue/index.js';
import type { AgentCalls, AgentSnapshot, RoutingRepository } from '../routing/index.js';
import { createWallboard, type WallboardDeps } from './wallboard-service.js';
import type { Wallboard } from './wallboard-types.js';

/** What supervisors read: the wallboard, agents' routing states, the queues, calls left without an outcome. */
export interface Supervision {
  wallboard(): Promise<Wallboard>;
  agents(): Promise<AgentSnapshot[]>;
  queues(): Promise<Array<{ skill: string; waiting: number; available: number }>>;
  callsLackingOutcome(): ReturnType<AgentCalls['lackingOutcome']>;
}

export function createSupervision(
  deps: WallboardDeps & { store: RoutingRepository; catalogue: Catalogue },
): Supervision {
  const { store, catalogue } = deps;
  const board = createWallboard(deps);
  return {
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
  };
}
