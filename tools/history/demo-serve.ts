import { parseArgs } from 'node:util';
import { createLogger } from '../../src/platform/logger.js';
import { createRuntime } from '../../src/runtime.js';
import { closeServer, listen } from '../../src/web.js';
import { demoConfig } from './demo-data-set.js';

/*
 * npm run demo:serve -- [--port 3100] [--data ./data/demo-history | --database-url <url>] [--redis-prefix <p>]
 *
 * The web role on the demo history's own data set, beside (or instead of) the live service: the
 * statistics page at http://localhost:3100/panel/reports shows the played months. No worker runs
 * on it, so no job it produces (an SMS among them) is ever sent.
 */
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '3100' },
    data: { type: 'string' },
    'database-url': { type: 'string' },
    'redis-prefix': { type: 'string' },
  },
  strict: true,
});
try {
  const config = demoConfig(
    {
      dataDir: values.data,
      databaseUrl: values['database-url'],
      redisPrefix: values['redis-prefix'],
    },
    { PORT: values.port },
  );
  // A demo data set written by an earlier version is brought to this version's migrations.
  const runtime = await createRuntime(config, {
    logger: createLogger(config.logLevel),
    prepareDatabase: true,
  });
  const server = await listen(runtime);
  console.error(
    `demo:serve: the demo history at http://localhost:${config.port}/panel/reports (log in as demo_supervisor with the password demo:history printed)`,
  );
  const stop = async () => {
    await closeServer(server);
    await runtime.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
} catch (error) {
  console.error(`demo:serve: ${(error as Error).message}`);
  process.exit(1);
}
