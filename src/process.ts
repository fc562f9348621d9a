import { ConfigError, loadConfig, type Config } from './platform/config.js';
import { CatalogueError } from './catalogue/index.js';
import { MenuError } from './ivr/index.js';
import { RedisUnavailableError } from './platform/redis.js';
import type { Logger } from './platform/logger.js';

/** Reads the configuration or exits with the message naming the bad variable. */
export function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

/** Start-up failures that a person must fix: printed plainly, exit 1. */
export function exitOnStartupError(error: unknown): never {
  if (error instanceof CatalogueError || error instanceof MenuError || error instanceof RedisUnavailableError || error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error('start-up failed:', error);
  }
  process.exit(1);
}

/** Runs `stop` once on SIGTERM or SIGINT, then exits; a second signal exits at once. */
export function onShutdown(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 25_000);
    force.unref();
    stop()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => handler('SIGTERM'));
  process.on('SIGINT', () => handler('SIGINT'));
}

/** Logs which development defaults are in force, so nobody mistakes them for production. */
export function logDevelopmentDefaults(config: Config, logger: Logger): void {
  if (config.developmentDefaults.length > 0) {
    logger.warn(
      { defaults: config.developmentDefaults, publicBaseUrl: config.publicBaseUrl },
      'development defaults in use (local Twilio auth token shared with the in-repo caller); set these variables in production',
    );
  }
}
