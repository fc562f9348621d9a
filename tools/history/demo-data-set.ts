import { resolve } from 'node:path';
import { commandEnvironment, loadConfig, type Config } from '../../src/platform/config.js';

/** Where the demo history lives unless told otherwise: a PGlite folder of its own, never the live one. */
export const DEMO_DATA_DIR = './data/demo-history';

/** What a demo command was given: its own folder or PostgreSQL database, its own Redis key prefix. */
export interface DemoDataSet {
  dataDir?: string | undefined;
  databaseUrl?: string | undefined;
  redisPrefix?: string | undefined;
}

/**
 * The configuration of the demo's own data set: the live configuration (.env and environment)
 * with the database and the Redis key prefix replaced, so that nothing the demo writes reaches
 * the live service's tables, wallboard, queues or workers. Refuses the live folder, database or
 * prefix. `extra` is laid on top (ports, the REST stand-in, ...).
 */
export function demoConfig(given: DemoDataSet, extra: Record<string, string> = {}): Config {
  const live = commandEnvironment();
  const livePrefix = live.REDIS_PREFIX ?? 'hotline';
  const redisPrefix = given.redisPrefix ?? `${livePrefix}-demo-history`;
  const dataDir = given.dataDir ?? DEMO_DATA_DIR;
  if (redisPrefix === livePrefix)
    throw new Error(
      `the demo's Redis prefix must not be the live one (${livePrefix}): its agents would join the live wallboard`,
    );
  if (given.databaseUrl && given.databaseUrl === live.DATABASE_URL)
    throw new Error(
      'the demo database must not be the live one (DATABASE_URL): give another with --database-url, or none for its own embedded folder',
    );
  if (!given.databaseUrl && resolve(dataDir) === resolve(live.PGLITE_DIR ?? './data/pglite'))
    throw new Error(`the demo folder must not be the live embedded database (${dataDir})`);
  // An empty DATABASE_URL is unset: the embedded database in the demo's own folder.
  return loadConfig({
    ...live,
    DATABASE_URL: given.databaseUrl ?? '',
    PGLITE_DIR: dataDir,
    REDIS_PREFIX: redisPrefix,
    ...extra,
  });
}
