import { startJobs } from './jobs.js';
import { configOrExit, exitOnStartupError, onShutdown } from './process.js';
import { createRuntime } from './runtime.js';

/** The `worker` role: the only process that consumes jobs. */
const config = configOrExit();
const runtime = await createRuntime(config).catch(exitOnStartupError);
const jobs = await startJobs(runtime).catch(exitOnStartupError);
onShutdown(runtime.logger, async () => {
  await jobs.close();
  await runtime.close();
});
