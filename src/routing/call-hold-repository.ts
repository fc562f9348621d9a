import type { Redis } from '../platform/redis.js';

/** ARGV: key, agent, now, ttl seconds. Starts a hold unless one is running; 1 when this one started it. */
const START = `
local k = ARGV[1]
if tonumber(redis.call('HGET', k, 'since') or '0') > 0 then return 0 end
redis.call('HSET', k, 'since', ARGV[3], 'agent', ARGV[2])
redis.call('EXPIRE', k, tonumber(ARGV[4]))
return 1
`;

/** ARGV: key, agent|'', now, next leg|'keep'. Ends the running hold (of `agent` when given): {1, since, leg} or {0}. */
const END = `
local k = ARGV[1]
local since = tonumber(redis.call('HGET', k, 'since') or '0')
if since == 0 then return {0} end
if ARGV[2] ~= '' and redis.call('HGET', k, 'agent') ~= ARGV[2] then return {0} end
local leg = tonumber(redis.call('HGET', k, 'leg') or '0')
if ARGV[4] == 'next' then leg = redis.call('HINCRBY', k, 'leg', 1) end
redis.call('HSET', k, 'since', 0)
return {1, since, leg}
`;

/** ARGV: key, agent. Forgets the call's holds when they are `agent`'s: the running hold's start (0 when none), or -1 when none were theirs. */
const CLEAR = `
local k = ARGV[1]
if redis.call('HGET', k, 'agent') ~= ARGV[2] then return -1 end
local since = tonumber(redis.call('HGET', k, 'since') or '0')
redis.call('DEL', k)
return since
`;

/** A call's hold as routing keeps it: who put it on hold, since when (0 when not on hold), and which agent leg is the current one. */
export interface CallHold {
  agentId: string;
  /** Epoch ms when the running hold began; 0 when the caller is not on hold. */
  since: number;
  /** 0 for the agent leg routing dialled, n after the n-th resume. */
  leg: number;
}

type HoldRedis = {
  agentsHoldStart(key: string, agentId: string, now: number, ttlSeconds: number): Promise<number>;
  agentsHoldEnd(
    key: string,
    agentId: string,
    now: number,
    leg: 'next' | 'keep',
  ): Promise<[number, number?, number?]>;
  agentsHoldClear(key: string, agentId: string): Promise<number>;
};

/** Holds of callers in Redis (one hash per call), each change atomic, so a double click or a late Twilio callback never doubles one. */
export function createHoldRepository(redis: Redis, prefix: string) {
  const scripts = redis as unknown as HoldRedis;
  if (!('agentsHoldStart' in redis))
    redis.defineCommand('agentsHoldStart', { numberOfKeys: 0, lua: START });
  if (!('agentsHoldEnd' in redis))
    redis.defineCommand('agentsHoldEnd', { numberOfKeys: 0, lua: END });
  if (!('agentsHoldClear' in redis))
    redis.defineCommand('agentsHoldClear', { numberOfKeys: 0, lua: CLEAR });
  const key = (callSid: string) => `${prefix}:hold:${callSid}`;
  return {
    async read(callSid: string): Promise<CallHold | undefined> {
      const h = await redis.hgetall(key(callSid));
      if (!h.agent) return undefined;
      return { agentId: h.agent, since: Number(h.since ?? 0), leg: Number(h.leg ?? 0) };
    },
    /** True when this request put the caller on hold (false: already on hold). */
    start: async (callSid: string, agentId: string, now: number, ttlSeconds: number) =>
      (await scripts.agentsHoldStart(key(callSid), agentId, now, ttlSeconds)) === 1,
    /** Ends the running hold; `resume` moves to the next agent leg. Returns when it began and the current leg, or undefined when there was none. */
    async end(
      callSid: string,
      options: { agentId?: string; now: number; resume: boolean },
    ): Promise<{ since: number; leg: number } | undefined> {
      const [ok, since, leg] = await scripts.agentsHoldEnd(
        key(callSid),
        options.agentId ?? '',
        options.now,
        options.resume ? 'next' : 'keep',
      );
      return ok === 1 ? { since: Number(since), leg: Number(leg) } : undefined;
    },
    /**
     * The agent's handling of the call ended (wrap-up, transfer): its holds are forgotten, so that the
     * call's next agent (or the same one after a transfer back) starts from the first leg. Returns the
     * running hold's start, 0 when none ran, undefined when the holds were not this agent's.
     */
    async clear(callSid: string, agentId: string): Promise<number | undefined> {
      const since = Number(await scripts.agentsHoldClear(key(callSid), agentId));
      return since < 0 ? undefined : since;
    },
    /** Puts a hold that was ended back as it was (the REST update that would have started or ended it failed). */
    async restore(callSid: string, hold: { since: number; leg: number }): Promise<void> {
      await redis.hset(key(callSid), 'since', hold.since, 'leg', hold.leg);
    },
  };
}

export type HoldRepository = ReturnType<typeof createHoldRepository>;
