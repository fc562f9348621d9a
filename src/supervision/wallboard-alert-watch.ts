import type { Clock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import type { Redis } from '../platform/redis.js';
import type { LiveEvents } from '../routing/index.js';
import type { WallboardAlert } from './wallboard-alerts.js';
import type { Wallboard } from './wallboard-types.js';

/** How often the worker looks for alerts raised or cleared: under the wallboard's 5 s poll. */
export const ALERT_CHECK_MS = 2_000;

/** Alerts raised and cleared by one check. */
export interface AlertChanges {
  raised: WallboardAlert[];
  cleared: WallboardAlert[];
}

/**
 * Watches the wallboard's alerts, which are computed on read (a wait or a break crosses its limit
 * with no event), and tells supervisors of each one raised or cleared as a live event
 * (`wallboard-alert`). The alerts last told are kept in Redis: a check in any process publishes
 * each change once (HSETNX/HDEL answer 1 to one caller only); after a loss of Redis the alerts
 * then firing are told again.
 */
export function createAlertWatch(deps: {
  read: () => Promise<Pick<Wallboard, 'alerts'>>;
  redis: Redis;
  prefix: string;
  events: Pick<LiveEvents, 'publish'>;
  clock: Clock;
  logger: Logger;
}): { check(): Promise<AlertChanges> } {
  const key = `${deps.prefix}:wallboard:alerts`;
  const field = (alert: WallboardAlert) => `${alert.kind}|${alert.subject}`;
  return {
    async check() {
      const firing = new Map((await deps.read()).alerts.map((a) => [field(a), a]));
      const told = await deps.redis.hgetall(key);
      const changes: AlertChanges = { raised: [], cleared: [] };
      for (const [name, alert] of firing)
        if (!(name in told) && (await deps.redis.hsetnx(key, name, JSON.stringify(alert))))
          changes.raised.push(alert);
      for (const [name, stored] of Object.entries(told))
        if (!firing.has(name) && (await deps.redis.hdel(key, name)))
          changes.cleared.push(JSON.parse(stored) as WallboardAlert);
      const at = deps.clock.now().toISOString();
      for (const [change, alerts] of [
        ['raised', changes.raised],
        ['cleared', changes.cleared],
      ] as const)
        for (const alert of alerts)
          await deps.events.publish('supervisors', {
            type: 'wallboard-alert',
            change,
            ...alert,
            at,
          });
      if (changes.raised.length + changes.cleared.length > 0)
        deps.logger.info(
          { raised: changes.raised.map(field), cleared: changes.cleared.map(field) },
          'wallboard alerts changed',
        );
      return changes;
    },
  };
}
