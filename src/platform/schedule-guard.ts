import { randomUUID } from 'node:crypto';
import type { Clock } from './clock.js';
import type { Database } from './db.js';
import type { Logger } from './logger.js';
import type { CheckResult } from './readiness.js';
import type { Redis } from './redis.js';
import { findScheduleBuild, recordScheduleBuild } from './schedule-repository.js';

/** One part of the rebuild after a Redis loss; each must be idempotent (deterministic job ids). */
export interface RecoveryStep {
  readonly name: string;
  readonly run: () => Promise<unknown>;
  /** Skipped at a prefix's first start, when PostgreSQL has nothing Redis could have lost. */
  readonly afterLossOnly?: boolean;
}

/**
 * Notices a Redis that lost its data and rebuilds what lived there from PostgreSQL. The worker
 * writes a sentinel key once the schedule is built (and records the build in PostgreSQL); a
 * Redis that restarted empty, was flushed or had the service's keys deleted no longer has it.
 * Only one worker rebuilds at a time (a lock); the sentinel is written back only when every
 * step has succeeded.
 */
export interface ScheduleGuard {
  /** Rebuilds when the sentinel is missing; true when this call rebuilt. A failed step throws and leaves the sentinel unset. */
  check(): Promise<boolean>;
  /** Checks every `intervalMs` (default 15 s, so a loss is repaired within a minute) and whenever the connection comes back. */
  start(intervalMs?: number): void;
  stop(): void;
}

/** The key whose absence means the schedule in Redis is gone. */
export const scheduleSentinelKey = (prefix: string) => `${prefix}:schedule:sentinel`;
const lockKey = (prefix: string) => `${prefix}:schedule:rebuilding`;
const LOCK_MS = 120_000;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export function createScheduleGuard(deps: {
  redis: Redis;
  db: Database;
  prefix: string;
  steps: readonly RecoveryStep[];
  clock: Clock;
  logger: Logger;
}): ScheduleGuard {
  const { redis, prefix, steps } = deps;
  const log = deps.logger.child({ component: 'schedule-guard' });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<boolean> | undefined;

  async function rebuild(): Promise<boolean> {
    if ((await redis.exists(scheduleSentinelKey(prefix))) === 1) return false;
    const token = randomUUID();
    if ((await redis.set(lockKey(prefix), token, 'PX', LOCK_MS, 'NX')) !== 'OK') return false;
    try {
      const lost = Boolean(await findScheduleBuild(deps.db, prefix));
      if (lost) log.warn('Redis has lost its data: rebuilding jobs and routing from PostgreSQL');
      for (const step of steps) {
        if (step.afterLossOnly && !lost) continue;
        const result = await step.run();
        log.info({ step: step.name, result }, lost ? 'rebuilt after the Redis loss' : 'scheduled');
      }
      const now = deps.clock.now();
      await recordScheduleBuild(deps.db, prefix, now, lost);
      await redis.set(scheduleSentinelKey(prefix), now.toISOString());
      if (lost) log.warn('jobs and routing rebuilt from PostgreSQL; ready again');
      return true;
    } finally {
      await redis.eval(RELEASE, 1, lockKey(prefix), token);
    }
  }

  function check(): Promise<boolean> {
    running ??= rebuild().finally(() => {
      running = undefined;
    });
    return running;
  }
  const tick = () =>
    void check().catch((error: unknown) =>
      log.error(
        { err: (error as Error).message },
        'rebuild failed; trying again at the next check',
      ),
    );

  return {
    check,
    start(intervalMs = 15_000) {
      timer = setInterval(tick, intervalMs);
      timer.unref();
      redis.on('ready', tick);
    },
    stop() {
      clearInterval(timer);
      redis.off('ready', tick);
    },
  };
}

/** Readiness of Redis: it answers, and still holds the schedule (not ready, with the reason, until a worker rebuilt it). */
export async function redisReadiness(redis: Redis, prefix: string): Promise<CheckResult> {
  if ((await redis.ping()) !== 'PONG') return { ok: false };
  if ((await redis.exists(scheduleSentinelKey(prefix))) === 1) return { ok: true };
  const rebuilding = (await redis.exists(lockKey(prefix))) === 1;
  return {
    ok: false,
    detail: rebuilding
      ? 'Redis lost its data; a worker is rebuilding jobs and routing from PostgreSQL'
      : 'Redis holds no job schedule (lost data, or no worker has started yet); a worker rebuilds it from PostgreSQL',
  };
}
