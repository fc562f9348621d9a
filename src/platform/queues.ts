import { Queue, UnrecoverableError, Worker, type Job, type JobsOptions } from 'bullmq';
import type { z } from 'zod';
import type { Logger } from './logger.js';
import type { Redis } from './redis.js';

/**
 * The payload of each queue, by queue name. Components add their queues by augmenting this
 * interface in their `*-jobs.ts` (`declare module '../platform/queues.js'`), so that producer
 * and processor agree on the payload. Payloads carry ids only, never personal data.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface JobPayloads {}

export type QueueName = keyof JobPayloads & string;

/** Defaults for every job: bounded retries with backoff, bounded history in Redis. */
export const defaultJobOptions: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** The producing side of the queues, used by web and worker alike. */
export interface Queues {
  add<N extends QueueName>(name: N, data: JobPayloads[N], options?: JobsOptions): Promise<void>;
  /** Removes a waiting or delayed job by id; true when there was one. */
  remove(name: QueueName, jobId: string): Promise<boolean>;
  /** The BullMQ queue itself, for inspection (counts, delayed jobs). */
  get(name: QueueName): Queue;
  close(): Promise<void>;
}

/** BullMQ key prefix for a deployment's Redis prefix. */
export function bullPrefix(redisPrefix: string): string {
  return `${redisPrefix}:bull`;
}

/** Creates queues lazily on the given connection. */
export function createQueues(connection: Redis, redisPrefix: string): Queues {
  const queues = new Map<string, Queue>();
  const get = (name: QueueName): Queue => {
    let queue = queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection, prefix: bullPrefix(redisPrefix), defaultJobOptions });
      queues.set(name, queue);
    }
    return queue;
  };
  return {
    add: async (name, data, options) => {
      await get(name).add(name, data, options);
    },
    remove: async (name, jobId) => {
      const job = await get(name).getJob(jobId);
      if (!job) return false;
      try {
        await job.remove();
        return true;
      } catch {
        return false; // active or locked: it runs and must check state itself
      }
    },
    get,
    close: async () => {
      await Promise.all([...queues.values()].map((queue) => queue.close()));
    },
  };
}

/** How one queue's jobs are processed. */
export interface JobDefinition<N extends QueueName = QueueName> {
  readonly name: N;
  /** Parses `job.data`: a job whose data does not match fails at once, without retries. */
  readonly schema: z.ZodType<JobPayloads[N]>;
  /** Method syntax, so that a list of `JobDefinition` holds each queue's own definition. */
  process(data: JobPayloads[N], job: Job): Promise<unknown>;
  /** Jobs of this queue run at once in one worker process. Default 5. */
  readonly concurrency?: number;
  /** Upper bound on jobs started per second across all workers (BullMQ limiter). */
  readonly ratePerSecond?: number;
}

/** Starts one BullMQ worker per definition; only the worker role calls this. */
export function startWorkers(
  definitions: readonly JobDefinition[],
  connection: Redis,
  redisPrefix: string,
  logger: Logger,
): { close(): Promise<void>; workers: Worker[] } {
  const workers = definitions.map((definition) => {
    const worker = new Worker(
      definition.name,
      async (job) => {
        const parsed = definition.schema.safeParse(job.data);
        if (!parsed.success) {
          throw new UnrecoverableError(
            `invalid ${definition.name} job data: ${parsed.error.issues.map((i) => i.message).join('; ')}`,
          );
        }
        return definition.process(parsed.data, job);
      },
      {
        connection,
        prefix: bullPrefix(redisPrefix),
        concurrency: definition.concurrency ?? 5,
        ...(definition.ratePerSecond
          ? { limiter: { max: definition.ratePerSecond, duration: 1000 } }
          : {}),
      },
    );
    worker.on('error', (error) =>
      logger.error({ err: error, queue: definition.name }, 'worker error'),
    );
    worker.on('failed', (job, error) =>
      logger.warn(
        { queue: definition.name, jobId: job?.id, attempts: job?.attemptsMade, err: error.message },
        'job failed',
      ),
    );
    return worker;
  });
  return {
    workers,
    close: async () => {
      await Promise.all(workers.map((worker) => worker.close()));
    },
  };
}
