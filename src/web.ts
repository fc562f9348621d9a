import type { Server } from 'node:http';
import { createApp } from './app.js';
import type { Runtime } from './runtime.js';

/** Starts listening; resolves once the port is bound. */
export function listen(runtime: Runtime): Promise<Server> {
  const app = createApp(runtime);
  return new Promise((resolve, reject) => {
    const server = app.listen(runtime.config.port, (error?: Error) => {
      if (error) reject(error);
      else {
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
