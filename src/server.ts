import { configOrExit, exitOnStartupError, logDevelopmentDefaults, onShutdown } from './process.js';
import { createRuntime } from './runtime.js';
import { closeServer, listen } from './web.js';

/** The `web` role: serves HTTP and produces jobs, never consumes them. */
const config = configOrExit();
const runtime = await createRuntime(config).catch(exitOnStartupError);
logDevelopmentDefaults(config, runtime.logger);
const server = await listen(runtime).catch(exitOnStartupError);
onShutdown(runtime.logger, async () => {
  await runtime.telephony?.close();
  await closeServer(server);
  await runtime.close();
});
