import { z } from 'zod';
import type { JobDefinition, Queues } from '../platform/queues.js';
import './routing-jobs-payloads.js';
import type { RoutingComponent } from './routing-component.js';

const empty = z.record(z.string(), z.never());
const agentId = z.string().min(1);

/** Routing's job processors; only the worker role starts them. */
export function createRoutingJobs(
  routing: Pick<RoutingComponent, 'acd' | 'presence'>,
): JobDefinition[] {
  const { acd, presence } = routing;
  const escalate: JobDefinition<'routing-escalate'> = {
    name: 'routing-escalate',
    schema: z.object({ callSid: z.string().min(1), target: z.number().int().min(0) }),
    process: ({ callSid, target }) => acd.escalate(callSid, target),
  };
  const offerTimeout: JobDefinition<'routing-offer-timeout'> = {
    name: 'routing-offer-timeout',
    schema: z.object({ callSid: z.string().min(1), agentId, version: z.number().int() }),
    process: ({ callSid, agentId: agent, version }) => acd.offerTimedOut(callSid, agent, version),
  };
  const retry: JobDefinition<'routing-retry'> = {
    name: 'routing-retry',
    schema: z.object({
      callSid: z.string().min(1),
      agentId,
      attempt: z.number().int().min(0).optional(),
    }),
    process: ({ callSid, agentId: agent, attempt }) => acd.retryOffer(callSid, agent, attempt),
  };
  const wrapUp: JobDefinition<'agent-wrap-up-end'> = {
    name: 'agent-wrap-up-end',
    schema: z.object({ agentId, callSid: z.string().min(1) }),
    process: ({ agentId: agent, callSid }) => presence.wrapUpEnded(agent, callSid),
  };
  const heartbeat: JobDefinition<'agent-heartbeat-sweep'> = {
    name: 'agent-heartbeat-sweep',
    schema: empty,
    // The same sweep returns agents stuck on_call past CALL_MAX_MINUTES to routing.
    process: async () => ({
      silent: await presence.sweepSilentAgents(),
      overlong: await presence.releaseOverlongCalls(),
    }),
    concurrency: 1,
  };
  return [escalate, offerTimeout, retry, wrapUp, heartbeat];
}

/** Routing's periodic jobs, started by the worker. */
export async function scheduleRoutingJobs(queues: Queues): Promise<void> {
  await queues
    .get('agent-heartbeat-sweep')
    .upsertJobScheduler(
      'agent-heartbeat-sweep',
      { every: 15_000 },
      { name: 'agent-heartbeat-sweep', data: {} },
    );
}
