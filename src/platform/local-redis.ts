import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { Redis } from 'ioredis';
import type { Logger } from './logger.js';
import { RedisUnavailableError } from './redis.js';

/** A Redis that `npm start` started for itself; stopped with it. */
export interface LocalRedis {
  /** Stops the server this process started; nothing when it found one running. */
  stop(): Promise<void>;
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

async function answers(url: string): Promise<boolean> {
  const probe = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 1000,
  });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.ping();
    return true;
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/**
 * The development default for Redis, as PGlite is for PostgreSQL: when the configured Redis is on
 * this machine and does not answer, starts `redis-server` with its data (append-only file) in
 * `dataDir`, and stops it on {@link LocalRedis.stop}. Throws {@link RedisUnavailableError} with one
 * sentence on what to do when it cannot.
 */
export async function ensureLocalRedis(
  url: string,
  dataDir: string,
  logger: Logger,
): Promise<LocalRedis> {
  const none: LocalRedis = { stop: async () => undefined };
  if (await answers(url)) return none;
  const parsed = new URL(url);
  if (!LOCAL_HOSTS.has(parsed.hostname)) return none; // a remote Redis: start-up says it cannot be reached
  if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status !== 0) {
    throw new RedisUnavailableError(
      `Redis does not answer at ${parsed.host} and redis-server is not installed: install it (apt-get install redis-server) and run npm start again, or point REDIS_URL at a running Redis.`,
    );
  }
  mkdirSync(dataDir, { recursive: true });
  const port = parsed.port || '6379';
  const child: ChildProcess = spawn(
    'redis-server',
    [
      '--port',
      port,
      '--bind',
      '127.0.0.1',
      '--dir',
      dataDir,
      '--appendonly',
      'yes',
      '--save',
      '',
      '--daemonize',
      'no',
      '--loglevel',
      'warning',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let attempt = 0; attempt < 50; attempt += 1) {
    if (await answers(url)) {
      logger.info(
        { port, dir: dataDir },
        'Redis was not running: started redis-server for this npm start (stopped with it)',
      );
      return {
        async stop() {
          child.kill('SIGTERM');
          await exited;
        },
      };
    }
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new RedisUnavailableError(
    `redis-server could not be started on port ${port} (data in ${dataDir}); start one yourself or set REDIS_URL.`,
  );
}
