import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import type { Config } from './platform/config.js';
import { createRuntime, type Runtime, type RuntimeOptions } from './runtime.js';

/** Starts listening; resolves once the port is bound. */
export function listen(runtime: Runtime): Promise<Server> {
  const app = createApp(runtime);
  return new Promise((resolve, reject) => {
    const server = app.listen(runtime.config.port, (error?: Error) => {
      if (error) reject(error);
      else {
        runtime.listening.url = `http://127.0.0.1:${runtime.config.port}`;
        runtime.logger.info({ port: runtime.config.port, publicBaseUrl: runtime.config.publicBaseUrl }, 'web listening');
        resolve(server);
      }
    });
  });
}

/** Stops accepting connections and waits for requests in flight. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

/** A web service started inside the calling process, on a free local port. */
export interface LocalWeb {
  /** The base URL it answers on, e.g. `http://127.0.0.1:53122`. */
  url: string;
  close(): Promise<void>;
}

/**
 * Builds the runtime (migrating the database) and serves the app on a free port of 127.0.0.1: for
 * tools that talk to the service over HTTP, as Twilio does (`npm run ivr:call` in-process).
 */
export async function startLocalWeb(config: Config, options: RuntimeOptions = {}): Promise<LocalWeb> {
  const runtime = await createRuntime(config, { prepareDatabase: true, ...options });
  const server = await new Promise<Server>((resolve) => {
    const s = createApp(runtime).listen(0, '127.0.0.1', () => resolve(s));
  });
  runtime.listening.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: runtime.listening.url,
    async close() {
      server.close();
      server.closeAllConnections();
      await runtime.close();
    },
  };
}
