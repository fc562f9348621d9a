import type { AgentState } from '../routing/index.js';

/** The wallboard's alert thresholds (WALLBOARD_ALERT_*), and the service level goal (REPORT_SERVICE_LEVEL_GOAL). */
export interface AlertThresholds {
  /** A caller waiting this many seconds. */
  waitSeconds: number;
  /** An agent who missed this many offers in a row. */
  missedOffers: number;
  /** An agent in wrap-up this many seconds. */
  wrapUpSeconds: number;
  /** An agent on a break this many seconds. */
  breakSeconds: number;
}

export type AlertKind = 'longest_wait' | 'service_level' | 'missed_offers' | 'wrap_up' | 'break';

/** One condition over its threshold, as the wallboard's alert area shows it. */
export interface WallboardAlert {
  kind: AlertKind;
  /** What it is about: `queue:<skill>` or `agent:<id>`, stable while it lasts (the page keys rows by it). */
  subject: string;
  /** The sentence a supervisor reads: 「综合受理」最长等待 3 分 5 秒（阈值 2 分）. */
  text: string;
}

/**
 * Longest a time in state is shown: beyond it (an agent left in wrap-up over a night, a state the
 * recovery never closed) the wallboard shows 「超过 12 时」 and flags it, not 59,977 hours.
 */
export const STATE_SECONDS_CAP = 12 * 3600;

/** A time in state as the wallboard shows it: capped at {@link STATE_SECONDS_CAP}, and whether it was. */
export function cappedSeconds(seconds: number): { seconds: number; capped: boolean } {
  return seconds > STATE_SECONDS_CAP
    ? { seconds: STATE_SECONDS_CAP, capped: true }
    : { seconds: Math.max(0, seconds), capped: false };
}

/** 185 -> 3 分 5 秒; 7200 -> 2 时 0 分. */
export function spokenDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} 秒`;
  if (s < 3600) return `${Math.floor(s / 60)} 分${s % 60 ? ` ${s % 60} 秒` : ''}`;
  return `${Math.floor(s / 3600)} 时 ${Math.floor((s % 3600) / 60)} 分`;
}

interface QueueFigures {
  skill: string;
  name: string;
  longestWaitSeconds: number;
  serviceLevel: number | null;
}

interface AgentFigures {
  agentId: string;
  displayName: string;
  state: AgentState;
  secondsInState: number;
  stateCapped: boolean;
  missed: number;
}

/** The alerts of one wallboard read: queues first (longest wait, then service level), then agents. */
export function wallboardAlerts(
  queues: readonly QueueFigures[],
  agents: readonly AgentFigures[],
  limits: AlertThresholds,
  goal: number,
): WallboardAlert[] {
  const alerts: WallboardAlert[] = [];
  for (const queue of queues) {
    if (queue.longestWaitSeconds >= limits.waitSeconds) {
      alerts.push({
        kind: 'longest_wait',
        subject: `queue:${queue.skill}`,
        text: `「${queue.name}」最长等待 ${spokenDuration(queue.longestWaitSeconds)}（阈值 ${spokenDuration(limits.waitSeconds)}）`,
      });
    }
  }
  for (const queue of queues) {
    if (queue.serviceLevel !== null && queue.serviceLevel < goal) {
      alerts.push({
        kind: 'service_level',
        subject: `queue:${queue.skill}`,
        text: `「${queue.name}」今日服务水平 ${Math.round(queue.serviceLevel * 100)}%，低于目标 ${Math.round(goal * 100)}%`,
      });
    }
  }
  for (const agent of agents) {
    const time = `${agent.stateCapped ? '超过' : ''} ${spokenDuration(agent.secondsInState)}`;
    if (agent.missed >= limits.missedOffers)
      alerts.push({
        kind: 'missed_offers',
        subject: `agent:${agent.agentId}`,
        text: `${agent.displayName} 连续 ${agent.missed} 次未接来电`,
      });
    if (agent.state === 'wrap_up' && agent.secondsInState >= limits.wrapUpSeconds)
      alerts.push({
        kind: 'wrap_up',
        subject: `agent:${agent.agentId}`,
        text: `${agent.displayName} 话后整理已${time}（上限 ${spokenDuration(limits.wrapUpSeconds)}）`,
      });
    if (agent.state === 'break' && agent.secondsInState >= limits.breakSeconds)
      alerts.push({
        kind: 'break',
        subject: `agent:${agent.agentId}`,
        text: `${agent.displayName} 小休已${time}（上限 ${spokenDuration(limits.breakSeconds)}）`,
      });
  }
  return alerts;
}
