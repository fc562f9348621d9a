import type { Logger } from '../platform/logger.js';
import type { Redis } from '../platform/redis.js';

/** What panels are told live: offers to an agent, agent and queue changes to supervisors. */
export type LiveEvent =
  | {
      type: 'agent-state';
      agentId: string;
      state: string;
      reason: string;
      version: number;
      callSid: string;
      at: string;
    }
  | { type: 'offer'; agentId: string; callSid: string; at: string }
  | {
      type: 'queue';
      skill: string;
      callSid: string;
      change: 'queued' | 'offered' | 'answered' | 'left' | 'requeued' | 'escalated';
      at: string;
    }
  | { type: 'alert'; agentId: string; message: string; at: string }
  | {
      /** A wallboard alert (supervision's) raised or cleared: kind, subject and text as the wallboard lists it. */
      type: 'wallboard-alert';
      change: 'raised' | 'cleared';
      kind: string;
      subject: string;
      text: string;
      at: string;
    };

/** Audience of an event: one agent's panel, or every supervisor's wallboard. */
export type Audience = { agentId: string } | 'supervisors';

/**
 * Live events through Redis pub/sub, so that a panel connected to any web process sees what
 * any process (web or worker) decided.
 */
export interface LiveEvents {
  publish(audience: Audience, event: LiveEvent): Promise<void>;
  /** Calls `listener` with each event for the audience until the returned function is called. */
  subscribe(audience: Audience, listener: (event: LiveEvent) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export function createLiveEvents(redis: Redis, prefix: string, logger: Logger): LiveEvents {
  const channel = (audience: Audience) =>
    audience === 'supervisors'
      ? `${prefix}:live:supervisors`
      : `${prefix}:live:agent:${audience.agentId}`;
  let subscriber: Redis | undefined;
  const listeners = new Map<string, Set<(event: LiveEvent) => void>>();
  const subscribed = new Map<string, Promise<unknown>>();

  function connection(): Redis {
    if (!subscriber) {
      subscriber = redis.duplicate();
      subscriber.on('error', (error) =>
        logger.warn({ err: error.message }, 'live events connection error'),
      );
      subscriber.on('message', (name: string, message: string) => {
        const event = JSON.parse(message) as LiveEvent;
        for (const listener of listeners.get(name) ?? []) listener(event);
      });
    }
    return subscriber;
  }

  return {
    async publish(audience, event) {
      await redis.publish(channel(audience), JSON.stringify(event));
    },
    async subscribe(audience, listener) {
      const name = channel(audience);
      let set = listeners.get(name);
      if (!set) {
        set = new Set();
        listeners.set(name, set);
        subscribed.set(name, connection().subscribe(name));
      }
      set.add(listener);
      // A second listener of the same channel also waits until Redis confirms the subscription.
      await subscribed.get(name);
      return async () => {
        set.delete(listener);
        if (set.size === 0 && listeners.get(name) === set) {
          listeners.delete(name);
          subscribed.delete(name);
          await subscriber?.unsubscribe(name);
        }
      };
    },
    async close() {
      subscriber?.disconnect();
      subscriber = undefined;
      listeners.clear();
      subscribed.clear();
    },
  };
}
