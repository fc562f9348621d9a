import { DateTime } from 'luxon';
import { queueName, type Catalogue } from '../catalogue/index.js';
import { ZONE, type Clock } from '../platform/clock.js';
import type { Database } from '../platform/db.js';
import { CALLBACK_MEMBER, type AgentCalls, type AgentState, type CallHolds, type RoutingRepository } from '../routing/index.js';
import type { Accounts } from '../staff/index.js';
import * as supervisorRepo from './supervision-repository.js';

/** Words for the reasons routing writes beside a state, as a supervisor reads them. */
export const STATE_REASON_LABELS: Readonly<Record<string, string>> = {
  'wrap-up-timeout': '整理超时',
  'outcome-recorded': '已登记结果',
  'heartbeat-lost': '工作台掉线',
  'call-max-length': '通话超长',
  'call-ended-while-redis-lost': '系统恢复',
  'offer-released': '来电已转走',
  'missed-offers': '多次未接',
  'missed-offer': '未接来电',
  'callback-unreached': '回电未接通',
  'state-not-logged': '状态未记录',
  'callback-placed-now': '立即回电',
};

/** The colour of a service level against the goal: green at or above it, amber within 10 points, red below. */
export type LevelColour = 'green' | 'amber' | 'red' | 'none';

export interface WallboardQueue {
  skill: string;
  /** 市民服务中心 · 综合受理 */
  name: string;
  /** Callers in the queue, held ones (between dequeue attempts) included. */
  waiting: number;
  longestWaitSeconds: number;
  answeredToday: number;
  abandonedToday: number;
  /** Answered within the target ÷ (answered + abandoned); null before the first such call today. */
  serviceLevel: number | null;
  colour: LevelColour;
  available: number;
}

export interface WallboardAgent {
  agentId: string;
  displayName: string;
  state: AgentState;
  /** The break's reason, or what moved the agent there, in Chinese; empty when none. */
  reason: string;
  secondsInState: number;
  callsToday: number;
  /** Departments by name. */
  skills: string[];
  missed: number;
}

export interface LackingCall {
  callSid: string;
  agentId: string;
  agentName: string;
  queueName: string;
  answeredAt: string;
}

export interface Wallboard {
  at: string;
  serviceLevelSeconds: number;
  serviceLevelGoal: number;
  queues: WallboardQueue[];
  agents: WallboardAgent[];
  lacking: LackingCall[];
}

export interface WallboardDeps {
  /** Staff accounts: agents' display names. */
  staff: Accounts;
  db: Database;
  store: RoutingRepository;
  holds: Pick<CallHolds, 'heldBy'>;
  agentCalls: Pick<AgentCalls, 'lackingOutcome'>;
  catalogue: Catalogue;
  clock: Clock;
  settings: { serviceLevelSeconds: number; shortAbandonSeconds: number; serviceLevelGoal: number };
}

/** The colour of `level` against `goal`. */
export function levelColour(level: number | null, goal: number): LevelColour {
  if (level === null) return 'none';
  if (level >= goal) return 'green';
  return level >= goal - 0.1 ? 'amber' : 'red';
}

/** What the supervisors' wallboard shows: queues (busiest first), agents, and calls left without an outcome. */
export function createWallboard(deps: WallboardDeps): { read(): Promise<Wallboard> } {
  const { db, store, catalogue, clock, settings } = deps;
  const onHold = async (agent: { agentId: string; state: string; callSid: string }) => agent.state === 'on_call' && Boolean(agent.callSid) && (await deps.holds.heldBy(agent.callSid, agent.agentId));
  return {
    async read() {
      const now = clock.now();
      const start = DateTime.fromJSDate(now, { zone: ZONE }).startOf('day');
      const [from, to] = [start.toJSDate(), start.plus({ days: 1 }).toJSDate()];
      const skills = catalogue.halls.flatMap((hall) => hall.departments.map((d) => d.id));
      const [today, held, staff, agentIds, callsToday, lacking] = await Promise.all([
        supervisorRepo.countQueuesToday(db, from, to, settings.serviceLevelSeconds, settings.shortAbandonSeconds),
        store.heldCalls(),
        deps.staff.listAll(),
        store.agentIds(),
        supervisorRepo.countAgentCallsToday(db, from, to),
        deps.agentCalls.lackingOutcome(200),
      ]);
      const todayBySkill = new Map(today.map((row) => [row.queue_skill, row]));
      const waitingBySkill = new Map<string, string[]>();
      await Promise.all(
        skills.map(async (skill) => {
          const waiting = (await store.waiting(skill)).filter((sid) => !sid.startsWith(CALLBACK_MEMBER));
          waitingBySkill.set(skill, [...waiting, ...held.filter((call) => call.skills.includes(skill)).map((call) => call.callSid)]);
        }),
      );
      const queuedAt = await supervisorRepo.queuedTimes(db, [...new Set([...waitingBySkill.values()].flat())]);
      const queues = await Promise.all(
        skills.map(async (skill): Promise<WallboardQueue> => {
          const waiting = waitingBySkill.get(skill) ?? [];
          const oldest = Math.min(...waiting.map((sid) => queuedAt.get(sid)?.getTime() ?? now.getTime()));
          const row = todayBySkill.get(skill);
          const answered = row?.answered ?? 0;
          const abandoned = row?.abandoned ?? 0;
          const level = answered + abandoned > 0 ? (row?.answered_in_target ?? 0) / (answered + abandoned) : null;
          return {
            skill,
            name: queueName(catalogue, skill),
            waiting: waiting.length,
            longestWaitSeconds: waiting.length > 0 ? Math.max(0, Math.round((now.getTime() - oldest) / 1000)) : 0,
            answeredToday: answered,
            abandonedToday: abandoned,
            serviceLevel: level,
            colour: levelColour(level, settings.serviceLevelGoal),
            available: (await store.available(skill)).length,
          };
        }),
      );
      queues.sort((a, b) => b.waiting - a.waiting || b.longestWaitSeconds - a.longestWaitSeconds || b.answeredToday + b.abandonedToday - (a.answeredToday + a.abandonedToday) || b.available - a.available);
      const names = new Map(staff.map((user) => [user.id, user.displayName || user.id]));
      const snapshots = await Promise.all(agentIds.map((id) => store.agent(id)));
      const holding = await Promise.all(snapshots.map(onHold));
      const agents = snapshots
        .map((agent, i): WallboardAgent => ({
          agentId: agent.agentId,
          displayName: names.get(agent.agentId) ?? agent.agentId,
          state: agent.state,
          reason: holding[i] ? '保持中' : agent.state === 'break' || agent.state === 'offline' || agent.state === 'wrap_up' ? (STATE_REASON_LABELS[agent.reason] ?? agent.reason) : '',
          secondsInState: agent.since ? Math.max(0, Math.round((now.getTime() - agent.since) / 1000)) : 0,
          callsToday: callsToday.get(agent.agentId) ?? 0,
          // agent:<id> is routing's own skill for calls to this agent by name: nobody reads it.
          skills: agent.skills.filter((skill) => !skill.startsWith('agent:')).map((skill) => queueName(catalogue, skill)),
          missed: agent.missed,
        }))
        .sort((a, b) => a.displayName.localeCompare(b.displayName, 'zh-CN'));
      return {
        at: now.toISOString(),
        serviceLevelSeconds: settings.serviceLevelSeconds,
        serviceLevelGoal: settings.serviceLevelGoal,
        queues,
        agents,
        lacking: lacking.map((call) => ({
          callSid: call.callSid,
          agentId: call.agentId,
          agentName: names.get(call.agentId) ?? call.agentId,
          queueName: queueName(catalogue, call.skill),
          answeredAt: call.answeredAt.toISOString(),
        })),
      };
    },
  };
}
