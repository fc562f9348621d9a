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
  const expireRecordings: JobDefinition<'recordings-expire'> = {
    name: 'recordings-expire',
    schema: empty,
    process: async () => ({ deleted: await agents.recordings.deleteExpired(agents.settings.recordingRetentionDays) }),
    concurrency: 1,
  };
  return [escalate, offerTimeout, retry, wrapUp, heartbeat, admit, place, expireRecordings];
}

/** When the worker deletes expired recordings, Beijing time: at night, away from the calls. */
export const RECORDINGS_EXPIRE_AT = { hour: 3, minute: 30 } as const;

/** Periodic jobs of the agents component, started by the worker. */
export async function scheduleAgentJobs(agents: Agents): Promise<void> {
  await agents.queues.get('agent-heartbeat-sweep').upsertJobScheduler('agent-heartbeat-sweep', { every: 15_000 }, { name: 'agent-heartbeat-sweep', data: {} });
  await agents.queues.get('callback-admit').upsertJobScheduler('callback-admit', { every: 30_000 }, { name: 'callback-admit', data: {} });
  const { hour, minute } = RECORDINGS_EXPIRE_AT;
  await agents.queues
    .get('recordings-expire')
    .upsertJobScheduler('recordings-expire', { pattern: `${minute} ${hour} * * *`, tz: 'Asia/Shanghai' }, { name: 'recordings-expire', data: {}, opts: { attempts: 3, backoff: { type: 'exponential', delay: 60_000 } } });
}
