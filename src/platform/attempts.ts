import type { Redis } from './redis.js';

/** What a counter says after a hit: the count in the current window and the seconds left of it. */
export interface AttemptCount {
  count: number;
  retryAfterSeconds: number;
}

/**
 * Fixed-window attempt counters in Redis. Every key expires with its window, so counting
 * failures of guessed values (codes, usernames) never leaves keys behind.
 */
export interface AttemptCounter {
  /** Counts one attempt on `key`; the window starts with the first attempt. */
  hit(key: string): Promise<AttemptCount>;
  /** The current count on `key` without counting. */
  peek(key: string): Promise<AttemptCount>;
  /** Forgets `key` (e.g. after a successful login). */
  reset(key: string): Promise<void>;
}

/** Counters named `<prefix>:<name>:<key>`, each living `windowSeconds` from its first hit. */
export function createAttemptCounter(
  redis: Redis,
  prefix: string,
  name: string,
  windowSeconds: number,
): AttemptCounter {
  const full = (key: string) => `${prefix}:${name}:${key}`;
  return {
    async hit(key) {
      const replies = await redis
        .multi()
        .incr(full(key))
        .expire(full(key), windowSeconds, 'NX')
        .ttl(full(key))
        .exec();
      return {
        count: Number(replies?.[0]?.[1] ?? 0),
        retryAfterSeconds: Math.max(Number(replies?.[2]?.[1] ?? windowSeconds), 1),
      };
    },
    async peek(key) {
      const [count, ttl] = await Promise.all([redis.get(full(key)), redis.ttl(full(key))]);
      return { count: Number(count ?? 0), retryAfterSeconds: Math.max(ttl, 1) };
    },
    async reset(key) {
      await redis.del(full(key));
    },
  };
}
