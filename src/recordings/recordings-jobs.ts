import { z } from 'zod';
import type { JobDefinition, Queues } from '../platform/queues.js';
import './recordings-jobs-payloads.js';
import type { Recordings } from './recordings-service.js';

/** When the worker deletes expired recordings, Beijing time: at night, away from the calls. */
export const RECORDINGS_EXPIRE_AT = { hour: 3, minute: 30 } as const;

/** The recordings' job processor; only the worker role starts it. */
export function createRecordingJobs(
  recordings: Recordings,
  retentionDays: number,
): JobDefinition[] {
  const expire: JobDefinition<'recordings-expire'> = {
    name: 'recordings-expire',
    schema: z.record(z.string(), z.never()),
    process: async () => ({ deleted: await recordings.deleteExpired(retentionDays) }),
    concurrency: 1,
  };
  return [expire];
}

/** The nightly deletion of expired recordings, started by the worker. */
export async function scheduleRecordingJobs(queues: Queues): Promise<void> {
  const { hour, minute } = RECORDINGS_EXPIRE_AT;
  await queues.get('recordings-expire').upsertJobScheduler(
    'recordings-expire',
    { pattern: `${minute} ${hour} * * *`, tz: 'Asia/Shanghai' },
    {
      name: 'recordings-expire',
      data: {},
      opts: { attempts: 3, backoff: { type: 'exponential', delay: 60_000 } },
    },
  );
}
