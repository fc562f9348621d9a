import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from './logger.js';

export type { Redis };

/** Raised at start-up when Redis cannot be reached; the message says how to start one. */
export class RedisUnavailableError extends Error {
  override name = 'RedisUnavailableError';
}

/**
 * Opens a Redis connection. `forWorker` follows BullMQ's rule for worker connections
 * (`maxRetriesPerRequest: null`), so that a Redis restart blocks jobs instead of failing them.
 */
export function createRedis(
  url: string,
  logger: Logger,
  options: { forWorker?: boolean; name?: string } = {},
): Redis {
  const extra: RedisOptions = options.forWorker
    ? { maxRetriesPerRequest: null }
    : { maxRetriesPerRequest: 3 };
  const redis = new Redis(url, {
    ...extra,
    lazyConnect: true,
    connectionName: options.name,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  redis.on('error', (error) =>
    logger.warn({ err: error.message, connection: options.name }, 'redis connection error'),
  );
  return redis;
}

/** Connects and pings within `timeoutMs`, or throws {@link RedisUnavailableError}. */
export async function assertRedisReachable(
  redis: Redis,
  url: string,
  timeoutMs = 3000,
): Promise<void> {
  const attempt = (async () => {
    if (redis.status === 'wait') await redis.connect();
    await redis.ping();
  })();
  const timeout = new Promise<never>((_, reject) => {
    setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref();
  });
  try {
    await Promise.race([attempt, timeout]);
  } catch (error) {
    throw new RedisUnavailableError(
      `Redis is required and cannot be reached at ${redactUrl(url)} (${(error as Error).message}). ` +
        'Start one with: redis-server --daemonize yes --bind 127.0.0.1 --port 6379, or set REDIS_URL.',
    );
  }
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
