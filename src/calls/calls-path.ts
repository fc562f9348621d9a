import type { Redis } from '../platform/redis.js';
import type { NewCallStep } from './calls-repository.js';

/** A step of the IVR path as it waits in Redis: the `call_steps` row without its id and call. */
export type PendingStep = Pick<NewCallStep, 'nodeId' | 'kind' | 'input' | 'at'>;

/**
 * How long a call's pending path is kept when its summary never comes (its final status was
 * never stored): a week, to be read on the desk meanwhile.
 */
export const PENDING_PATH_TTL_SECONDS = 7 * 24 * 3600;

// KEYS: the call's pending list, its closed marker. ARGV: ttl, rows. 0 when the path is closed.
const PUSH = `
if redis.call('exists', KEYS[2]) == 1 then return 0 end
redis.call('rpush', KEYS[1], unpack(ARGV, 2))
redis.call('expire', KEYS[1], ARGV[1])
return 1`;

// KEYS: the call's pending list, its closed marker. ARGV: ttl. The rows pending, the path closed.
const TAKE = `
redis.call('set', KEYS[2], '1', 'EX', ARGV[1])
return redis.call('lrange', KEYS[1], 0, -1)`;

type PathRedis = {
  callsPathPush(list: string, closed: string, ttl: number, ...rows: string[]): Promise<number>;
  callsPathTake(list: string, closed: string, ttl: number): Promise<string[]>;
};

const encode = (step: PendingStep) =>
  JSON.stringify([step.nodeId, step.kind, step.input ?? null, step.at.getTime()]);
const decode = (text: string): PendingStep => {
  const [nodeId, kind, input, at] = JSON.parse(text) as [string, string, string | null, number];
  return { nodeId, kind, input, at: new Date(at) };
};

/**
 * A call's IVR path while the call runs: each request's steps pushed to one Redis list (one
 * command), and written to `call_steps` by the call's summary in its own statement. Until then
 * readers see them here. The summary closes the path first (`take`): a step that comes later
 * (a webhook after the summary) is not kept here (`push` says false) and is written at once.
 */
export function createPendingPath(redis: Redis, prefix: string) {
  const scripts = redis as unknown as PathRedis;
  if (!('callsPathPush' in redis))
    redis.defineCommand('callsPathPush', { numberOfKeys: 2, lua: PUSH });
  if (!('callsPathTake' in redis))
    redis.defineCommand('callsPathTake', { numberOfKeys: 2, lua: TAKE });
  const list = (callSid: string) => `${prefix}:calls:path:${callSid}`;
  const closed = (callSid: string) => `${prefix}:calls:path-closed:${callSid}`;
  return {
    /** Keeps the steps; false when the call's path is closed (summarized) and they must be written now. */
    push: async (callSid: string, steps: ReadonlyArray<PendingStep>): Promise<boolean> =>
      (await scripts.callsPathPush(
        list(callSid),
        closed(callSid),
        PENDING_PATH_TTL_SECONDS,
        ...steps.map(encode),
      )) === 1,
    /** The steps pending, in order. */
    read: async (callSid: string): Promise<PendingStep[]> =>
      (await redis.lrange(list(callSid), 0, -1)).map(decode),
    /** Closes the path (later steps are written at once) and returns the steps pending, in order. */
    take: async (callSid: string): Promise<PendingStep[]> =>
      (await scripts.callsPathTake(list(callSid), closed(callSid), PENDING_PATH_TTL_SECONDS)).map(
        decode,
      ),
    /** The pending steps are written: they are forgotten. */
    written: async (callSid: string): Promise<void> => void (await redis.del(list(callSid))),
    /** The summary found no ended call: the path opens again. */
    reopen: async (callSid: string): Promise<void> => void (await redis.del(closed(callSid))),
  };
}

export type PendingPath = ReturnType<typeof createPendingPath>;
