import type { Redis } from '../platform/redis.js';
import { WAIT_SCORE_PRIORITY_STEP } from './wait-score.js';
import {
  ENQUEUE,
  LEAVE,
  MATCH_AGENT,
  MATCH_CALL,
  REQUEUE,
  RESTORE_AGENT,
  TRANSITION,
  HOLD_BACK,
  WIDEN,
} from './routing-scripts.js';
import type {
  AgentState,
  Reservation,
  RoutedCall,
  RoutingRepository,
  RoutingTarget,
} from './routing-state.js';

type Reply = Array<string | number>;
interface ScriptRedis {
  agentsTransition(...args: string[]): Promise<Reply>;
  agentsHoldBack(...args: string[]): Promise<number>;
  agentsMatchAgent(...args: string[]): Promise<Reply | null>;
  agentsMatchCall(...args: string[]): Promise<Reply[]>;
  agentsEnqueue(...args: string[]): Promise<number>;
  agentsRequeue(...args: string[]): Promise<number>;
  agentsWiden(...args: string[]): Promise<number>;
  agentsLeave(...args: string[]): Promise<Reply | null>;
  agentsRestore(...args: string[]): Promise<number>;
}

const toReservation = (reply: Reply): Reservation => ({
  callSid: String(reply[0]),
  agentId: String(reply[1]),
  version: Number(reply[2]),
  offers: Number(reply[3]),
});

export type { RoutingRepository } from './routing-state.js';

/**
 * The shared routing state in Redis, changed only by the Lua scripts below so that every
 * decision is atomic across web and worker processes:
 * - `{p}:agent:{id}` hash: state, version, since, reason, skills (space-separated), idle (ms), call, missed,
 *   held (changes whose log rows wait for the agent's next change; see TRANSITION);
 * - `{p}:avail:{skill}` sorted set of available agents, scored by the time they became idle;
 * - `{p}:call:{sid}` hash of a routed call (or `cb:{id}`, a callback): state (waiting|offered|held), score, skills, target, agent, offers;
 * - `{p}:wait:{skill}` sorted set of waiting calls, scored by priority then original place.
 * Keys are built inside the scripts, so this needs one Redis (not a cluster).
 */
export function createRoutingRepository(redis: Redis, prefix: string): RoutingRepository {
  const scripts = redis as unknown as ScriptRedis;
  const commands: Record<keyof ScriptRedis, string> = {
    agentsTransition: TRANSITION,
    agentsHoldBack: HOLD_BACK,
    agentsMatchAgent: MATCH_AGENT,
    agentsMatchCall: MATCH_CALL,
    agentsEnqueue: ENQUEUE,
    agentsRequeue: REQUEUE,
    agentsWiden: WIDEN,
    agentsLeave: LEAVE,
    agentsRestore: RESTORE_AGENT,
  };
  for (const [name, lua] of Object.entries(commands)) {
    if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: 0, lua });
  }
  const P = prefix;
  const heartbeats = `${P}:heartbeat`;
  return {
    async heldCalls() {
      const held: Array<{ callSid: string; skills: string[] }> = [];
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${P}:call:*`, 'COUNT', 500);
        cursor = next;
        for (const key of keys) {
          const callSid = key.slice(P.length + ':call:'.length);
          // Callback requests ride in the same lists as `cb:{id}`.
          if (callSid.startsWith('cb:')) continue;
          const [state, skills] = await redis.hmget(key, 'state', 'skills');
          if (state === 'held')
            held.push({ callSid, skills: (skills ?? '').split(' ').filter(Boolean) });
        }
      } while (cursor !== '0');
      return held;
    },
    async transition({
      agentId,
      to,
      from,
      expectedVersion,
      reason = '',
      now,
      skills,
      resetIdle = false,
      callSid,
      expectedCall,
      held = 'take',
      ended = false,
    }) {
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
        held,
        ended ? 'e' : '',
      );
      return {
        ok: Number(reply[0]) === 1,
        from: String(reply[1]) as AgentState,
        version: Number(reply[2]),
        callSid: String(reply[3]),
        held: String(reply[4] ?? ''),
      };
    },
    holdBack: async (agentId, held) =>
      void (held && (await scripts.agentsHoldBack(P, agentId, held))),
    async matchAgent(agentId, now) {
      const reply = await scripts.agentsMatchAgent(P, agentId, String(now));
      return reply ? toReservation(reply) : undefined;
    },
    async matchCall(callSid, now) {
      return (await scripts.agentsMatchCall(P, callSid, String(now))).map(toReservation);
    },
    enqueue: async (callSid, score, targets, state, epoch, target = 0) =>
      (await scripts.agentsEnqueue(
        P,
        callSid,
        String(score),
        targets[target]!.skills.join(' '),
        String(target),
        JSON.stringify(targets),
        state,
        String(epoch),
      )) === 1,
    restoreAgent: async ({ agentId, state, version, since, reason, skills, idle, callSid }) =>
      (await scripts.agentsRestore(
        P,
        agentId,
        state,
        String(version),
        String(since),
        reason,
        skills.join(' '),
        String(idle),
        callSid,
      )) === 1,
    requeue: async (callSid, agentId) =>
      (await scripts.agentsRequeue(P, callSid, agentId, 'waiting')) === 1,
    hold: async (callSid, agentId) =>
      (await scripts.agentsRequeue(P, callSid, agentId, 'held')) === 1,
    widen: async (callSid, fromTarget, toTarget, skills, score) =>
      (await scripts.agentsWiden(
        P,
        callSid,
        String(fromTarget),
        String(toTarget),
        skills.join(' '),
        String(score),
      )) === 1,
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
        epoch: Number(h.epoch ?? 0),
      };
    },
    waiting: (skill) => redis.zrange(`${P}:wait:${skill}`, '0', '-1'),
    async standing(callSid, skill, now) {
      const flat = await redis.zrange(`${P}:wait:${skill}`, '0', '-1', 'WITHSCORES');
      const members: Array<{ sid: string; queuedAtMs: number }> = [];
      for (let i = 0; i < flat.length; i += 2)
        members.push({ sid: flat[i]!, queuedAtMs: Number(flat[i + 1]) % WAIT_SCORE_PRIORITY_STEP });
      const index = members.findIndex((m) => m.sid === callSid);
      const waits = members
        .filter((m) => !m.sid.startsWith('cb:'))
        .map((m) => Math.max(0, now - m.queuedAtMs) / 1000);
      return {
        position: index < 0 ? 1 : index + 1,
        size: Math.max(members.length, 1),
        averageWaitSeconds:
          waits.length > 0 ? Math.round(waits.reduce((a, b) => a + b, 0) / waits.length) : 0,
      };
    },
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
