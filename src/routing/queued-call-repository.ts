import type { QueuedCall } from '../calls/index.js';
import type { Redis } from '../platform/redis.js';

/**
 * What routing keeps of a call it routes, from the IVR's hand-off on: it reads this, never the
 * call ledger, on the path of a call. `ended` is set when the call's end is recorded; `answeredBy`
 * when an agent answers.
 */
export interface KeptCall extends QueuedCall {
  ended: boolean;
  answeredBy: string | null;
}

/** Routing's record of the calls it routes, one Redis hash per call, kept a while after the longest call. */
export function createQueuedCallRepository(redis: Redis, prefix: string, ttlSeconds: number) {
  const key = (callSid: string) => `${prefix}:queued:${callSid}`;
  const touch = (callSid: string) => redis.expire(key(callSid), ttlSeconds);
  return {
    /** Keeps a queued call as handed over (again after a transfer or a rebuild: its fields are replaced). */
    async keep(call: QueuedCall): Promise<void> {
      await redis
        .multi()
        .hset(key(call.callSid), {
          hotline: call.hotline ?? '',
          skill: call.skill,
          priority: String(call.priority),
          reason: call.priorityReason ?? '',
          green: call.greenChannel ? '1' : '0',
          preferred: call.preferredAgent ?? '',
          queuedAt: String(call.queuedAt.getTime()),
          queueSid: call.queueSid ?? '',
        })
        .expire(key(call.callSid), ttlSeconds)
        .exec();
    },
    async find(callSid: string): Promise<KeptCall | undefined> {
      const h = await redis.hgetall(key(callSid));
      if (!h.skill) return undefined;
      return {
        callSid,
        hotline: h.hotline || null,
        skill: h.skill,
        priority: Number(h.priority ?? 0),
        priorityReason: h.reason || null,
        greenChannel: h.green === '1',
        preferredAgent: h.preferred || null,
        queuedAt: new Date(Number(h.queuedAt ?? 0)),
        queueSid: h.queueSid || null,
        ended: h.ended === '1',
        answeredBy: h.answeredBy || null,
      };
    },
    /** The provider queue the caller waits in now (it said so in a wait request). */
    async setQueueSid(callSid: string, queueSid: string): Promise<void> {
      if (await redis.exists(key(callSid))) await redis.hset(key(callSid), 'queueSid', queueSid);
    },
    async answered(callSid: string, agentId: string): Promise<void> {
      if (await redis.exists(key(callSid))) await redis.hset(key(callSid), 'answeredBy', agentId);
    },
    /** The call's end was recorded: whatever routing does next with it, the caller is gone. */
    async ended(callSid: string): Promise<void> {
      if (await redis.exists(key(callSid))) {
        await redis.hset(key(callSid), 'ended', '1');
        await touch(callSid);
      }
    },
  };
}

export type QueuedCallRepository = ReturnType<typeof createQueuedCallRepository>;
