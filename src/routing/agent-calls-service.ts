import type { Database } from '../platform/db.js';
import type { StatementPart } from '../platform/sql-parts.js';
import * as repo from './agent-calls-repository.js';

/**
 * Who answered which call: routing writes a row when an agent answers (a callback's agent leg
 * too), and the desk reads it to know whose outcome a call awaits. The narrow view other rooms get.
 */
export interface AgentCalls {
  /** Records that the agent answered the call; a repeated report changes nothing. */
  answered(row: {
    callSid: string;
    agentId: string;
    skill: string | null;
    answeredAt: Date;
  }): Promise<void>;
  /** The agent's answered leg of the call, if they answered it. */
  find(callSid: string, agentId: string): Promise<repo.AgentCallRow | undefined>;
  /**
   * The outcome of the agent's call is recorded: an `update … returning id` to run as a part of
   * the statement that records the outcome (see platform/sql-parts.ts); it returns no row when
   * the agent answered no such call. With `wrapUpEndedAt`, the end of the call's wrap-up too, and
   * with `endedAt` the end of the agent's call (held until now).
   */
  outcomeRecordedPart(
    callSid: string,
    agentId: string,
    wrapUpEndedAt?: Date,
    endedAt?: Date,
  ): StatementPart;
  /** Answered calls whose wrap-up ran out without an outcome, newest first. */
  lackingOutcome(limit: number): Promise<repo.AgentCallRow[]>;
}

export function createAgentCalls(db: Database): AgentCalls {
  return {
    answered: (row) => repo.insertAgentCall(db, row),
    find: (callSid, agentId) => repo.findAgentCall(db, callSid, agentId),
    outcomeRecordedPart: (callSid, agentId, wrapUpEndedAt, endedAt) =>
      repo.outcomeRecordedUpdate(db, callSid, agentId, wrapUpEndedAt, endedAt).getSQL(),
    lackingOutcome: (limit) => repo.listCallsLackingOutcome(db, limit),
  };
}
