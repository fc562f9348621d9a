import type { Express } from 'express';

/** One route as Express serves it: its method and its full path with `:name` parameters. */
export interface AppRoute {
  method: string;
  path: string;
}

interface RouterLayer {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: RouterLayer[] };
}

/**
 * Every route of an Express 5 app, read from its router stack (mounted routers included, under
 * their mount path), so that a route added to the app is listed without naming it here. The
 * voice webhooks are not Express routes (one dispatcher serves them) and are not listed.
 */
export function listAppRoutes(app: Express): AppRoute[] {
  const routes: AppRoute[] = [];
  const walk = (stack: RouterLayer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route && typeof layer.route.path === 'string') {
        const path = prefix && layer.route.path === '/' ? prefix : `${prefix}${layer.route.path}`;
        for (const method of Object.keys(layer.route.methods).filter((m) => m !== '_all'))
          routes.push({ method: method.toUpperCase(), path });
      } else if (layer.handle?.stack) {
        walk(
          layer.handle.stack,
          `${prefix}${typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : ''}`,
        );
      }
    }
  };
  walk((app.router as unknown as { stack: RouterLayer[] }).stack, '');
  return routes;
}
