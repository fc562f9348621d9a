import { queueName, type Catalogue } from '../catalogue/index.js';
import type { AgentSnapshot, AgentState } from '../routing/index.js';
import type { QueueTodayRow } from './supervision-repository.js';
import { cappedSeconds, type AlertThresholds } from './wallboard-alerts.js';
import type {
  LevelColour,
  WallboardAgent,
  WallboardQueue,
  WallboardTotals,
} from './wallboard-types.js';

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
  'supervisor-forced': '班长强制',
  'callback-placed-now': '立即回电',
};

/** part ÷ whole, or null when whole is 0 (no such call yet today). */
export const ratio = (part: number, whole: number): number | null =>
  whole > 0 ? part / whole : null;

/** The colour of `level` against `goal`. */
export function levelColour(level: number | null, goal: number): LevelColour {
  if (level === null) return 'none';
  if (level >= goal) return 'green';
  return level >= goal - 0.1 ? 'amber' : 'red';
}

/** All queues together: sums, the longest wait, and rates over the sums. */
export function totalsOf(
  queues: readonly WallboardQueue[],
  agents: readonly WallboardAgent[],
  goal: number,
  today: ReadonlyMap<string, QueueTodayRow>,
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

/** One agent's row: state and reason in Chinese, time in state capped and flagged, skills by queue name. */
export function wallboardAgent(
  agent: AgentSnapshot,
  context: {
    now: Date;
    displayName: string;
    /** The agent holds their caller (保持中). */
    onHold: boolean;
    callsToday: number;
    catalogue: Catalogue;
    thresholds: AlertThresholds;
  },
): WallboardAgent {
  const time = cappedSeconds(
    agent.since ? Math.round((context.now.getTime() - agent.since) / 1000) : 0,
  );
  const limit =
    agent.state === 'wrap_up'
      ? context.thresholds.wrapUpSeconds
      : agent.state === 'break'
        ? context.thresholds.breakSeconds
        : Infinity;
  return {
    agentId: agent.agentId,
    displayName: context.displayName,
    state: agent.state,
    reason: context.onHold
      ? '保持中'
      : agent.state === 'break' || agent.state === 'offline' || agent.state === 'wrap_up'
        ? (STATE_REASON_LABELS[agent.reason] ?? agent.reason)
        : '',
    secondsInState: time.seconds,
    stateCapped: time.capped,
    overLimit: time.seconds >= limit,
    callsToday: context.callsToday,
    // agent:<id> is routing's own skill for calls to this agent by name: nobody reads it.
    skills: agent.skills
      .filter((skill) => !skill.startsWith('agent:'))
      .map((skill) => queueName(context.catalogue, skill)),
    missed: agent.missed,
    callSid: agent.state === 'on_call' ? agent.callSid : '',
  };
}
