import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { VOICE_BASE_PATH } from './voice-urls.js';

/** A voice webhook's handler: Twilio POSTs to it and it answers TwiML (or throws, and the caller gets the apology). */
export type VoiceHandler = (req: Request, res: Response) => unknown;

/**
 * One component's voice webhooks, each a POST to a fixed path under VOICE_BASE_PATH. The
 * composition root serves every component's with one {@link voiceDispatcher}.
 */
export interface VoiceRoutes {
  post(path: string, handler: VoiceHandler): void;
  /** Adds another set's routes to this one. */
  include(routes: VoiceRoutes): void;
  entries(): Iterable<readonly [string, VoiceHandler]>;
}

export function createVoiceRoutes(): VoiceRoutes {
  const handlers = new Map<string, VoiceHandler>();
  const routes: VoiceRoutes = {
    post(path, handler) {
      if (handlers.has(path)) throw new Error(`the voice route ${path} is defined twice`);
      handlers.set(path, handler);
    },
    include(other) {
      for (const [path, handler] of other.entries()) routes.post(path, handler);
    },
    entries: () => handlers.entries(),
  };
  return routes;
}

/** A request's path as the routes are keyed: without the query, a trailing slash or case (Express's default matching). */
function routeKey(url: string): string {
  const query = url.indexOf('?');
  let path = query === -1 ? url : url.slice(0, query);
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  return path.toLowerCase();
}

/**
 * Serves every voice webhook: a request under VOICE_BASE_PATH goes through `guard` (body,
 * signature, input bounds), then to the handler of its path, found by one lookup; a failing
 * handler is answered by `onError`. Anything else, and a path or method with no handler after
 * the guard, goes on to the rest of the app (its 404).
 *
 * One lookup instead of Express's routers nested three deep (the app's, the voice router, the
 * component's): on the incoming-call benchmark their passes made about a quarter of the bytes
 * the app allocated per request, and some 8 % of its CPU.
 */
export function voiceDispatcher(
  all: readonly VoiceRoutes[],
  guard: RequestHandler,
  onError: ErrorRequestHandler,
): RequestHandler {
  const handlers = new Map<string, VoiceHandler>();
  for (const routes of all) {
    for (const [path, handler] of routes.entries()) {
      const key = routeKey(`${VOICE_BASE_PATH}${path}`);
      if (handlers.has(key)) throw new Error(`the voice route ${path} is served twice`);
      handlers.set(key, handler);
    }
  }
  const prefix = `${VOICE_BASE_PATH}/`;
  return (req, res, next) => {
    if (!req.url.startsWith(prefix)) {
      next();
      return;
    }
    guard(req, res, (guardError?: unknown) => {
      if (guardError) {
        onError(guardError, req, res, next);
        return;
      }
      const handler = req.method === 'POST' ? handlers.get(routeKey(req.url)) : undefined;
      if (!handler) {
        next();
        return;
      }
      try {
        const answered = handler(req, res);
        if (answered instanceof Promise)
          answered.catch((error: unknown) => onError(error, req, res, next));
      } catch (error) {
        onError(error, req, res, next);
      }
    });
  };
}
