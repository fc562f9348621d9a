import { z } from 'zod';
import type { JobDefinition } from '../platform/queues.js';
import './agents-jobs-payloads.js';
import type { Agents } from './agents-service.js';

const empty = z.record(z.string(), z.never());
const agentId = z.string().min(1);

/** The agents component's job processors; only the worker role starts them. */
export function createAgentJobs(agents: Agents): JobDefinition[] {
  const { routing, desk, callbacks } = agents;
  const escalate: JobDefinition<'routing-escalate'> = {
    name: 'routing-escalate',
    schema: z.object({ callSid: z.string().min(1), target: z.number().int().min(0) }),
    process: ({ callSid, target }) => routing.escalate(callSid, target),
  };
  const offerTimeout: JobDefinition<'routing-offer-timeout'> = {
    name: 'routing-offer-timeout',
    schema: z.object({ callSid: z.string().min(1), agentId, version: z.number().int() }),
    process: ({ callSid, agentId: agent, version }) => routing.offerTimedOut(callSid, agent, version),
  };
  const retry: JobDefinition<'routing-retry'> = {
    name: 'routing-retry',
    schema: z.object({ callSid: z.string().min(1), agentId, attempt: z.number().int().min(0).optional() }),
    process: ({ callSid, agentId: agent, attempt }) => routing.retryOffer(callSid, agent, attempt),
  };
  const wrapUp: JobDefinition<'agent-wrap-up-end'> = {
    name: 'agent-wrap-up-end',
    schema: z.object({ agentId, callSid: z.string().min(1) }),
    process: ({ agentId: agent, callSid }) => desk.wrapUpEnded(agent, callSid),
  };
  const heartbeat: JobDefinition<'agent-heartbeat-sweep'> = {
    name: 'agent-heartbeat-sweep',
    schema: empty,
    // The same sweep returns agents stuck on_call past CALL_MAX_MINUTES to routing.
    process: async () => ({ silent: await desk.sweepSilentAgents(), overlong: await desk.releaseOverlongCalls() }),
    concurrency: 1,
  };
  const admit: JobDefinition<'callback-admit'> = {
    name: 'callback-admit',
    schema: empty,
    process: () => callbacks.admitDue(),
    concurrency: 1,
  };
  const place: JobDefinition<'callback-place'> = {
    name: 'callback-place',
    schema: z.object({ requestId: z.number().int().positive(), agentId, version: z.number().int() }),
    process: ({ requestId, agentId: agent, version }) => callbacks.place(requestId, agent, version),
    concurrency: 1,
    ratePerSecond: agents.settings.outboundCallsPerSecond,
  };
  return [escalate, offerTimeout, retry, wrapUp, heartbeat, admit, place];
}

/** Periodic jobs of the agents component, started by the worker. */
export async function scheduleAgentJobs(agents: Agents): Promise<void> {
  await agents.queues.get('agent-heartbeat-sweep').upsertJobScheduler('agent-heartbeat-sweep', { every: 15_000 }, { name: 'agent-heartbeat-sweep', data: {} });
  await agents.queues.get('callback-admit').upsertJobScheduler('callback-admit', { every: 30_000 }, { name: 'callback-admit', data: {} });
}
