import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import type { SQL } from 'drizzle-orm';
import type { StatementPart } from '../platform/sql-parts.js';
import type { LiveEvents } from './live-events.js';
import * as repo from './agent-calls-repository.js';
import type { RoutingRepository } from './routing-repository.js';
import type { AgentSnapshot } from './routing-state.js';

export type TransitionInput = Omit<Parameters<RoutingRepository['transition']>[0], 'now'> & {
  /** What the change does to the agent's answered call, written with its log row. */
  agentCall?: repo.AgentCallChange;
};
export type TransitionResult = Awaited<ReturnType<RoutingRepository['transition']>> & {
  /** Resolves once the change is logged and published (never rejects: a failure is logged). */
  recorded: Promise<void>;
};

/**
 * Agent state changes: each one a compare-and-set in Redis (allowed previous states, version,
 * current call), then logged with its time in PostgreSQL and published to panels.
 */
export interface AgentStates {
  transition(input: TransitionInput): Promise<TransitionResult>;
  /**
   * A change the agent asks for: applied only together with its log row. When the row cannot be
   * written the change is undone and refused with 503 (`state_not_logged`).
   */
  transitionLogged(input: TransitionInput): Promise<TransitionResult>;
  /**
   * A change whose log row the caller writes in a statement of its own: once the store made the
   * change, `write` gets the log row (and what the change does to the agent's call) as parts of
   * that statement (see platform/sql-parts.ts), and the change is published after it. A failure
   * of `write` is thrown.
   */
  transitionWritten(
    input: TransitionInput,
    write: (parts: StatementPart[]) => Promise<void>,
  ): Promise<TransitionResult>;
  /**
   * A change whose log row rides on a statement that may write nothing (an outcome refused):
   * `write` gets the log row as a part to write when `when` holds there, and says whether it
   * wrote. When it did not, or failed, the change is undone (`ok` false; a failure is thrown);
   * should the agent have moved on meanwhile, the change stands and is logged on its own.
   */
  transitionWrittenWhen(
    input: Omit<TransitionInput, 'agentCall'>,
    write: (logRow: (when: SQL) => StatementPart) => Promise<boolean>,
  ): Promise<TransitionResult>;
}

export function createAgentStates(deps: {
  db: Database;
  store: RoutingRepository;
  events: LiveEvents;
  clock: Clock;
  logger: Logger;
}): AgentStates {
  const { db, store, events, clock } = deps;
  const log = deps.logger.child({ component: 'agents' });
  return {
    async transition({ agentCall, ...input }) {
      const now = clock.now();
      const result = await store.transition({ ...input, now: now.getTime() });
      if (!result.ok) return { ...result, recorded: Promise.resolve() };
      // Not awaited here: routing may act on the new state while the log row is written.
      const recorded = recordTransition(changeOf(input, result, now), agentCall).catch(
        (error: unknown) =>
          log.error(
            { agentId: input.agentId, err: (error as Error).message },
            'agent state change not logged',
          ),
      );
      return { ...result, recorded };
    },

    async transitionLogged({ agentCall, ...input }) {
      const now = clock.now();
      const result = await store.transition({ ...input, now: now.getTime() });
      if (!result.ok) return { ...result, recorded: Promise.resolve() };
      const change = changeOf(input, result, now);
      try {
        await logTransition(change, agentCall);
      } catch (error) {
        const undone = await undo(input, result, now);
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
      const result = await store.transition({ ...input, now: now.getTime() });
      if (!result.ok) return { ...result, recorded: Promise.resolve() };
      const change = changeOf(input, result, now);
      logChange(change);
      await write(repo.stateLogParts(db, logRow(change), agentCall));
      await publishTransition(change);
      return { ...result, recorded: Promise.resolve() };
    },

    async transitionWrittenWhen(input, write) {
      const now = clock.now();
      const result = await store.transition({ ...input, now: now.getTime() });
      if (!result.ok) return { ...result, recorded: Promise.resolve() };
      const change = changeOf(input, result, now);
      let written: boolean;
      try {
        written = await write((when) => repo.stateLogPartWhen(logRow(change), when));
      } catch (error) {
        if (!(await undo(input, result, now))) await recordTransition(change);
        throw error;
      }
      if (written) {
        logChange(change);
        await publishTransition(change);
        return { ...result, recorded: Promise.resolve() };
      }
      if (await undo(input, result, now))
        return { ...result, ok: false, recorded: Promise.resolve() };
      await recordTransition(change);
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

  async function recordTransition(change: Change, agentCall?: repo.AgentCallChange): Promise<void> {
    await logTransition(change, agentCall);
    await publishTransition(change);
  }

  async function logTransition(change: Change, agentCall?: repo.AgentCallChange): Promise<void> {
    logChange(change);
    await repo.insertStateLog(db, logRow(change), agentCall);
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
 * Logs and publishes a reservation made by a match script (available → reserved happened inside
 * Lua). With `write`, the log row is written by the caller as a part of its own statement (see
 * platform/sql-parts.ts); the reservation is published after it.
 */
export async function recordReservation(
  deps: { db: Database; events: LiveEvents; clock: Clock },
  reservation: { agentId: string; callSid: string; version: number },
  write: (parts: StatementPart[]) => Promise<void> = async ([insert]) =>
    void (await deps.db.execute(insert!)),
): Promise<void> {
  const at = deps.clock.now();
  await write(
    repo.stateLogParts(deps.db, {
      agentId: reservation.agentId,
      fromState: 'available',
      toState: 'reserved',
      reason: null,
      version: reservation.version,
      callSid: reservation.callSid,
      at,
    }),
  );
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
