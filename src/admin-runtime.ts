import type { AdminRuntime } from './platform/admin-command.js';
import { systemClock } from './platform/clock.js';
import type { Config } from './platform/config.js';
import { createDatabase, type DatabaseHandle } from './platform/db.js';
import { createLogger } from './platform/logger.js';
import { createQueues, type Queues } from './platform/queues.js';
import { assertRedisReachable, createRedis, type Redis } from './platform/redis.js';

/**
 * The composition root of `npm run admin`: one logger, one database and one Redis for whichever
 * command runs, each opened on first use; `close` ends what was opened.
 */
export function createAdminRuntime(config: Config): AdminRuntime & { close(): Promise<void> } {
  const logger = createLogger('warn');
  let database: Promise<DatabaseHandle> | undefined;
  let redis: Promise<Redis> | undefined;
  let queues: Promise<Queues> | undefined;
  const openRedis = async (): Promise<Redis> => {
    const connection = createRedis(config.redisUrl, logger, { name: 'admin' });
    try {
      await assertRedisReachable(connection, config.redisUrl);
    } catch (error) {
      connection.disconnect();
      throw error;
    }
    return connection;
  };
  const admin = {
    config,
    logger,
    clock: systemClock,
    db: async () =>
      (
        await (database ??= createDatabase({
          url: config.databaseUrl,
          pgliteDir: config.pgliteDir,
        }))
      ).db,
    redis: () => (redis ??= openRedis()),
    queues: async () =>
      (queues ??= admin.redis().then((connection) => createQueues(connection, config.redisPrefix))),
    async close() {
      await (await queues?.catch(() => undefined))?.close();
      (await redis?.catch(() => undefined))?.disconnect();
      await (await database?.catch(() => undefined))?.close();
    },
  };
  return admin;
}
