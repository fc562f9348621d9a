import type { CallbackRequests } from '../callbacks/index.js';
import type { WorkCalendar } from '../calendar/index.js';
import type { CallLedger, CallRouting, QueuedCall } from '../calls/index.js';
import type { Catalogue, Hall, Hotline } from '../catalogue/index.js';
import type { Clock } from '../platform/clock.js';
import { NotFoundError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import type { Redis } from '../platform/redis.js';
import type { TelephonyProfile } from '../platform/telephony-profile.js';
import { crossComponentVoiceUrls, voiceUrl } from '../platform/voice-urls.js';
import type { Announcements } from './announcement-service.js';
import { buildMenuGraph, type MenuGraph } from './menu-graph.js';
import type { Menu } from './menu-schemas.js';
import { buildSpeechIndex, type SpeechIndex } from './speech-index.js';

/** Everything the IVR is built from; `createIvrRoutes` receives it from the composition root. */
export interface IvrDeps {
  catalogue: Catalogue;
  menus: ReadonlyMap<string, Menu>;
  ledger: CallLedger;
  calendar: WorkCalendar;
  announcements: Announcements;
  /** Told when a call is queued or leaves its queue (the agents component). */
  routing: CallRouting;
  /** Stores the callback requests the IVR takes. */
  callbackRequests: Pick<CallbackRequests, 'request'>;
  redis: Redis;
  /** Prefix of the IVR's Redis keys (the deployment's REDIS_PREFIX). */
  redisPrefix: string;
  clock: Clock;
  logger: Logger;
  voice: string;
  /** What the voice provider runs: speech input, its own queues. */
  telephony: TelephonyProfile;
  publicBaseUrl: string;
  holdMusicUrl: string;
  /** Seconds in queue before the callback offer. */
  callbackOfferSeconds: number;
}

/** One call as a webhook sees it: who, which hotline, which menu. */
export interface IvrCall {
  callSid: string;
  from: string;
  hotline: Hotline;
  menu: Menu;
  graph: MenuGraph;
  /** What speech means anywhere in the menu. */
  speech: SpeechIndex;
  /** Steps of the IVR path taken in this request, written once by {@link IvrKit.flush}. */
  path: Array<{ nodeId: string; kind: string; input: string | null }>;
}

/** Failed tries (timeout, invalid, unclear) before a menu gives up and goes to a person or says goodbye. */
export const MAX_ATTEMPTS = 3;

/** How long the IVR keeps a caller's wait state and queued call in Redis: longer than any wait. */
export const WAIT_KEY_SECONDS = 4 * 3600;

/** Shared helpers of the IVR services: URLs, call resolution, routing attributes, safe recording. */
export function createIvrKit(deps: IvrDeps) {
  const { catalogue, menus, clock } = deps;
  const log = deps.logger.child({ component: 'ivr' });
  const graphs = new Map([...menus].map(([id, menu]) => [id, buildMenuGraph(menu)]));
  const speechIndexes = new Map(
    [...menus].map(([id, menu]) => [id, buildSpeechIndex(menu, catalogue)]),
  );

  const queuedKey = (callSid: string) => `${deps.redisPrefix}:ivr:queued:${callSid}`;
  return {
    deps,
    log,
    url: (path: string, params: Record<string, string | number> = {}) =>
      voiceUrl(deps.publicBaseUrl, path, params),
    /** Other components' voice URLs (booking's self-service). */
    links: crossComponentVoiceUrls(deps.publicBaseUrl),

    /** The call behind a webhook: its menu from the URL, its hotline from `To` (or the menu's first hotline). */
    resolveCall(
      body: { CallSid: string; From?: string | undefined; To?: string | undefined },
      menuId: string,
    ): IvrCall {
      const menu = menus.get(menuId);
      const graph = graphs.get(menuId);
      const speech = speechIndexes.get(menuId);
      const hotline =
        (body.To ? catalogue.hotline(body.To) : undefined) ??
        catalogue.hotlines.find((h) => h.menu === menuId);
      if (!menu || !graph || !speech || !hotline) throw new NotFoundError(`no menu ${menuId}`);
      return {
        callSid: body.CallSid,
        from: body.From ?? '',
        hotline,
        menu,
        graph,
        speech,
        path: [],
      };
    },

    /**
     * The queued call as the ledger stored it when the IVR queued it, kept in Redis for the wait:
     * its first turn hands it to routing, and its turns read the caller's place, without reading
     * the ledger back. Undefined when not kept (queued by an earlier version, or expired).
     */
    queued: {
      async keep(call: QueuedCall): Promise<void> {
        await deps.redis.set(queuedKey(call.callSid), JSON.stringify(call), 'EX', WAIT_KEY_SECONDS);
      },
      parse(text: string | null): QueuedCall | undefined {
        if (text === null) return undefined;
        const kept = JSON.parse(text) as QueuedCall & { queuedAt: string };
        return { ...kept, queuedAt: new Date(kept.queuedAt) };
      },
      key: queuedKey,
    },

    /** The hall a department skill belongs to (menus are linted so that it exists). */
    hallOf(skill: string, call: IvrCall): Hall {
      return catalogue.department(skill)?.hall ?? catalogue.hall(call.hotline.hall)!;
    },

    /** Priority and special-routing attributes of a queued call, from the node and the calling number. */
    routingAttributes(
      call: IvrCall,
      queue: { priority?: number; greenChannel?: boolean; commissionerId?: string },
    ) {
      const listed = catalogue.priorityCaller(call.from);
      const enterprise = catalogue.enterpriseByPhone(call.from);
      const greenChannel = queue.greenChannel ?? false;
      return {
        priority: Math.max(queue.priority ?? 0, listed ? PRIORITY_LISTED_CALLER : 0),
        greenChannel,
        priorityReason: listed?.reason ?? (greenChannel ? 'green-channel' : null),
        enterpriseId: enterprise?.enterprise.id ?? null,
        commissionerId: queue.commissionerId ?? null,
      };
    },

    /** Notes one step of the path (a node entered, an input and what it meant); written by `flush`. */
    step(call: IvrCall, nodeId: string, kind: string, input?: string | null): void {
      call.path.push({ nodeId, kind, input: input ?? null });
    },

    /** Runs a write the caller does not depend on (self-served flag, enterprise); a failure is logged, the caller still served. */
    async bestEffort(call: IvrCall, what: string, write: () => Promise<unknown>): Promise<void> {
      try {
        await write();
      } catch (error) {
        log.warn(
          { callSid: call.callSid, err: (error as Error).message },
          `could not record ${what}`,
        );
      }
    },

    /** Writes the request's steps in one insert; a database failure is logged and the caller still served. */
    async flush(call: IvrCall): Promise<void> {
      const steps = call.path.splice(0);
      try {
        await deps.ledger.recordSteps(call.callSid, steps);
      } catch (error) {
        log.warn(
          { callSid: call.callSid, steps: steps.length, err: (error as Error).message },
          'could not record the IVR path',
        );
      }
    },

    now: () => clock.now(),
  };
}

/** Priority of a caller on the priority list (elderly, disabled, urgent departure, key project); green channel nodes set 10. */
export const PRIORITY_LISTED_CALLER = 5;

export type IvrKit = ReturnType<typeof createIvrKit>;
