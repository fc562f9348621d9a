import { commandEnvironment, ConfigError, loadConfig, type Config } from './platform/config.js';
import { CatalogueError } from './catalogue/index.js';
import { GuideError } from './guides/index.js';
import { MenuError } from './ivr/index.js';
import { EmbeddedBusyError, EmbeddedDamagedError } from './platform/embedded-db.js';
import { RedisUnavailableError } from './platform/redis.js';
import type { Logger } from './platform/logger.js';

/** Reads the configuration (.env, then the environment) or exits with the message naming the bad variable. */
export function configOrExit(): Config {
  try {
    return loadConfig(commandEnvironment());
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
  const plain = [
    CatalogueError,
    MenuError,
    GuideError,
    RedisUnavailableError,
    ConfigError,
    EmbeddedBusyError,
    EmbeddedDamagedError,
  ];
  if (plain.some((kind) => error instanceof kind)) {
    console.error((error as Error).message);
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
      .then(() => {
        logger.info('shutdown finished');
        process.exit(0);
      })
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

/** The last lines of `npm start`: where the panel is and what a newcomer does next (plain text, for the terminal). */
export function logNextSteps(config: Config, logger: Logger): void {
  const panel = `${config.publicBaseUrl}/panel/`;
  logger.info({ panel, pid: process.pid }, 'ready');
  console.log(
    [
      '',
      `Ready. The agents' panel and the supervisors' wallboard: ${panel}`,
      'Next, in another terminal (every command works beside this one, on the same data):',
      '  the first supervisor:  echo "a long password" | npm run -s admin -- user:create --username zhang_wei --role supervisor --password-stdin',
      '  a booking channel key: npm run -s admin -- apikey:create --channel web --name 政务服务网',
      "  walk a hotline's menu: npm run ivr:call -- --to 4226101 --keys 2,1",
      ...(config.telephonyProvider === 'local'
        ? [
            `  try a call:            ${config.publicBaseUrl}/panel/test-phone.html (staff log in; an agent answers on the desk; calls run on the built-in provider, TELEPHONY_PROVIDER=local)`,
          ]
        : []),
      `Stop with Ctrl-C or kill ${process.pid}.`,
      '',
    ].join('\n'),
  );
}
