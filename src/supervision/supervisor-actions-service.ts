import { settleAudit, startAudit } from '../platform/audit-repository.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db.js';
import { AppError, ConflictError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import type { TwilioClient } from '../platform/twilio-client.js';
import type { AgentDesk, AgentSnapshot, ChosenState } from '../routing/index.js';

/** A state a supervisor forces: 强制示闲 (available), 强制示忙 (break), 强制签出 (offline). */
export type ForcedState = ChosenState;

/** The audit's action for each forced state. */
const FORCE_ACTIONS: Readonly<Record<ForcedState, string>> = {
  available: 'force-available',
  break: 'force-break',
  offline: 'force-offline',
};

/** What routing writes beside a forced state; a break's reason is words, shown as is on the desk. */
const FORCED_REASONS: Readonly<Record<ForcedState, string>> = {
  available: 'supervisor-forced',
  break: '班长示忙',
  offline: 'supervisor-forced',
};

/** The 班长席 actions that need no conference bridge: force an agent's state, end an agent's call. */
export interface SupervisorActions {
  /**
   * Moves the agent to `state` through routing's presence use case (so the desk sees it live);
   * refused as the agent's own change is: 404 for no such agent, 409 while the agent is on a call
   * (`agent_busy`) or in wrap-up (`outcome_required`). Audited before it acts, the row then
   * marked done, refused (with the code) or failed.
   */
  forceState(supervisorId: string, agentId: string, state: ForcedState): Promise<AgentSnapshot>;
  /**
   * Ends the call the agent is on (强拆): the provider's Calls update with Status=completed; the
   * status callbacks that follow move the agent to wrap-up as for any hang-up. Refused (409) when
   * the agent is no longer on that call (nothing is tried, nothing audited). Audited before the
   * request, the row then marked done or failed (502 from the provider).
   */
  endCall(supervisorId: string, agentId: string, callSid: string): Promise<void>;
}

export function createSupervisorActions(deps: {
  db: Database;
  presence: Pick<AgentDesk, 'setState' | 'snapshot'>;
  twilio: TwilioClient;
  clock: Clock;
  logger: Logger;
}): SupervisorActions {
  const { db, presence, twilio, clock } = deps;
  const log = deps.logger.child({ component: 'supervision' });

  /**
   * Writes the act's audit row, then acts: a row that cannot be written stops the act (no act
   * stands unaudited). The row is then marked with how the act ended; a mark that cannot be
   * written leaves it `started` and is logged, the act's own result standing.
   */
  async function audited<T>(
    row: { actorId: string; action: string; subject: string; detail: Record<string, unknown> },
    act: () => Promise<T>,
  ): Promise<T> {
    const id = await startAudit(db, { ...row, at: clock.now() });
    const settle = (detail: Parameters<typeof settleAudit>[2]) =>
      settleAudit(db, id, detail).catch((error: Error) =>
        log.error({ auditId: id, err: error.message, ...detail }, 'audit outcome not written'),
      );
    let result: T;
    try {
      result = await act();
    } catch (error) {
      const refused = error instanceof AppError && error.status < 500;
      await settle({
        outcome: refused ? 'refused' : 'failed',
        code: error instanceof AppError ? error.code : 'internal',
      });
      throw error;
    }
    await settle({ outcome: 'done' });
    return result;
  }

  return {
    async forceState(supervisorId, agentId, state) {
      const before = await presence.snapshot(agentId);
      const after = await audited(
        {
          actorId: supervisorId,
          action: FORCE_ACTIONS[state],
          subject: `staff:${agentId}`,
          detail: { from: before.state, to: state },
        },
        () => presence.setState(agentId, state, FORCED_REASONS[state]),
      );
      log.info({ supervisorId, agentId, from: before.state, to: after.state }, 'state forced');
      return after;
    },

    async endCall(supervisorId, agentId, callSid) {
      const agent = await presence.snapshot(agentId);
      if (agent.state !== 'on_call' || agent.callSid !== callSid)
        throw new ConflictError('the agent is no longer on this call', 'not_on_this_call');
      await audited(
        { actorId: supervisorId, action: 'end-call', subject: callSid, detail: { agentId } },
        async () => {
          try {
            await twilio.calls(callSid).update({ status: 'completed' });
          } catch (error) {
            log.warn(
              { callSid, agentId, err: (error as Error).message },
              'end call: update refused',
            );
            throw new AppError(
              'the provider did not end the call; try again',
              502,
              'twilio_unavailable',
            );
          }
        },
      );
      log.info({ supervisorId, agentId, callSid }, 'call ended by a supervisor');
    },
  };
}
