import { startJobs } from './jobs.js';
import { configOrExit, exitOnStartupError, logDevelopmentDefaults, onShutdown } from './process.js';
import { createRuntime } from './runtime.js';
import { closeServer, listen } from './web.js';

/**
 * `npm start`: migrations, catalogue, web and worker in one process, for one machine.
 * The Procfile runs the roles apart to scale each.
 */
const config = configOrExit();
const runtime = await createRuntime(config, { prepareDatabase: true }).catch(exitOnStartupError);
logDevelopmentDefaults(config, runtime.logger);
const jobs = await startJobs(runtime).catch(exitOnStartupError);
const server = await listen(runtime).catch(exitOnStartupError);
onShutdown(runtime.logger, async () => {
  await closeServer(server);
  await jobs.close();
  await runtime.close();
});
