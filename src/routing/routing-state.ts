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
    /**
     * What becomes of the agent's held changes (see TRANSITION): taken (default) for this change's
     * statement to write, or this change held with them ('hold', with `ended` when it ends the
     * agent's call), or left as they are ('keep').
     */
    held?: 'take' | 'hold' | 'keep';
    ended?: boolean;
  }): Promise<{
    ok: boolean;
    from: AgentState;
    version: number;
    callSid: string;
    /** The held changes taken (JSON rows, one a line; '' for none). */
    held: string;
  }>;
  /** Held changes taken but not written go back, before any held since. */
  holdBack(agentId: string, held: string): Promise<void>;
  matchAgent(agentId: string, now: number): Promise<Reservation | undefined>;
  matchCall(callSid: string, now: number): Promise<Reservation[]>;
  /**
   * A new call joins the wait lists of its first target (or of `target`, for a call rebuilt after
   * a Redis loss), or is held until its caller is in the Twilio queue; false when already routed.
   */
  enqueue(
    callSid: string,
    score: number,
    targets: readonly RoutingTarget[],
    state: 'waiting' | 'held',
    epoch: number,
    target?: number,
  ): Promise<boolean>;
  /** Puts back an agent Redis lost, as last logged; false when the agent is already there. */
  restoreAgent(agent: Omit<AgentSnapshot, 'missed'>): Promise<boolean>;
  /** A call offered to `agentId`, or held, waits again in its original place. */
  requeue(callSid: string, agentId: string): Promise<boolean>;
  /** A call offered to `agentId` is held out of matching until its caller is back in the Twilio queue. */
  hold(callSid: string, agentId: string): Promise<boolean>;
  widen(
    callSid: string,
    fromTarget: number,
    toTarget: number,
    skills: readonly string[],
    score: number,
  ): Promise<boolean>;
  leave(callSid: string): Promise<{ state: string; agentId: string } | undefined>;
  agent(agentId: string): Promise<AgentSnapshot>;
  agentIds(): Promise<string[]>;
  call(callSid: string): Promise<RoutedCall | undefined>;
  waiting(skill: string): Promise<string[]>;
  /** Where a call stands in the wait list of `skill` at `now` (ms); a call not in it (offered, held) is next. */
  standing(
    callSid: string,
    skill: string,
    now: number,
  ): Promise<{ position: number; size: number; averageWaitSeconds: number }>;
  available(skill: string): Promise<string[]>;
  incrementMissed(agentId: string): Promise<number>;
  resetMissed(agentId: string): Promise<void>;
  heartbeat(agentId: string, now: number): Promise<void>;
  /** Agents whose last heartbeat is older than `before`. */
  silentSince(before: number): Promise<string[]>;
  forgetHeartbeat(agentId: string): Promise<void>;
  /** Calls held out of matching (a caller on hold, a transfer on its way back), with the skills they wait for; callbacks apart. */
  heldCalls(): Promise<Array<{ callSid: string; skills: string[] }>>;
}
