import type { Redis } from '../platform/redis.js';

/**
 * The shared routing state in Redis, changed only by the Lua scripts below so that every
 * decision is atomic across web and worker processes:
 * - `{p}:agent:{id}` hash: state, version, since, reason, skills (space-separated), idle (ms), call, missed;
 * - `{p}:avail:{skill}` sorted set of available agents, scored by the time they became idle;
 * - `{p}:call:{sid}` hash of a routed call (or `cb:{id}`, a callback): state (waiting|offered|held), score, skills, target, agent, offers;
 * - `{p}:wait:{skill}` sorted set of waiting calls, scored by priority then original place.
 * Keys are built inside the scripts, so this needs one Redis (not a cluster).
 */
export type AgentState = 'offline' | 'available' | 'reserved' | 'on_call' | 'wrap_up' | 'break';
export const AGENT_STATES: readonly AgentState[] = ['offline', 'available', 'reserved', 'on_call', 'wrap_up', 'break'];

/** A call (or callback) matched with an agent: the agent is reserved at `version`. */
export interface Reservation {
  callSid: string;
  agentId: string;
  version: number;
  /** How many times this call has been offered, this one included. */
  offers: number;
}

export interface AgentSnapshot {
  agentId: string;
  state: AgentState;
  version: number;
  since: number;
  reason: string;
  skills: string[];
  idle: number;
  callSid: string;
  missed: number;
}

/** One step of a call's routing: who may take it, at what priority, and for how long before the next, wider step. */
export interface RoutingTarget {
  skills: string[];
  priority: number;
  /** Seconds before the call moves to the next target; null on the last. */
  timeoutSeconds: number | null;
}

export interface RoutedCall {
  state: 'waiting' | 'offered' | 'held';
  targets: RoutingTarget[];
  score: number;
  skills: string[];
  target: number;
  agentId: string;
  offers: number;
}

/** Priorities run 0..99; higher first. Within a priority, the earlier place (ms) first. */
export function waitScore(priority: number, queuedAtMs: number): number {
  const bounded = Math.max(0, Math.min(99, Math.round(priority)));
  return (99 - bounded) * 1e13 + queuedAtMs;
}

const RESERVE = `
local function reserve(P, sid, id, now)
  local ck = P..':call:'..sid
  for s in string.gmatch(redis.call('HGET', ck, 'skills') or '', '%S+') do redis.call('ZREM', P..':wait:'..s, sid) end
  local offers = redis.call('HINCRBY', ck, 'offers', 1)
  redis.call('HSET', ck, 'state', 'offered', 'agent', id)
  local ak = P..':agent:'..id
  local a = redis.call('HMGET', ak, 'skills', 'version')
  for s in string.gmatch(a[1] or '', '%S+') do redis.call('ZREM', P..':avail:'..s, id) end
  local version = tonumber(a[2] or '0') + 1
  redis.call('HSET', ak, 'state', 'reserved', 'version', version, 'since', now, 'reason', '', 'call', sid)
  return {sid, id, version, offers}
end
local function bestCall(P, id)
  local best, bestScore = nil, nil
  for s in string.gmatch(redis.call('HGET', P..':agent:'..id, 'skills') or '', '%S+') do
    local top = redis.call('ZRANGE', P..':wait:'..s, 0, 0, 'WITHSCORES')
    if top[1] and (bestScore == nil or tonumber(top[2]) < bestScore) then best = top[1]; bestScore = tonumber(top[2]) end
  end
  return best
end
`;

/** ARGV: prefix, agent, expectedVersion|'', allowedFrom (space-separated)|'*', to, reason, now, skills|'', idle reset|keep, call|'-', expectedCall|''. */
const TRANSITION = `
local P, id, now = ARGV[1], ARGV[2], ARGV[7]
local ak = P..':agent:'..id
local cur = redis.call('HMGET', ak, 'state', 'version', 'skills', 'idle', 'call')
local state = cur[1] or 'offline'
local version = tonumber(cur[2] or '0')
local call = cur[5] or ''
if ARGV[3] ~= '' and tonumber(ARGV[3]) ~= version then return {0, state, version, call} end
if ARGV[11] ~= '' and ARGV[11] ~= call then return {0, state, version, call} end
if ARGV[4] ~= '*' then
  local allowed = false
  for s in string.gmatch(ARGV[4], '%S+') do if s == state then allowed = true end end
  if not allowed then return {0, state, version, call} end
end
local skills = cur[3] or ''
if ARGV[8] ~= '' then
  for s in string.gmatch(skills, '%S+') do redis.call('ZREM', P..':avail:'..s, id) end
  skills = ARGV[8]
end
local to = ARGV[5]
local idle = tonumber(cur[4] or now)
if ARGV[9] == 'reset' then idle = tonumber(now) end
for s in string.gmatch(skills, '%S+') do
  if to == 'available' then redis.call('ZADD', P..':avail:'..s, idle, id) else redis.call('ZREM', P..':avail:'..s, id) end
end
if ARGV[10] ~= '-' then call = ARGV[10] end
version = version + 1
redis.call('HSET', ak, 'state', to, 'version', version, 'since', now, 'reason', ARGV[6], 'skills', skills, 'idle', idle, 'call', call)
redis.call('SADD', P..':agents', id)
return {1, state, version, call}
`;

/** ARGV: prefix, agent, now. The best waiting call for an available agent. */
const MATCH_AGENT = `${RESERVE}
local P, id, now = ARGV[1], ARGV[2], ARGV[3]
if redis.call('HGET', P..':agent:'..id, 'state') ~= 'available' then return nil end
local sid = bestCall(P, id)
if not sid then return nil end
return reserve(P, sid, id, now)
`;

/**
 * ARGV: prefix, call, now. The longest-idle eligible agent for a waiting call; that agent then
 * takes the best call waiting for them, which may be another (higher priority or earlier) one.
 */
const MATCH_CALL = `${RESERVE}
local P, sid, now = ARGV[1], ARGV[2], ARGV[3]
local ck = P..':call:'..sid
local reservations = {}
for round = 1, 20 do
  if redis.call('HGET', ck, 'state') ~= 'waiting' then break end
  local agent, idle = nil, nil
  for s in string.gmatch(redis.call('HGET', ck, 'skills') or '', '%S+') do
    local top = redis.call('ZRANGE', P..':avail:'..s, 0, 0, 'WITHSCORES')
    if top[1] and (idle == nil or tonumber(top[2]) < idle) then agent = top[1]; idle = tonumber(top[2]) end
  end
  if not agent then break end
  table.insert(reservations, reserve(P, bestCall(P, agent), agent, now))
end
return reservations
`;

/** ARGV: prefix, call, score, skills, target, targets (JSON), state (waiting|held). Puts a call in its wait sets unless it is already routed. */
const ENQUEUE = `
local P, sid = ARGV[1], ARGV[2]
local ck = P..':call:'..sid
if redis.call('EXISTS', ck) == 1 then return 0 end
redis.call('HSET', ck, 'state', ARGV[7], 'score', ARGV[3], 'skills', ARGV[4], 'target', ARGV[5], 'agent', '', 'offers', 0, 'targets', ARGV[6])
if ARGV[7] == 'waiting' then
  for s in string.gmatch(ARGV[4], '%S+') do redis.call('ZADD', P..':wait:'..s, ARGV[3], sid) end
end
return 1
`;

/**
 * ARGV: prefix, call, agent, to (waiting|held). A call offered to this agent (or held) goes back
 * to waiting with its original score (its place), or is held out of matching until the caller
 * is back in the Twilio queue.
 */
const REQUEUE = `
local P, sid = ARGV[1], ARGV[2]
local ck = P..':call:'..sid
local c = redis.call('HMGET', ck, 'state', 'agent', 'score', 'skills')
local offeredToAgent = c[1] == 'offered' and c[2] == ARGV[3]
if not offeredToAgent and c[1] ~= 'held' then return 0 end
if ARGV[4] == 'held' then
  redis.call('HSET', ck, 'state', 'held', 'agent', '')
  return 1
end
redis.call('HSET', ck, 'state', 'waiting', 'agent', '')
for s in string.gmatch(c[4] or '', '%S+') do redis.call('ZADD', P..':wait:'..s, c[3], sid) end
return 1
`;

/** ARGV: prefix, call, fromTarget, toTarget, skills, score. Widens a call's eligible skills (escalation). */
const WIDEN = `
local P, sid = ARGV[1], ARGV[2]
local ck = P..':call:'..sid
local c = redis.call('HMGET', ck, 'state', 'target', 'skills')
if not c[1] or c[2] ~= ARGV[3] then return 0 end
if c[1] == 'waiting' then
  for s in string.gmatch(c[3] or '', '%S+') do redis.call('ZREM', P..':wait:'..s, sid) end
  for s in string.gmatch(ARGV[5], '%S+') do redis.call('ZADD', P..':wait:'..s, ARGV[6], sid) end
end
redis.call('HSET', ck, 'skills', ARGV[5], 'target', ARGV[4], 'score', ARGV[6])
return 1
`;

/** ARGV: prefix, call. Removes a call from routing; returns its state and agent. */
const LEAVE = `
local P, sid = ARGV[1], ARGV[2]
local ck = P..':call:'..sid
local c = redis.call('HMGET', ck, 'state', 'agent', 'skills')
if not c[1] then return nil end
for s in string.gmatch(c[3] or '', '%S+') do redis.call('ZREM', P..':wait:'..s, sid) end
redis.call('DEL', ck)
return {c[1], c[2] or ''}
`;

type Reply = Array<string | number>;
interface ScriptRedis {
  agentsTransition(...args: string[]): Promise<Reply>;
  agentsMatchAgent(...args: string[]): Promise<Reply | null>;
  agentsMatchCall(...args: string[]): Promise<Reply[]>;
  agentsEnqueue(...args: string[]): Promise<number>;
  agentsRequeue(...args: string[]): Promise<number>;
  agentsWiden(...args: string[]): Promise<number>;
  agentsLeave(...args: string[]): Promise<Reply | null>;
}

const toReservation = (reply: Reply): Reservation => ({
  callSid: String(reply[0]),
  agentId: String(reply[1]),
  version: Number(reply[2]),
  offers: Number(reply[3]),
});

/** The atomic operations on the routing state. */
export interface RoutingRepository {
  transition(input: {
    agentId: string;
    to: AgentState;
    from?: readonly AgentState[];
    expectedVersion?: number;
    reason?: string;
    now: number;
    skills?: readonly string[];
    resetIdle?: boolean;
    callSid?: string;
    /** Only when the agent's current call is this one. */
    expectedCall?: string;
  }): Promise<{ ok: boolean; from: AgentState; version: number; callSid: string }>;
  matchAgent(agentId: string, now: number): Promise<Reservation | undefined>;
  matchCall(callSid: string, now: number): Promise<Reservation[]>;
  /** A new call joins its first target's wait lists (or is held until its caller is in the Twilio queue); false when already routed. */
  enqueue(callSid: string, score: number, targets: readonly RoutingTarget[], state?: 'waiting' | 'held'): Promise<boolean>;
  /** A call offered to `agentId`, or held, waits again in its original place. */
  requeue(callSid: string, agentId: string): Promise<boolean>;
  /** A call offered to `agentId` is held out of matching until its caller is back in the Twilio queue. */
  hold(callSid: string, agentId: string): Promise<boolean>;
  widen(callSid: string, fromTarget: number, toTarget: number, skills: readonly string[], score: number): Promise<boolean>;
  leave(callSid: string): Promise<{ state: string; agentId: string } | undefined>;
  agent(agentId: string): Promise<AgentSnapshot>;
  agentIds(): Promise<string[]>;
  call(callSid: string): Promise<RoutedCall | undefined>;
  waiting(skill: string): Promise<string[]>;
  available(skill: string): Promise<string[]>;
  incrementMissed(agentId: string): Promise<number>;
  resetMissed(agentId: string): Promise<void>;
  heartbeat(agentId: string, now: number): Promise<void>;
  /** Agents whose last heartbeat is older than `before`. */
  silentSince(before: number): Promise<string[]>;
  forgetHeartbeat(agentId: string): Promise<void>;
}

export function createRoutingRepository(redis: Redis, prefix: string): RoutingRepository {
  const scripts = redis as unknown as ScriptRedis;
  const commands: Record<keyof ScriptRedis, string> = {
    agentsTransition: TRANSITION,
    agentsMatchAgent: MATCH_AGENT,
    agentsMatchCall: MATCH_CALL,
    agentsEnqueue: ENQUEUE,
    agentsRequeue: REQUEUE,
    agentsWiden: WIDEN,
    agentsLeave: LEAVE,
  };
  for (const [name, lua] of Object.entries(commands)) {
    if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: 0, lua });
  }
  const P = prefix;
  const heartbeats = `${P}:heartbeat`;
  return {
    async transition({ agentId, to, from, expectedVersion, reason = '', now, skills, resetIdle = false, callSid, expectedCall }) {
      const reply = await scripts.agentsTransition(
        P,
        agentId,
        expectedVersion === undefined ? '' : String(expectedVersion),
        from ? from.join(' ') : '*',
        to,
        reason,
        String(now),
        skills ? skills.join(' ') : '',
        resetIdle ? 'reset' : 'keep',
        callSid === undefined ? '-' : callSid,
        expectedCall ?? '',
      );
      return { ok: Number(reply[0]) === 1, from: String(reply[1]) as AgentState, version: Number(reply[2]), callSid: String(reply[3]) };
    },
    async matchAgent(agentId, now) {
      const reply = await scripts.agentsMatchAgent(P, agentId, String(now));
      return reply ? toReservation(reply) : undefined;
    },
    async matchCall(callSid, now) {
      return (await scripts.agentsMatchCall(P, callSid, String(now))).map(toReservation);
    },
    enqueue: async (callSid, score, targets, state = 'waiting') =>
      (await scripts.agentsEnqueue(P, callSid, String(score), targets[0]!.skills.join(' '), '0', JSON.stringify(targets), state)) === 1,
    requeue: async (callSid, agentId) => (await scripts.agentsRequeue(P, callSid, agentId, 'waiting')) === 1,
    hold: async (callSid, agentId) => (await scripts.agentsRequeue(P, callSid, agentId, 'held')) === 1,
    widen: async (callSid, fromTarget, toTarget, skills, score) =>
      (await scripts.agentsWiden(P, callSid, String(fromTarget), String(toTarget), skills.join(' '), String(score))) === 1,
    async leave(callSid) {
      const reply = await scripts.agentsLeave(P, callSid);
      return reply ? { state: String(reply[0]), agentId: String(reply[1]) } : undefined;
    },
    async agent(agentId) {
      const h = await redis.hgetall(`${P}:agent:${agentId}`);
      return {
        agentId,
        state: (h.state as AgentState | undefined) ?? 'offline',
        version: Number(h.version ?? 0),
        since: Number(h.since ?? 0),
        reason: h.reason ?? '',
        skills: (h.skills ?? '').split(' ').filter(Boolean),
        idle: Number(h.idle ?? 0),
        callSid: h.call ?? '',
        missed: Number(h.missed ?? 0),
      };
    },
    agentIds: () => redis.smembers(`${P}:agents`),
    async call(callSid) {
      const h = await redis.hgetall(`${P}:call:${callSid}`);
      if (!h.state) return undefined;
      return {
        state: h.state as RoutedCall['state'],
        score: Number(h.score),
        skills: (h.skills ?? '').split(' ').filter(Boolean),
        target: Number(h.target ?? 0),
        agentId: h.agent ?? '',
        offers: Number(h.offers ?? 0),
        targets: JSON.parse(h.targets ?? '[]') as RoutingTarget[],
      };
    },
    waiting: (skill) => redis.zrange(`${P}:wait:${skill}`, '0', '-1'),
    available: (skill) => redis.zrange(`${P}:avail:${skill}`, '0', '-1'),
    incrementMissed: (agentId) => redis.hincrby(`${P}:agent:${agentId}`, 'missed', 1),
    resetMissed: async (agentId) => {
      await redis.hset(`${P}:agent:${agentId}`, 'missed', 0);
    },
    heartbeat: async (agentId, now) => {
      await redis.zadd(heartbeats, now, agentId);
    },
    silentSince: (before) => redis.zrangebyscore(heartbeats, '-inf', `(${before}`),
    forgetHeartbeat: async (agentId) => {
      await redis.zrem(heartbeats, agentId);
    },
  };
}
