import { z } from 'zod';
import type { JobDefinition, Queues } from '../platform/queues.js';
import type { FollowUps } from './followup-service.js';

declare module '../platform/queues.js' {
  interface JobPayloads {
    /** Periodic: alerts once for every follow-up case past its deadline. */
    'evaluation-overdue': Record<string, never>;
  }
}

/** The evaluations' jobs; only the worker role starts them. */
export function createEvaluationJobs(followUps: FollowUps): JobDefinition[] {
  const overdue: JobDefinition<'evaluation-overdue'> = {
    name: 'evaluation-overdue',
    schema: z.record(z.string(), z.never()),
    concurrency: 1,
    process: async () => ({ alerted: await followUps.alertOverdue() }),
  };
  return [overdue];
}

/** Checks for overdue follow-up cases every 30 minutes (idempotent: upserts by scheduler id). */
export async function scheduleEvaluationJobs(queues: Queues): Promise<void> {
  await queues
    .get('evaluation-overdue')
    .upsertJobScheduler(
      'evaluation-overdue',
      { every: 30 * 60_000 },
      { name: 'evaluation-overdue', data: {} },
    );
}
