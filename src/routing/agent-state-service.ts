import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import type { LiveEvents } from './live-events.js';
import * as repo from './agent-calls-repository.js';
import type { RoutingRepository } from './routing-repository.js';
import type { AgentSnapshot } from './routing-state.js';
import { parseHeld, type AgentStates, type TransitionInput } from './agent-states-contract.js';

export type {
  AgentStates,
  TransitionInput,
  TransitionResult,
  WrittenWhen,
} from './agent-states-contract.js';

export function createAgentStates(deps: {
  db: Database;
  store: RoutingRepository;
  events: LiveEvents;
  clock: Clock;
  logger: Logger;
}): AgentStates {
  const { db, store, events, clock } = deps;
  const log = deps.logger.child({ component: 'agents' });
  /** The store's change, with the changes it took from those held. */
  async function apply(input: TransitionInput, now: Date) {
    const result = await store.transition({ ...input, now: now.getTime() });
    return { ...result, taken: parseHeld(input.agentId, result.held) };
  }

  /** Held changes taken but not written go back (the next change writes them). */
  async function holdBack(agentId: string, held: string): Promise<void> {
    await store
      .holdBack(agentId, held)
      .catch((error: unknown) =>
        log.error({ agentId, err: (error as Error).message }, 'held agent state changes lost'),
      );
  }

  return {
    async transition({ agentCall, ...input }) {
      const now = clock.now();
      const result = await apply(input, now);
      if (!result.ok) return { ...result, recorded: Promise.resolve() };
      // Not awaited here: routing may act on the new state while the log row is written.
      const recorded = recordTransition(
        changeOf(input, result, now),
        agentCall,
        result.taken,
      ).catch(async (error: unknown) => {
        log.error(
          { agentId: input.agentId, err: (error as Error).message },
          'agent state change not logged',
        );
        await holdBack(input.agentId, result.held);
      });
      return { ...result, recorded };
    },

    async transitionLogged({ agentCall, ...input }) {
      const now = clock.now();
      const result = await apply(input, now);
      if (!result.ok) return { ...result, recorded: Promise.resolve() };
      const change = changeOf(input, result, now);
      try {
        await logTransition(change, agentCall, result.taken);
      } catch (error) {
        const undone = await undo(input, result, now);
        await holdBack(input.agentId, result.held);
        log.error(
          {
            agentId: input.agentId,
            to: input.to,
            undone,
            err: (error as Error).message,
          },
          'agent state change not logged; refused',
        );
        throw new AppError(
          'the state change could not be recorded; nothing changed, try again',
          503,
          'state_not_logged',
        );
      }
      await publishTransition(change);
      return { ...result, recorded: Promise.resolve() };
    },

    async transitionWritten({ agentCall, ...input }, write) {
      const now = clock.now();
      const result = await apply(input, now);
      if (!result.ok) return { ...result, recorded: Promise.resolve() };
      const change = changeOf(input, result, now);
      logChange(change);
      try {
        await write(repo.stateLogParts(db, logRow(change), agentCall, result.taken));
      } catch (error) {
        await holdBack(input.agentId, result.held);
        throw error;
      }
      await publishTransition(change);
      return { ...result, recorded: Promise.resolve() };
    },

    async transitionWrittenWhen(input, write) {
      const now = clock.now();
      const result = await apply(input, now);
      if (!result.ok) return { ...result, recorded: Promise.resolve() };
      const change = changeOf(input, result, now);
      const call = input.expectedCall
        ? { callSid: input.expectedCall, agentId: input.agentId }
        : undefined;
      const endedAt = call ? repo.endOf(result.taken, call)?.at : undefined;
      let written: boolean;
      try {
        written = await write({
          logRows: (when) =>
            repo.stateLogPartsWhen(db, logRow(change), when, result.taken, endedAt && call),
          endedAt,
        });
      } catch (error) {
        await holdBack(input.agentId, result.held);
        if (!(await undo(input, result, now))) await recordTransition(change);
        throw error;
      }
      if (written) {
        logChange(change);
        await publishTransition(change);
        return { ...result, recorded: Promise.resolve() };
      }
      // Not written, the held rows were (whatever the statement's condition said).
      if (await undo(input, result, now))
        return { ...result, ok: false, recorded: Promise.resolve() };
      await recordTransition(change);
      return { ...result, recorded: Promise.resolve() };
    },

    async transitionHeld({ agentCall, ...input }) {
      const now = clock.now();
      const result = await store.transition({
        ...input,
        now: now.getTime(),
        held: 'hold',
        ended: Boolean(agentCall),
      });
      if (!result.ok) return { ...result, recorded: Promise.resolve() };
      const change = changeOf(input, result, now);
      logChange(change);
      await publishTransition(change);
      return { ...result, recorded: Promise.resolve() };
    },
  };

  /**
   * Undoes a change the store made: back to its previous state, and to the call it expected
   * (`expectedCall`; without one, the call is left as it is). False when the agent moved on.
   */
  async function undo(
    input: TransitionInput,
    result: { from: AgentSnapshot['state']; version: number },
    now: Date,
  ): Promise<boolean> {
    const undone = await store.transition({
      agentId: input.agentId,
      from: [input.to],
      expectedVersion: result.version,
      to: result.from,
      reason: 'state-not-logged',
      callSid: input.expectedCall,
      now: now.getTime(),
      held: 'keep',
    });
    return undone.ok;
  }

  type Change = {
    agentId: string;
    from: string;
    to: string;
    reason: string | null;
    version: number;
    callSid: string;
    at: Date;
  };

  /** The logged and published form of a change the store made. */
  function changeOf(
    input: TransitionInput,
    result: { from: string; version: number; callSid: string },
    at: Date,
  ): Change {
    return {
      agentId: input.agentId,
      from: result.from,
      to: input.to,
      reason: input.reason ?? null,
      version: result.version,
      callSid: result.callSid,
      at,
    };
  }

  async function recordTransition(
    change: Change,
    agentCall?: repo.AgentCallChange,
    held?: repo.HeldChanges,
  ): Promise<void> {
    await logTransition(change, agentCall, held);
    await publishTransition(change);
  }

  async function logTransition(
    change: Change,
    agentCall?: repo.AgentCallChange,
    held?: repo.HeldChanges,
  ): Promise<void> {
    logChange(change);
    await repo.insertStateLog(db, logRow(change), agentCall, held);
  }

  function logChange(change: Change): void {
    log.info(
      {
        agentId: change.agentId,
        from: change.from,
        to: change.to,
        reason: change.reason,
        version: change.version,
        callSid: change.callSid || undefined,
      },
      'agent state',
    );
  }

  function logRow(change: Change) {
    return {
      agentId: change.agentId,
      fromState: change.from,
      toState: change.to,
      reason: change.reason,
      version: change.version,
      callSid: change.callSid || null,
      at: change.at,
    };
  }

  async function publishTransition(change: Change): Promise<void> {
    const event = {
      type: 'agent-state' as const,
      agentId: change.agentId,
      state: change.to,
      reason: change.reason ?? '',
      version: change.version,
      callSid: change.callSid,
      at: change.at.toISOString(),
    };
    await Promise.all([
      events.publish({ agentId: change.agentId }, event),
      events.publish('supervisors', event),
    ]);
  }
}

/**
 * Publishes a reservation made by a match script (available → reserved happened inside Lua,
 * which holds its log row for the agent's next change: see routing-scripts.ts).
 */
export async function recordReservation(
  deps: { events: LiveEvents; clock: Clock },
  reservation: { agentId: string; callSid: string; version: number },
): Promise<void> {
  const at = deps.clock.now();
  const event = {
    type: 'agent-state' as const,
    agentId: reservation.agentId,
    state: 'reserved',
    reason: '',
    version: reservation.version,
    callSid: reservation.callSid,
    at: at.toISOString(),
  };
  await Promise.all([
    deps.events.publish(
      { agentId: reservation.agentId },
      {
        type: 'offer',
        agentId: reservation.agentId,
        callSid: reservation.callSid,
        at: at.toISOString(),
      },
    ),
    deps.events.publish({ agentId: reservation.agentId }, event),
    deps.events.publish('supervisors', event),
  ]);
}
