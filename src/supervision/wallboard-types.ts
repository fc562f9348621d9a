import type { AgentState } from '../routing/index.js';
import type { AlertThresholds, WallboardAlert } from './wallboard-alerts.js';

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
  /** The call the agent is on (state on_call), which a supervisor may end (强拆); empty otherwise. */
  callSid: string;
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
