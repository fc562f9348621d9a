import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import postgres from 'postgres';
import { Redis } from 'ioredis';
import { createApp } from '../../src/app.js';
import { loadCatalogue, syncCatalogue } from '../../src/catalogue/index.js';
import type { Clock } from '../../src/platform/clock.js';
import { loadConfig, type Config } from '../../src/platform/config.js';
import { createDatabase } from '../../src/platform/db.js';
import { createLogger } from '../../src/platform/logger.js';
import type { Queues } from '../../src/platform/queues.js';
import { createRuntime, type Runtime, type RuntimeOptions } from '../../src/runtime.js';
import { attachTelephony } from '../../src/web.js';

/** The public URL Twilio would call; requests go to a local port but are signed for this. */
export const PUBLIC_BASE_URL = 'https://hotline.example.test';

const adminUrl =
  process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const runId = `${process.pid}_${randomBytes(4).toString('hex')}`;

/** This run's own database and Redis key prefix. */
export const testRun = {
  /** Migrated and mirrored once, never connected to: the databases of the run are copies of it. */
  templateName: `hotline_test_${runId}_template`,
  databaseName: `hotline_test_${runId}`,
  databaseUrl: adminUrl.replace(/\/[^/]*$/, `/hotline_test_${runId}`),
  redisUrl,
  redisPrefix: `test-${runId}`,
};

/** A Config for tests: this run's database and prefix, silent logs, overrides on top. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: testRun.databaseUrl,
    REDIS_URL: testRun.redisUrl,
    REDIS_PREFIX: testRun.redisPrefix,
    PUBLIC_BASE_URL,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // Many runtimes live through a run; together they must stay under the server's max_connections.
    DATABASE_POOL_MAX: '4',
    // The cheapest argon2id the service accepts: tests create hundreds of accounts, none of them worth guessing.
    STAFF_PASSWORD_HASH_MEMORY_KIB: '1024',
    ...overrides,
  });
}

const opened: Array<{ close(): Promise<void> }> = [];
const ownDatabases = new Map<string, Promise<string>>();

/**
 * A database of its own for tests that must own their rows (e.g. every slot of a day), copied
 * from the run's template; the same `name` gives the same database. Returns its URL.
 */
export function ownDatabase(name: string): Promise<string> {
  let url = ownDatabases.get(name);
  if (!url) {
    url = (async () => {
      const databaseName = `${testRun.databaseName}_${name.replace(/\W/g, '_')}`;
      const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
      try {
        await admin.unsafe(`create database "${databaseName}" template "${testRun.templateName}"`);
      } finally {
        await admin.end();
      }
      return adminUrl.replace(/\/[^/]*$/, `/${databaseName}`);
    })();
    ownDatabases.set(name, url);
  }
  return url;
}

/**
 * A runtime on this run's database (or, with `database`, a database of its own, see
 * {@link ownDatabase}) and Redis; closed after the run.
 */
export async function createTestRuntime(
  options: {
    clock?: Clock;
    env?: Record<string, string>;
    database?: string;
    queues?: Queues;
    telephony?: RuntimeOptions['telephony'];
  } = {},
): Promise<Runtime> {
  const databaseEnv: Record<string, string> = options.database
    ? { DATABASE_URL: await ownDatabase(options.database) }
    : {};
  const config = testConfig({ ...databaseEnv, ...options.env });
  const runtime = await createRuntime(config, {
    clock: options.clock,
    logger: createLogger(config.logLevel),
    ...(options.queues && { queues: options.queues }),
    ...(options.telephony && { telephony: options.telephony }),
  });
  opened.push(runtime);
  return runtime;
}

/** Serves the app on a free local port. */
export async function startTestServer(
  runtime: Runtime,
): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const app = createApp(runtime);
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  runtime.listening.url = `http://127.0.0.1:${port}`;
  attachTelephony(server, runtime);
  const handle = {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  opened.push(handle);
  return handle;
}

/** Creates the template (migrations applied, catalogue mirrored) and the run's database from it. */
export async function setUpTestRun(): Promise<void> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`create database "${testRun.templateName}"`);
    const config = testConfig({
      DATABASE_URL: adminUrl.replace(/\/[^/]*$/, `/${testRun.templateName}`),
    });
    const database = await createDatabase({ url: config.databaseUrl, pgliteDir: config.pgliteDir });
    await database.migrate();
    await syncCatalogue(database.db, loadCatalogue(config.catalogueDir));
    await database.close();
    await admin.unsafe(
      `create database "${testRun.databaseName}" template "${testRun.templateName}"`,
    );
  } finally {
    await admin.end();
  }
}

/** Closes what tests opened, drops the database and deletes this run's Redis keys. */
export async function tearDownTestRun(): Promise<void> {
  for (const handle of opened.reverse()) await handle.close().catch(() => undefined);
  const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  try {
    const own = await Promise.all(
      [...ownDatabases.values()].map((url) => url.catch(() => undefined)),
    );
    const names = [
      testRun.databaseName,
      testRun.templateName,
      ...own.filter((u): u is string => Boolean(u)).map((u) => u.slice(u.lastIndexOf('/') + 1)),
    ];
    for (const name of names) await admin.unsafe(`drop database if exists "${name}" with (force)`);
  } finally {
    await admin.end();
  }
  const redis = new Redis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(
        cursor,
        'MATCH',
        `${testRun.redisPrefix}*`,
        'COUNT',
        1000,
      );
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
