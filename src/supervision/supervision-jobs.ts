import { z } from 'zod';
import type { JobDefinition, Queues } from '../platform/queues.js';
import { ALERT_CHECK_MS } from './wallboard-alert-watch.js';
import type { Supervision } from './supervision-service.js';

declare module '../platform/queues.js' {
  interface JobPayloads {
    /** Periodic: tell supervisors of the wallboard alerts raised or cleared since the last check. */
    'wallboard-alert-check': Record<string, never>;
  }
}

/** Supervision's job processors; only the worker role starts them. */
export function createSupervisionJobs(
  supervision: Pick<Supervision, 'checkAlerts'>,
): JobDefinition[] {
  const check: JobDefinition<'wallboard-alert-check'> = {
    name: 'wallboard-alert-check',
    schema: z.record(z.string(), z.never()),
    process: async () => {
      const { raised, cleared } = await supervision.checkAlerts();
      return { raised: raised.length, cleared: cleared.length };
    },
    concurrency: 1,
  };
  return [check];
}

/** Supervision's periodic jobs, started by the worker. */
export async function scheduleSupervisionJobs(queues: Queues): Promise<void> {
  await queues.get('wallboard-alert-check').upsertJobScheduler(
    'wallboard-alert-check',
    { every: ALERT_CHECK_MS },
    // Every 2 s: keep only the last few finished jobs, not a day of them.
    {
      name: 'wallboard-alert-check',
      data: {},
      opts: { removeOnComplete: { count: 10 }, removeOnFail: { count: 50 } },
    },
  );
}
