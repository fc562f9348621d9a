import type { SQL } from 'drizzle-orm';
import type { StatementPart } from '../platform/sql-parts.js';
import * as repo from './agent-calls-repository.js';
import type { RoutingRepository } from './routing-state.js';

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
    write: (log: WrittenWhen) => Promise<boolean>,
  ): Promise<TransitionResult>;
  /**
   * A change whose log row (and the end of the agent's call, with `agentCall.ended`) waits in
   * Redis for the agent's next change, which writes it before its own: for a change nothing reads
   * in PostgreSQL meanwhile (the end of a call, before its wrap-up ends). Published at once.
   */
  transitionHeld(
    input: Omit<TransitionInput, 'agentCall'> & {
      agentCall?: Extract<repo.AgentCallChange, { ended: unknown }>;
    },
  ): Promise<TransitionResult>;
}

/** What `transitionWrittenWhen` gives its statement. */
export interface WrittenWhen {
  /**
   * The change's log row, written when `when` holds, after the rows of the changes held before it
   * (written whatever `when` says: they happened), with the held ends of other calls.
   */
  logRows(when: SQL): StatementPart[];
  /** The held end of the expected call, for the statement's own update of that agent's call. */
  endedAt: Date | undefined;
}

/** The held changes as the transition script returns them (JSON rows, one a line). */
export function parseHeld(agentId: string, raw: string): repo.HeldChanges {
  if (!raw) return repo.NOTHING_HELD;
  const held: repo.HeldChanges = { rows: [], ended: [] };
  for (const line of raw.split('\n')) {
    const r = JSON.parse(line) as {
      f: string;
      t: string;
      r: string;
      v: number;
      c: string;
      a: string;
      e: string;
    };
    const at = new Date(Number(r.a));
    held.rows.push({
      agentId,
      fromState: r.f,
      toState: r.t,
      reason: r.r || null,
      version: Number(r.v),
      callSid: r.c || null,
      at,
    });
    if (r.e && r.c) held.ended.push({ callSid: r.c, agentId, at });
  }
  return held;
}
