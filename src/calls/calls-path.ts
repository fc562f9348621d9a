import type { Redis } from '../platform/redis.js';
import type { NewCall, NewCallEvent, NewCallStep } from './calls-repository.js';

/** A step of the IVR path as it waits in Redis: the `call_steps` row without its id and call. */
export type PendingStep = Pick<NewCallStep, 'nodeId' | 'kind' | 'input' | 'at'>;
/** An event held with the path: the `call_events` row without its id, call and sequence. */
export type PendingEvent = Pick<NewCallEvent, 'source' | 'event' | 'dedupeKey' | 'payload'> & {
  occurredAt: Date;
};

/** The queued stage as it waits in Redis until the call's next write: its time and routing attributes. */
export interface PendingQueued {
  /** When the call was first queued (a second queueing keeps it). */
  at: Date;
  attributes: Pick<
    NewCall,
    | 'queueSkill'
    | 'priority'
    | 'greenChannel'
    | 'priorityReason'
    | 'enterpriseId'
    | 'commissionerId'
  >;
  /** The value as stored: `queuedWritten` forgets it only while it is unchanged. */
  raw: string;
}

/**
 * The offered stage as it waits in Redis until the answer (or the call's end): the first offer's
 * time, and the agent and Twilio queue of the latest.
 */
export interface PendingOffered {
  at: Date;
  attributes: Pick<NewCall, 'agentId' | 'twilioQueueSid'>;
  raw: string;
}

/** The stages a call's next write carries, as they wait in Redis. */
export interface PendingStages {
  queued?: PendingQueued;
  offered?: PendingOffered;
}

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

// KEYS: the call's pending steps, its closed marker, its pending events, its queued stage, its
// offered stage. ARGV: ttl. The steps, the events and the stages pending, the path closed.
const TAKE = `
redis.call('set', KEYS[2], '1', 'EX', ARGV[1])
return {redis.call('lrange', KEYS[1], 0, -1), redis.call('lrange', KEYS[3], 0, -1),
        redis.call('get', KEYS[4]) or '', redis.call('get', KEYS[5]) or ''}`;

// KEYS: the call's queued (or offered) stage, its closed marker, its first queueing (offer) time.
// ARGV: ttl, now (ms), attributes (JSON). The stage kept with the first time; nil when the path
// is closed.
const HOLD_QUEUED = `
if redis.call('exists', KEYS[2]) == 1 then return nil end
redis.call('set', KEYS[3], ARGV[2], 'NX', 'EX', ARGV[1])
local value = '[' .. redis.call('get', KEYS[3]) .. ',' .. ARGV[3] .. ']'
redis.call('set', KEYS[1], value, 'EX', ARGV[1])
return value`;

// KEYS: the call's queued stage. ARGV: the value written. Forgets it unless it changed since.
const FORGET_QUEUED = `
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0`;

type PathRedis = {
  callsPathPush(list: string, closed: string, ttl: number, ...rows: string[]): Promise<number>;
  callsPathTake(
    list: string,
    closed: string,
    events: string,
    queued: string,
    offered: string,
    ttl: number,
  ): Promise<[string[], string[], string, string]>;
  callsPathHoldQueued(
    queued: string,
    closed: string,
    first: string,
    ttl: number,
    now: number,
    attributes: string,
  ): Promise<string | null>;
  callsPathForgetQueued(queued: string, value: string): Promise<number>;
};

const encode = (step: PendingStep) =>
  JSON.stringify([step.nodeId, step.kind, step.input ?? null, step.at.getTime()]);
const decode = (text: string): PendingStep => {
  const [nodeId, kind, input, at] = JSON.parse(text) as [string, string, string | null, number];
  return { nodeId, kind, input, at: new Date(at) };
};
const encodeEvent = (event: PendingEvent) =>
  JSON.stringify([
    event.source,
    event.event,
    event.dedupeKey,
    event.occurredAt.getTime(),
    event.payload ?? {},
  ]);
const decodeEvent = (text: string): PendingEvent => {
  const [source, event, dedupeKey, at, payload] = JSON.parse(text) as [
    PendingEvent['source'],
    string,
    string,
    number,
    Record<string, unknown>,
  ];
  return { source, event, dedupeKey, occurredAt: new Date(at), payload };
};
const decodeStage = <T extends PendingQueued | PendingOffered>(raw: string): T => {
  const [at, attributes] = JSON.parse(raw) as [number, T['attributes']];
  return { at: new Date(at), attributes, raw } as T;
};
const decodeQueued = (raw: string) => decodeStage<PendingQueued>(raw);
const decodeOffered = (raw: string) => decodeStage<PendingOffered>(raw);

/**
 * A call's IVR path while the call runs: each request's steps pushed to one Redis list (one
 * command), and written to `call_steps` by the call's summary in its own statement. Until then
 * readers see them here. The summary closes the path first (`take`): a step that comes later
 * (a webhook after the summary) is not kept here (`push` says false) and is written at once.
 * Events that nothing reads before the summary (how the caller left the queue) wait the same
 * way in a second list (`hold`), the queued stage until the call's next write (the first turn of
 * its wait when no agent is free, an answer) or the summary (`holdQueued`), and the offered stage
 * until the answer or the summary (`holdOffered`).
 */
export function createPendingPath(redis: Redis, prefix: string) {
  const scripts = redis as unknown as PathRedis;
  if (!('callsPathPush' in redis))
    redis.defineCommand('callsPathPush', { numberOfKeys: 2, lua: PUSH });
  if (!('callsPathTake' in redis))
    redis.defineCommand('callsPathTake', { numberOfKeys: 5, lua: TAKE });
  if (!('callsPathHoldQueued' in redis))
    redis.defineCommand('callsPathHoldQueued', { numberOfKeys: 3, lua: HOLD_QUEUED });
  if (!('callsPathForgetQueued' in redis))
    redis.defineCommand('callsPathForgetQueued', { numberOfKeys: 1, lua: FORGET_QUEUED });
  const list = (callSid: string) => `${prefix}:calls:path:${callSid}`;
  const closed = (callSid: string) => `${prefix}:calls:path-closed:${callSid}`;
  const events = (callSid: string) => `${prefix}:calls:path-events:${callSid}`;
  const queued = (callSid: string) => `${prefix}:calls:path-queued:${callSid}`;
  const firstQueued = (callSid: string) => `${prefix}:calls:path-first-queued:${callSid}`;
  const offered = (callSid: string) => `${prefix}:calls:path-offered:${callSid}`;
  const firstOffered = (callSid: string) => `${prefix}:calls:path-first-offered:${callSid}`;
  /** A stage kept (HOLD_QUEUED) with its first time; null when the path is closed. */
  const holdStage = (callSid: string, key: string, first: string, now: Date, attributes: object) =>
    scripts.callsPathHoldQueued(
      key,
      closed(callSid),
      first,
      PENDING_PATH_TTL_SECONDS,
      now.getTime(),
      JSON.stringify(attributes),
    );
  return {
    /** Keeps the steps; false when the call's path is closed (summarized) and they must be written now. */
    push: async (callSid: string, steps: ReadonlyArray<PendingStep>): Promise<boolean> =>
      (await scripts.callsPathPush(
        list(callSid),
        closed(callSid),
        PENDING_PATH_TTL_SECONDS,
        ...steps.map(encode),
      )) === 1,
    /** Keeps the event; false when the call's path is closed and it must be written now. */
    hold: async (callSid: string, event: PendingEvent): Promise<boolean> =>
      (await scripts.callsPathPush(
        events(callSid),
        closed(callSid),
        PENDING_PATH_TTL_SECONDS,
        encodeEvent(event),
      )) === 1,
    /**
     * Keeps the queued stage until the call's next write; the first queueing's time stays.
     * Undefined when the path is closed and the stage must be written now.
     */
    holdQueued: async (
      callSid: string,
      now: Date,
      attributes: PendingQueued['attributes'],
    ): Promise<PendingQueued | undefined> => {
      const raw = await holdStage(callSid, queued(callSid), firstQueued(callSid), now, attributes);
      return raw ? decodeQueued(raw) : undefined;
    },
    /**
     * Keeps the offered stage until the answer; the first offer's time stays. Undefined when the
     * path is closed and the stage must be written now.
     */
    holdOffered: async (
      callSid: string,
      now: Date,
      attributes: PendingOffered['attributes'],
    ): Promise<PendingOffered | undefined> => {
      const raw = await holdStage(
        callSid,
        offered(callSid),
        firstOffered(callSid),
        now,
        attributes,
      );
      return raw ? decodeOffered(raw) : undefined;
    },
    /** The stages waiting to be written (one command). */
    readStages: async (callSid: string): Promise<PendingStages> => {
      const [q, o] = await redis.mget(queued(callSid), offered(callSid));
      return {
        ...(q ? { queued: decodeQueued(q) } : {}),
        ...(o ? { offered: decodeOffered(o) } : {}),
      };
    },
    /** The stages are written: each forgotten, unless it changed meanwhile (queued or offered again). */
    stagesWritten: async (callSid: string, stages: PendingStages): Promise<void> =>
      void (await Promise.all([
        stages.queued && scripts.callsPathForgetQueued(queued(callSid), stages.queued.raw),
        stages.offered && scripts.callsPathForgetQueued(offered(callSid), stages.offered.raw),
      ])),
    /** The steps pending, in order. */
    read: async (callSid: string): Promise<PendingStep[]> =>
      (await redis.lrange(list(callSid), 0, -1)).map(decode),
    /** The events held, in order. */
    readEvents: async (callSid: string): Promise<PendingEvent[]> =>
      (await redis.lrange(events(callSid), 0, -1)).map(decodeEvent),
    /**
     * Closes the path (later steps, events and a queueing are written at once) and returns the
     * steps and the events pending, in order, and the queued stage if it is still pending.
     */
    take: async (
      callSid: string,
    ): Promise<{ steps: PendingStep[]; events: PendingEvent[] } & PendingStages> => {
      const [steps, held, stage, offer] = await scripts.callsPathTake(
        list(callSid),
        closed(callSid),
        events(callSid),
        queued(callSid),
        offered(callSid),
        PENDING_PATH_TTL_SECONDS,
      );
      return {
        steps: steps.map(decode),
        events: held.map(decodeEvent),
        ...(stage ? { queued: decodeQueued(stage) } : {}),
        ...(offer ? { offered: decodeOffered(offer) } : {}),
      };
    },
    /** What was pending is written: it is forgotten. */
    written: async (callSid: string): Promise<void> =>
      void (await redis.del(
        list(callSid),
        events(callSid),
        queued(callSid),
        firstQueued(callSid),
        offered(callSid),
        firstOffered(callSid),
      )),
    /** The summary found no ended call: the path opens again. */
    reopen: async (callSid: string): Promise<void> => void (await redis.del(closed(callSid))),
  };
}

export type PendingPath = ReturnType<typeof createPendingPath>;
