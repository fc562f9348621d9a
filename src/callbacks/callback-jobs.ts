import { z } from 'zod';
import type { JobDefinition, Queues } from '../platform/queues.js';
import './callback-jobs-payloads.js';
import type { Callbacks } from './callback-contract.js';

const empty = z.record(z.string(), z.never());

/** The callbacks' job processors; only the worker role starts them. */
export function createCallbackJobs(
  callbacks: Callbacks,
  settings: { outboundCallsPerSecond: number },
): JobDefinition[] {
  const admit: JobDefinition<'callback-admit'> = {
    name: 'callback-admit',
    schema: empty,
    process: () => callbacks.admitDue(),
    concurrency: 1,
  };
  const place: JobDefinition<'callback-place'> = {
    name: 'callback-place',
    schema: z.object({
      requestId: z.number().int().positive(),
      agentId: z.string().min(1),
      version: z.number().int(),
    }),
    process: ({ requestId, agentId, version }) => callbacks.place(requestId, agentId, version),
    concurrency: 1,
    ratePerSecond: settings.outboundCallsPerSecond,
  };
  return [admit, place];
}

/** The callbacks' periodic job (due requests join the wait lists), started by the worker. */
export async function scheduleCallbackJobs(queues: Queues): Promise<void> {
  await queues
    .get('callback-admit')
    .upsertJobScheduler('callback-admit', { every: 30_000 }, { name: 'callback-admit', data: {} });
}
