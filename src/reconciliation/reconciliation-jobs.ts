import { z } from 'zod';
import type { JobDefinition, Queues } from '../platform/queues.js';
import type { ReconciliationService } from './reconciliation-service.js';

declare module '../platform/queues.js' {
  interface JobPayloads {
    /** Nightly, after the channels' last feed window: reconciles yesterday to the last released day. */
    'reconciliation-nightly': Record<string, never>;
  }
}

/** When the nightly run starts (Asia/Shanghai): after the channels' feeds of the day before are in. */
export const NIGHTLY_AT = '03:30';

export function createReconciliationJobs(deps: {
  reconciliation: ReconciliationService;
  horizonDays: number;
}): JobDefinition[] {
  const nightly: JobDefinition<'reconciliation-nightly'> = {
    name: 'reconciliation-nightly',
    schema: z.object({}) as unknown as z.ZodType<Record<string, never>>,
    concurrency: 1,
    process: async () => {
      const { from, to } = deps.reconciliation.nightlyRange(deps.horizonDays);
      return deps.reconciliation.run(from, to, 'nightly');
    },
  };
  return [nightly] as unknown as JobDefinition[];
}

/** Schedules the nightly run; idempotent across restarts. */
export async function scheduleReconciliation(queues: Queues): Promise<void> {
  const [hour, minute] = NIGHTLY_AT.split(':').map(Number) as [number, number];
  await queues.get('reconciliation-nightly').upsertJobScheduler(
    'reconciliation-nightly',
    { pattern: `${minute} ${hour} * * *`, tz: 'Asia/Shanghai' },
    {
      name: 'reconciliation-nightly',
      data: {},
      opts: { attempts: 3, backoff: { type: 'exponential', delay: 60_000 } },
    },
  );
}
