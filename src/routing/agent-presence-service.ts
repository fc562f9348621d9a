import type { SQL } from 'drizzle-orm';
import type { Clock } from '../platform/clock.js';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db.js';
import { ConflictError, NotFoundError, ValidationError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import type { Queues } from '../platform/queues.js';
import type { StatementPart } from '../platform/sql-parts.js';
import type { Accounts } from '../staff/index.js';
import * as repo from './agent-calls-repository.js';
import type { AgentStates } from './agent-state-service.js';
import type { QueuedCallRepository } from './queued-call-repository.js';
import type { RoutingRepository } from './routing-repository.js';
import type { AgentSnapshot } from './routing-state.js';
import { wrapUpJobId, type Routing } from './routing-contract.js';
import { agentSkill } from './routing-targets.js';

/** The states an agent may choose on the panel; the others follow calls. */
export type ChosenState = 'available' | 'break' | 'offline';

/** What the panel drives: the agent's own state, heartbeat, and the end of wrap-up. */
export interface AgentDesk {
  snapshot(agentId: string): Promise<AgentSnapshot>;
  setState(agentId: string, to: ChosenState, reason?: string): Promise<AgentSnapshot>;
  heartbeat(agentId: string): Promise<void>;
  /** Agents whose panel went silent leave routing; returns their ids. */
  sweepSilentAgents(): Promise<string[]>;
  /**
   * Agents on a call longer than CALL_MAX_MINUTES (its end never reached routing: lost status
   * callbacks, a Redis loss) go to wrap-up and so back to routing; returns their ids.
   */
  releaseOverlongCalls(): Promise<string[]>;
  /** Wrap-up ran out: the call is listed as lacking an outcome unless one was recorded. */
  wrapUpEnded(agentId: string, callSid: string): Promise<void>;
  /**
   * An outcome and the end of wrap-up for its call, in the outcome's one statement: when the
   * agent is in wrap-up on that call, `write` gets the end's time and log row (a part to write
   * only with the outcome), and the agent leaves wrap-up when `write` returns the outcome (not
   * when it returns undefined or fails). Otherwise `write` gets nothing: the outcome alone.
   */
  recordOutcomeWith<T>(
    agentId: string,
    callSid: string,
    write: (wrapUp: WrapUpEnd | undefined) => Promise<T | undefined>,
  ): Promise<T | undefined>;
}

/** The end of an agent's wrap-up, to write with the call's outcome. */
export interface WrapUpEnd {
  at: Date;
  /**
   * The log row of the change out of wrap-up, written when `when` holds, after the rows held
   * before it (the change into wrap-up: written whatever `when` says).
   */
  logRows(when: SQL): StatementPart[];
  /** The end of the agent's call, held with its change into wrap-up: the outcome's update sets it. */
  endedAt: Date | undefined;
}

export function createAgentDesk(deps: {
  db: Database;
  staff: Pick<Accounts, 'findUser'>;
  store: RoutingRepository;
  states: AgentStates;
  routing: Routing;
  kept: QueuedCallRepository;
  queues: Queues;
  clock: Clock;
  logger: Logger;
  settings: Config['agents'];
}): AgentDesk {
  const { db, staff, store, states, routing, kept, queues, clock, settings } = deps;
  const log = deps.logger.child({ component: 'agents' });
  const heartbeatFresh = async (agentId: string) =>
    !(
      await store.silentSince(clock.now().getTime() - settings.heartbeatTimeoutSeconds * 1000)
    ).includes(agentId);

  /** Wrap-up ran out: the call is marked as lacking an outcome unless one was recorded. */
  async function wrapUpRanOut(agentId: string, callSid: string): Promise<void> {
    await repo.updateAgentCall(db, callSid, agentId, { outcomeStatus: 'missing' }, true);
    const at = clock.now();
    const to = (await heartbeatFresh(agentId)) ? 'available' : 'offline';
    // Wrap-up's end is written with the log row of the change out of wrap-up, in one statement.
    const result = await states.transition({
      agentId,
      from: ['wrap_up'],
      expectedCall: callSid,
      to,
      reason: 'wrap-up-timeout',
      resetIdle: true,
      callSid: '',
      agentCall: { wrapUpEnded: { callSid, agentId, at } },
    });
    await result.recorded;
    if (result.ok && to === 'available') await routing.agentFree(agentId);
  }

  return {
    snapshot: (agentId) => store.agent(agentId),

    async setState(agentId, to, reason) {
      if (to === 'break' && !reason)
        throw new ValidationError('reason: required for a break', {
          fields: [{ field: 'reason', reason: 'required for a break' }],
        });
      const user = await staff.findUser(agentId);
      if (!user || user.disabled) throw new NotFoundError(`no such agent: ${agentId}`);
      const current = await store.agent(agentId);
      if (current.state === 'wrap_up')
        throw new ConflictError(
          "wrap-up ends when the call's outcome is recorded or its time runs out",
          'outcome_required',
        );
      if (current.state === 'reserved' || current.state === 'on_call')
        throw new ConflictError(
          `the agent is ${current.state}; the state changes when the call ends`,
          'agent_busy',
        );
      const result = await states.transitionLogged({
        agentId,
        from: ['available', 'break', 'offline'],
        expectedVersion: current.version,
        to,
        reason: reason ?? '',
        skills: [...user.skills, agentSkill(agentId)],
        resetIdle: current.state !== 'available',
        callSid: '',
      });
      if (!result.ok)
        throw new ConflictError(
          "the agent's state changed meanwhile; read it again",
          'state_changed',
        );
      await Promise.all([
        to === 'offline'
          ? store.forgetHeartbeat(agentId)
          : store.heartbeat(agentId, clock.now().getTime()),
        to === 'available' ? routing.agentFree(agentId) : undefined,
      ]);
      return store.agent(agentId);
    },

    async heartbeat(agentId) {
      await store.heartbeat(agentId, clock.now().getTime());
    },

    async sweepSilentAgents() {
      const silent = await store.silentSince(
        clock.now().getTime() - settings.heartbeatTimeoutSeconds * 1000,
      );
      const removed: string[] = [];
      for (const agentId of silent) {
        const result = await states.transition({
          agentId,
          from: ['available', 'break'],
          to: 'offline',
          reason: 'heartbeat-lost',
          callSid: '',
        });
        if (result.ok) {
          removed.push(agentId);
          log.warn({ agentId }, 'agent panel went silent; taken out of routing');
        }
        if (result.ok || result.from === 'offline') await store.forgetHeartbeat(agentId);
      }
      return removed;
    },

    async releaseOverlongCalls() {
      const before = clock.now().getTime() - settings.callMaxSeconds * 1000;
      const released: string[] = [];
      for (const agentId of await store.agentIds()) {
        const agent = await store.agent(agentId);
        if (agent.state !== 'on_call' || agent.since >= before) continue;
        const skill = (await kept.find(agent.callSid))?.skill ?? null;
        await routing.startWrapUp(agentId, agent.callSid, skill, 'call-max-length');
        log.warn(
          { agentId, callSid: agent.callSid },
          'agent on a call longer than CALL_MAX_MINUTES; back to routing after wrap-up',
        );
        released.push(agentId);
      }
      return released;
    },

    wrapUpEnded: (agentId, callSid) => wrapUpRanOut(agentId, callSid),

    async recordOutcomeWith(agentId, callSid, write) {
      const [agent, fresh] = await Promise.all([store.agent(agentId), heartbeatFresh(agentId)]);
      if (agent.state !== 'wrap_up' || agent.callSid !== callSid) return write(undefined);
      const at = clock.now();
      const to = fresh ? 'available' : 'offline';
      let called = false;
      let value: Awaited<ReturnType<typeof write>>;
      const result = await states.transitionWrittenWhen(
        {
          agentId,
          from: ['wrap_up'],
          expectedCall: callSid,
          expectedVersion: agent.version,
          to,
          reason: 'outcome-recorded',
          resetIdle: true,
          callSid: '',
        },
        async ({ logRows, endedAt }) => {
          called = true;
          value = await write({ at, logRows, endedAt });
          return value !== undefined;
        },
      );
      // Wrap-up ended meanwhile (its time ran out): the outcome alone.
      if (!called) return write(undefined);
      if (!result.ok) return value;
      await queues.remove('agent-wrap-up-end', wrapUpJobId(agentId, callSid, agent.version));
      if (to === 'available') await routing.agentFree(agentId);
      return value;
    },
  };
}
