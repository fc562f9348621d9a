import { queuedCallOf, type CallLedger, type CallRow, type QueuedCall } from '../calls/index.js';
import type { Catalogue } from '../catalogue/index.js';
import type { Clock } from '../platform/clock.js';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db.js';
import type { Logger } from '../platform/logger.js';
import type { Queues } from '../platform/queues.js';
import type { TelephonyProfile } from '../platform/telephony-profile.js';
import type { TwilioClient } from '../platform/twilio-client.js';
import type { Accounts } from '../staff/index.js';
import * as repo from './agent-calls-repository.js';
import type { QueuedCallRepository } from './queued-call-repository.js';
import type { RoutingRepository } from './routing-repository.js';
import type { AgentState, RoutingTarget } from './routing-state.js';
import { waitScore } from './wait-score.js';
import {
  CALLBACK_MEMBER,
  escalationJobId,
  wrapUpJobId,
  wrapUpSecondsFor,
  type CallbackPort,
  type Routing,
} from './routing-contract.js';
import { agentSkill, routingTargets } from './routing-targets.js';

/** What a rebuild put back. */
export interface RebuiltRouting {
  agents: number;
  calls: number;
  callbacks: number;
}

/**
 * Rebuilds routing's Redis state from PostgreSQL after Redis lost it: agents as the state log
 * last saw them, and waiting callers in their original order and priority (checked against
 * Twilio's queue members), then matches them. Idempotent: what is already in Redis is kept.
 */
export interface RoutingRecovery {
  rebuild(): Promise<RebuiltRouting>;
}

/** The target a call has reached after waiting `elapsedSeconds`, and the seconds left before the next. */
export function currentTarget(
  targets: readonly RoutingTarget[],
  elapsedSeconds: number,
): { index: number; remainingSeconds: number | null } {
  let start = 0;
  for (const [index, target] of targets.entries()) {
    if (target.timeoutSeconds === null) return { index, remainingSeconds: null };
    if (elapsedSeconds < start + target.timeoutSeconds)
      return { index, remainingSeconds: start + target.timeoutSeconds - elapsedSeconds };
    start += target.timeoutSeconds;
  }
  return { index: targets.length - 1, remainingSeconds: null };
}

/** Call statuses of a caller still on the line. */
const LIVE_CALL = new Set(['queued', 'ringing', 'in-progress']);

export function createRoutingRecovery(deps: {
  db: Database;
  staff: Pick<Accounts, 'listActive'>;
  store: RoutingRepository;
  kept: QueuedCallRepository;
  routing: Routing;
  callbacks: Pick<CallbackPort, 'admitDue' | 'restoreDialing'>;
  ledger: CallLedger;
  catalogue: Catalogue;
  queues: Queues;
  twilio: TwilioClient;
  /** Whether callers wait in the provider's queues, or in the service's own wait loop (their live call is checked instead). */
  telephony: Pick<TelephonyProfile, 'queues'>;
  clock: Clock;
  logger: Logger;
  settings: Config['agents'];
}): RoutingRecovery {
  const { db, store, routing, callbacks, ledger, catalogue, queues, twilio, clock, settings } =
    deps;
  const log = deps.logger.child({ component: 'routing' });

  async function restoreAgents(
    now: Date,
  ): Promise<
    Array<{ agentId: string; state: AgentState; version: number; callSid: string; since: number }>
  > {
    const staff = new Map((await deps.staff.listActive()).map((user) => [user.id, user]));
    const restored = [];
    for (const row of await repo.listLatestStates(db)) {
      const user = staff.get(row.agentId);
      if (!user) continue;
      const agent = {
        agentId: row.agentId,
        state: row.toState as AgentState,
        version: row.version,
        since: row.at.getTime(),
        reason: row.reason ?? '',
        skills: [...user.skills, agentSkill(row.agentId)],
        idle: row.at.getTime(),
        callSid: row.callSid ?? '',
      };
      if (!(await store.restoreAgent(agent))) continue;
      // Panels beat every 20 s: a live one refreshes this, a dead one is swept after the usual timeout.
      if (agent.state === 'available' || agent.state === 'break')
        await store.heartbeat(agent.agentId, now.getTime());
      restored.push(agent);
    }
    return restored;
  }

  /**
   * Whether the provider still has the caller waiting: in its queue, or, in the service's own wait
   * loop, on a live call. Unknown (REST unreachable) counts as yes, a dequeue failure is retried anyway.
   */
  async function stillWaiting(call: CallRow): Promise<boolean> {
    try {
      if (deps.telephony.queues) {
        await twilio.queues(call.twilioQueueSid!).members(call.callSid).fetch();
        return true;
      }
      return LIVE_CALL.has((await twilio.calls(call.callSid).fetch()).status);
    } catch (error) {
      return (error as { status?: number }).status !== 404;
    }
  }

  async function restoreCall(call: CallRow, now: Date): Promise<boolean> {
    const queued = queuedCallOf(call);
    if (queued) await deps.kept.keep(queued);
    // Without a Twilio queue, or out of it, the caller's next wait request puts them back (IVR or routing wait URL).
    if ((deps.telephony.queues && !call.twilioQueueSid) || !(await stillWaiting(call)))
      return false;
    const queuedAt = call.queuedAt!.getTime();
    const targets = routingTargets(catalogue, call, settings);
    const { index, remainingSeconds } = currentTarget(targets, (now.getTime() - queuedAt) / 1000);
    // The original place as the epoch: the same call rebuilt twice gets the same escalation job.
    const epoch = queuedAt;
    if (
      !(await store.enqueue(
        call.callSid,
        waitScore(targets[index]!.priority, queuedAt),
        targets,
        'waiting',
        epoch,
        index,
      ))
    )
      return false;
    if (remainingSeconds !== null) {
      await queues.add(
        'routing-escalate',
        { callSid: call.callSid, target: index },
        {
          jobId: escalationJobId(call.callSid, epoch, index),
          delay: Math.ceil(remainingSeconds * 1000),
          attempts: 3,
        },
      );
    }
    return true;
  }

  async function settleAgent(
    agent: { agentId: string; state: AgentState; version: number; callSid: string; since: number },
    now: Date,
  ): Promise<void> {
    const { agentId, state, version, callSid } = agent;
    if (state === 'reserved') {
      // The offer's timeout job went with Redis; the call waits again in its place.
      await routing.releaseAgent(agentId, version);
    } else if (state === 'on_call') {
      const call = await ledger.find(callSid);
      if (!call || call.endedAt || agent.since + settings.callMaxSeconds * 1000 <= now.getTime()) {
        await routing.startWrapUp(
          agentId,
          callSid,
          call?.queueSkill ?? null,
          'call-ended-while-redis-lost',
        );
      }
    } else if (state === 'wrap_up') {
      const skill = callSid.startsWith(CALLBACK_MEMBER)
        ? null
        : ((await ledger.find(callSid))?.queueSkill ?? null);
      const delay = Math.max(
        0,
        agent.since + wrapUpSecondsFor(settings, skill) * 1000 - now.getTime(),
      );
      await queues.add(
        'agent-wrap-up-end',
        { agentId, callSid },
        { jobId: wrapUpJobId(agentId, callSid, version), delay, attempts: 5 },
      );
    }
  }

  return {
    async rebuild() {
      const now = clock.now();
      const agents = await restoreAgents(now);
      let calls = 0;
      for (const call of await ledger.waitingCalls(
        new Date(now.getTime() - settings.callMaxSeconds * 1000),
      )) {
        if (await restoreCall(call, now)) calls += 1;
      }
      const dialing = await callbacks.restoreDialing();
      for (const agent of agents) await settleAgent(agent, now);
      const admitted = await callbacks.admitDue();
      // Longest idle first, as the idle line would have had them.
      for (const agent of agents
        .filter((a) => a.state === 'available')
        .sort((a, b) => a.since - b.since))
        await routing.agentFree(agent.agentId);
      const result = { agents: agents.length, calls, callbacks: admitted + dialing };
      log.info(result, 'routing rebuilt from PostgreSQL');
      return result;
    },
  };
}

/**
 * A waiting call Redis lost, as the ledger last had it: routing asks only when its own record is
 * gone with Redis (the caller's next wait request puts the call back in its place).
 */
export function lostCallLookup(
  ledger: Pick<CallLedger, 'find'>,
): (callSid: string) => Promise<QueuedCall | undefined> {
  return async (callSid) => {
    const row = await ledger.find(callSid);
    return row ? queuedCallOf(row) : undefined;
  };
}
