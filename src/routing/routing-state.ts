/** An agent's state in routing; an agent Redis has never seen is offline. */
export type AgentState = 'offline' | 'available' | 'reserved' | 'on_call' | 'wrap_up' | 'break';
export const AGENT_STATES: readonly AgentState[] = [
  'offline',
  'available',
  'reserved',
  'on_call',
  'wrap_up',
  'break',
];

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
  /** When this routing of the call began (ms); a transfer starts a new one. */
  epoch: number;
  score: number;
  skills: string[];
  target: number;
  agentId: string;
  offers: number;
}
