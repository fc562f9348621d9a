import type { CallLedger } from '../calls/index.js';
import type { Catalogue } from '../catalogue/index.js';
import type { Config } from '../platform/config.js';
import { ConflictError, ValidationError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import type { Queues } from '../platform/queues.js';
import type { TwilioClient } from '../platform/twilio-client.js';
import type { Accounts } from '../staff/index.js';
import type { AgentUrls } from './routing-twiml.js';
import type { QueuedCallRepository } from './queued-call-repository.js';
import type { RoutingRepository } from './routing-repository.js';
import { waitScore } from './wait-score.js';
import type { Routing } from './routing-contract.js';
import { agentSkill, ivrQueueOf, routingTargets } from './routing-targets.js';

/** Moves a call an agent is on to another department's queue, or to a named agent, keeping the caller's original wait. */
export type Transfer = (
  agentId: string,
  callSid: string,
  to: { department: string } | { agent: string },
) => Promise<{ queue: string; skills: string[] }>;

export function createTransfer(deps: {
  staff: Pick<Accounts, 'findUser'>;
  store: RoutingRepository;
  routing: Routing;
  kept: QueuedCallRepository;
  ledger: Pick<CallLedger, 'recordEvent'>;
  catalogue: Catalogue;
  queues: Queues;
  twilio: TwilioClient;
  urls: AgentUrls;
  logger: Logger;
  settings: Config['agents'];
}): Transfer {
  const { staff, store, routing, kept, ledger, catalogue, queues, twilio, urls, settings } = deps;
  const log = deps.logger.child({ component: 'routing' });
  return async (agentId, callSid, to) => {
    const agent = await store.agent(agentId);
    if (agent.state !== 'on_call' || agent.callSid !== callSid)
      throw new ConflictError('you can only transfer the call you are on', 'not_on_this_call');
    const call = await kept.find(callSid);
    if (!call)
      throw new ConflictError(
        'only a call that came through a queue can be transferred',
        'not_transferable',
      );
    let skill = call.skill;
    let preferred: string | null = null;
    if ('department' in to) {
      if (!catalogue.department(to.department))
        throw new ValidationError(`department: no such department: ${to.department}`, {
          fields: [{ field: 'department', reason: 'no such department' }],
        });
      skill = to.department;
    } else {
      const target = await staff.findUser(to.agent);
      if (!target || target.disabled || to.agent === agentId)
        throw new ValidationError(`agent: no such other agent: ${to.agent}`, {
          fields: [{ field: 'agent', reason: 'no such other agent' }],
        });
      preferred = agentSkill(to.agent);
    }
    const targets = routingTargets(
      catalogue,
      { queueSkill: skill, priority: call.priority, commissionerId: null },
      settings,
      preferred,
    );
    // The original queuedAt is the caller's place here too, and stays the call's wait for statistics.
    await store.leave(callSid);
    const epoch = Date.now();
    await store.enqueue(
      callSid,
      waitScore(call.priority, call.queuedAt.getTime()),
      targets,
      'held',
      epoch,
    );
    if (targets[0]!.timeoutSeconds !== null) {
      await queues.add(
        'routing-escalate',
        { callSid, target: 0 },
        {
          jobId: `routing-escalate-${callSid}-${epoch}-0`,
          delay: targets[0]!.timeoutSeconds * 1000,
          attempts: 3,
        },
      );
    }
    await twilio.calls(callSid).update({
      url: urls.transferEnqueue(callSid, { menu: ivrQueueOf(catalogue, call).menu, skill }),
      method: 'POST',
    });
    await ledger.recordEvent(
      callSid,
      'agent',
      'transferred',
      `transferred:${agentId}:${Date.now()}`,
      { agentId, to },
    );
    log.info({ callSid, agentId, to }, 'call transferred');
    await routing.startWrapUp(agentId, callSid, call.skill);
    return { queue: skill, skills: targets[0]!.skills };
  };
}
