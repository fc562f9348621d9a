import { DateTime } from 'luxon';
import { queueName, type Catalogue } from '../catalogue/index.js';
import { ZONE, type Clock } from '../platform/clock.js';
import type { Database } from '../platform/db.js';
import {
  CALLBACK_MEMBER,
  type AgentCalls,
  type AgentState,
  type CallHolds,
  type RoutingRepository,
} from '../routing/index.js';
import type { Accounts } from '../staff/index.js';
import * as supervisorRepo from './supervision-repository.js';
import {
  cappedSeconds,
  wallboardAlerts,
  type AlertThresholds,
  type WallboardAlert,
} from './wallboard-alerts.js';

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
  /** Calls that joined the queue today (short abandons included). */
  offeredToday: number;
  answeredToday: number;
  /** Abandoned in the queue today, short abandons apart. */
  abandonedToday: number;
  /** Abandoned ÷ (answered + abandoned); null before the first such call today. */
  abandonRate: number | null;
  /** Answered within the target ÷ (answered + abandoned); null before the first such call today. */
  serviceLevel: number | null;
  colour: LevelColour;
  /** Average speed of answer today, seconds; null before the first answered call. */
  asaSeconds: number | null;
  available: number;
  /** Agents signed in (not offline) with this skill. */
  staffed: number;
  /** Staffed, or with calls waiting or taken today: the wallboard lists the others only on demand. */
  active: boolean;
}

/** All queues together. */
export type WallboardTotals = Pick<
  WallboardQueue,
  | 'waiting'
  | 'longestWaitSeconds'
  | 'offeredToday'
  | 'answeredToday'
  | 'abandonedToday'
  | 'abandonRate'
  | 'serviceLevel'
  | 'colour'
  | 'asaSeconds'
> & {
  /** Agents by state: how many are free, on a call, in wrap-up, ... */
  agents: Record<AgentState, number>;
};

export interface WallboardAgent {
  agentId: string;
  displayName: string;
  state: AgentState;
  /** The break's reason, or what moved the agent there, in Chinese; empty when none. */
  reason: string;
  /** Seconds in the state, capped at 12 hours (see `stateCapped`). */
  secondsInState: number;
  /** The time in state was longer than the cap (a state never closed): shown as 「超过 12 时」. */
  stateCapped: boolean;
  /** Wrap-up or break over its alert limit. */
  overLimit: boolean;
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
  thresholds: AlertThresholds;
  totals: WallboardTotals;
  alerts: WallboardAlert[];
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
  /** WALLBOARD_ALERT_* */
  alertThresholds: AlertThresholds;
}

const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

/** The colour of `level` against `goal`. */
export function levelColour(level: number | null, goal: number): LevelColour {
  if (level === null) return 'none';
  if (level >= goal) return 'green';
  return level >= goal - 0.1 ? 'amber' : 'red';
}

/** All queues together: sums, the longest wait, and rates over the sums. */
function totalsOf(
  queues: readonly WallboardQueue[],
  agents: readonly WallboardAgent[],
  goal: number,
  today: ReadonlyMap<string, supervisorRepo.QueueTodayRow>,
): WallboardTotals {
  const sum = (pick: (queue: WallboardQueue) => number) =>
    queues.reduce((total, queue) => total + pick(queue), 0);
  const rows = [...today.values()];
  const answered = sum((q) => q.answeredToday);
  const abandoned = sum((q) => q.abandonedToday);
  const level = ratio(
    rows.reduce((total, row) => total + row.answered_in_target, 0),
    answered + abandoned,
  );
  const byState: Record<AgentState, number> = {
    available: 0,
    reserved: 0,
    on_call: 0,
    wrap_up: 0,
    break: 0,
    offline: 0,
  };
  for (const agent of agents) byState[agent.state] += 1;
  return {
    waiting: sum((q) => q.waiting),
    longestWaitSeconds: Math.max(0, ...queues.map((q) => q.longestWaitSeconds)),
    offeredToday: sum((q) => q.offeredToday),
    answeredToday: answered,
    abandonedToday: abandoned,
    abandonRate: ratio(abandoned, answered + abandoned),
    serviceLevel: level,
    colour: levelColour(level, goal),
    asaSeconds:
      answered > 0
        ? Math.round(rows.reduce((total, row) => total + row.answered_wait_seconds, 0) / answered)
        : null,
    agents: byState,
  };
}

/** What the supervisors' wallboard shows: queues (busiest first), agents, and calls left without an outcome. */
export function createWallboard(deps: WallboardDeps): { read(): Promise<Wallboard> } {
  const { db, store, catalogue, clock, settings } = deps;
  const onHold = async (agent: { agentId: string; state: string; callSid: string }) =>
    agent.state === 'on_call' &&
    Boolean(agent.callSid) &&
    (await deps.holds.heldBy(agent.callSid, agent.agentId));
  return {
    async read() {
      const now = clock.now();
      const start = DateTime.fromJSDate(now, { zone: ZONE }).startOf('day');
      const [from, to] = [start.toJSDate(), start.plus({ days: 1 }).toJSDate()];
      const skills = catalogue.halls.flatMap((hall) => hall.departments.map((d) => d.id));
      const [today, held, staff, agentIds, callsToday, lacking] = await Promise.all([
        supervisorRepo.countQueuesToday(
          db,
          from,
          to,
          settings.serviceLevelSeconds,
          settings.shortAbandonSeconds,
        ),
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
          const waiting = (await store.waiting(skill)).filter(
            (sid) => !sid.startsWith(CALLBACK_MEMBER),
          );
          waitingBySkill.set(skill, [
            ...waiting,
            ...held.filter((call) => call.skills.includes(skill)).map((call) => call.callSid),
          ]);
        }),
      );
      const snapshots = await Promise.all(agentIds.map((id) => store.agent(id)));
      const queuedAt = await supervisorRepo.queuedTimes(db, [
        ...new Set([...waitingBySkill.values()].flat()),
      ]);
      const queues = await Promise.all(
        skills.map(async (skill): Promise<WallboardQueue> => {
          const waiting = waitingBySkill.get(skill) ?? [];
          const oldest = Math.min(
            ...waiting.map((sid) => queuedAt.get(sid)?.getTime() ?? now.getTime()),
          );
          const row = todayBySkill.get(skill);
          const answered = row?.answered ?? 0;
          const abandoned = row?.abandoned ?? 0;
          const level = ratio(row?.answered_in_target ?? 0, answered + abandoned);
          const offered = row?.offered ?? 0;
          const staffed = snapshots.filter(
            (agent) => agent.state !== 'offline' && agent.skills.includes(skill),
          ).length;
          return {
            skill,
            name: queueName(catalogue, skill),
            waiting: waiting.length,
            longestWaitSeconds:
              waiting.length > 0 ? Math.max(0, Math.round((now.getTime() - oldest) / 1000)) : 0,
            offeredToday: offered,
            answeredToday: answered,
            abandonedToday: abandoned,
            abandonRate: ratio(abandoned, answered + abandoned),
            serviceLevel: level,
            colour: levelColour(level, settings.serviceLevelGoal),
            asaSeconds:
              answered > 0 ? Math.round((row?.answered_wait_seconds ?? 0) / answered) : null,
            available: (await store.available(skill)).length,
            staffed,
            active: staffed > 0 || waiting.length > 0 || offered > 0,
          };
        }),
      );
      queues.sort(
        (a, b) =>
          b.waiting - a.waiting ||
          b.longestWaitSeconds - a.longestWaitSeconds ||
          b.answeredToday + b.abandonedToday - (a.answeredToday + a.abandonedToday) ||
          b.available - a.available,
      );
      const names = new Map(staff.map((user) => [user.id, user.displayName || user.id]));
      const holding = await Promise.all(snapshots.map(onHold));
      const agents = snapshots
        .map((agent, i): WallboardAgent => {
          const time = cappedSeconds(
            agent.since ? Math.round((now.getTime() - agent.since) / 1000) : 0,
          );
          const limit =
            agent.state === 'wrap_up'
              ? deps.alertThresholds.wrapUpSeconds
              : agent.state === 'break'
                ? deps.alertThresholds.breakSeconds
                : Infinity;
          return {
            agentId: agent.agentId,
            displayName: names.get(agent.agentId) ?? agent.agentId,
            state: agent.state,
            reason: holding[i]
              ? '保持中'
              : agent.state === 'break' || agent.state === 'offline' || agent.state === 'wrap_up'
                ? (STATE_REASON_LABELS[agent.reason] ?? agent.reason)
                : '',
            secondsInState: time.seconds,
            stateCapped: time.capped,
            overLimit: time.seconds >= limit,
            callsToday: callsToday.get(agent.agentId) ?? 0,
            // agent:<id> is routing's own skill for calls to this agent by name: nobody reads it.
            skills: agent.skills
              .filter((skill) => !skill.startsWith('agent:'))
              .map((skill) => queueName(catalogue, skill)),
            missed: agent.missed,
          };
        })
        .sort((a, b) => a.displayName.localeCompare(b.displayName, 'zh-CN'));
      return {
        at: now.toISOString(),
        serviceLevelSeconds: settings.serviceLevelSeconds,
        serviceLevelGoal: settings.serviceLevelGoal,
        thresholds: deps.alertThresholds,
        totals: totalsOf(
          queues,
          agents,
          settings.serviceLevelGoal,
          new Map(today.map((row) => [row.queue_skill, row])),
        ),
        alerts: wallboardAlerts(queues, agents, deps.alertThresholds, settings.serviceLevelGoal),
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
