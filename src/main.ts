import { dirname, join, resolve } from 'node:path';
import { startJobs } from './jobs.js';
import { serveEmbedded, type EmbeddedServer } from './platform/embedded-db.js';
import { ensureLocalRedis, type LocalRedis } from './platform/local-redis.js';
import { createLogger } from './platform/logger.js';
import {
  configOrExit,
  exitOnStartupError,
  logDevelopmentDefaults,
  logNextSteps,
  onShutdown,
} from './process.js';
import { createRuntime } from './runtime.js';
import { closeServer, listen } from './web.js';

/**
 * `npm start`: migrations, catalogue, web and worker in one process, for one machine. With no
 * DATABASE_URL it serves its embedded database to the other commands of the machine, and with no
 * Redis running it starts one; both stop with it. The Procfile runs the roles apart to scale each.
 */
const config = configOrExit();
const logger = createLogger(config.logLevel);
const dataDir = dirname(resolve(config.pgliteDir));
const started: { redis?: LocalRedis; embedded?: EmbeddedServer } = {};

/** Whatever start-up had started is stopped before the process says why it could not start. */
async function failStartup(error: unknown): Promise<never> {
  await started.embedded?.close().catch(() => undefined);
  await started.redis?.stop().catch(() => undefined);
  return exitOnStartupError(error);
}

started.redis = await ensureLocalRedis(config.redisUrl, join(dataDir, 'redis'), logger).catch(
  failStartup,
);
if (!config.databaseUrl)
  started.embedded = await serveEmbedded(config.pgliteDir, {
    port: config.pglitePort,
    logger,
  }).catch(failStartup);
const runtime = await createRuntime(config, { prepareDatabase: true, logger }).catch(failStartup);
logDevelopmentDefaults(config, runtime.logger);
const jobs = await startJobs(runtime).catch(failStartup);
const server = await listen(runtime).catch(failStartup);
onShutdown(runtime.logger, async () => {
  // The built-in provider's calls end first, while the service still takes their final status callbacks.
  await runtime.telephony?.close();
  await closeServer(server);
  await jobs.close();
  await runtime.close();
  await started.embedded?.close();
  await started.redis?.stop();
});
logNextSteps(config, runtime.logger);
