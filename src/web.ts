import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import type { Config } from './platform/config.js';
import { createRuntime, type Runtime, type RuntimeOptions } from './runtime.js';
import type { Request } from 'express';
import { attachTelephonySockets } from './telephony/index.js';

/**
 * Who may place calls on the built-in provider's socket: the account itself (HTTP Basic with the
 * account SID and auth token, as its REST API; `ivr:call`), or a member of staff with a session
 * (the test phone) from a page of this site.
 */
async function mayCall(runtime: Runtime, req: IncomingMessage): Promise<boolean> {
  const { accountSid, authToken } = runtime.config.twilio;
  if (
    req.headers.authorization ===
    `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`
  )
    return true;
  return (await staffOf(runtime, req)) !== undefined;
}

/** The member of staff whose session a socket's request carries, from a page of this site only. */
async function staffOf(runtime: Runtime, req: IncomingMessage): Promise<string | undefined> {
  const origin = req.headers.origin;
  if (origin && new URL(origin).host !== req.headers.host) return undefined;
  const principal = await runtime.staff
    .authenticator(req as unknown as Request)
    .catch(() => undefined);
  return principal?.kind === 'staff' ? principal.userId : undefined;
}

/** Serves the built-in provider's sockets (callers, agents' softphones) on `server` (TELEPHONY_PROVIDER=local); returns their closer. */
export function attachTelephony(server: Server, runtime: Runtime): () => Promise<void> {
  const telephony = runtime.telephony;
  if (!telephony) return async () => undefined;
  return attachTelephonySockets(server, {
    placeCall: (init) => telephony.placeCall(init),
    register: (address, endpoint) => telephony.register(address, endpoint),
    authorize: (req) => mayCall(runtime, req),
    identify: (req) => staffOf(runtime, req),
    logger: runtime.logger,
  });
}

/** Starts listening; resolves once the port is bound. */
export function listen(runtime: Runtime): Promise<Server> {
  const app = createApp(runtime);
  return new Promise((resolve, reject) => {
    const server = app.listen(runtime.config.port, (error?: Error) => {
      if (error) reject(error);
      else {
        runtime.listening.url = `http://127.0.0.1:${runtime.config.port}`;
        attachTelephony(server, runtime);
        runtime.logger.info(
          { port: runtime.config.port, publicBaseUrl: runtime.config.publicBaseUrl },
          'web listening',
        );
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
  runtime: Runtime;
  close(): Promise<void>;
}

/**
 * Builds the runtime (migrating the database) and serves the app on a free port of 127.0.0.1: for
 * tools that talk to the service over HTTP, as Twilio does (`npm run ivr:call` in-process).
 */
export async function startLocalWeb(
  config: Config,
  options: RuntimeOptions = {},
): Promise<LocalWeb> {
  const runtime = await createRuntime(config, { prepareDatabase: true, ...options });
  const server = await new Promise<Server>((resolve) => {
    const s = createApp(runtime).listen(0, '127.0.0.1', () => resolve(s));
  });
  runtime.listening.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const closeSockets = attachTelephony(server, runtime);
  return {
    url: runtime.listening.url,
    runtime,
    async close() {
      await closeSockets();
      server.close();
      server.closeAllConnections();
      await runtime.close();
    },
  };
}
