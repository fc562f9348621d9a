/** One staffing level under Erlang C. */
export interface ErlangCLevel {
  agents: number;
  /** Offered traffic in Erlangs: arrivals × handling time ÷ interval. */
  traffic: number;
  /** Probability that a caller waits at all (Erlang's C formula). */
  waitProbability: number;
  /** Share answered within the target seconds. */
  serviceLevel: number;
  /** Expected wait in seconds over all callers (ASA). */
  expectedWaitSeconds: number;
  /** Traffic ÷ agents. */
  occupancy: number;
}

/**
 * Erlang's C formula: the probability that a call waits with `agents` agents and `traffic`
 * Erlangs. Computed through the Erlang B recursion (B₀ = 1, Bₖ = a·Bₖ₋₁ ÷ (k + a·Bₖ₋₁)),
 * which never forms aᴺ or N! and so stays exact for hundreds of agents. 1 when agents ≤ traffic.
 */
export function erlangC(agents: number, traffic: number): number {
  if (traffic <= 0) return 0;
  if (agents <= traffic) return 1;
  let b = 1;
  for (let k = 1; k <= agents; k += 1) b = (traffic * b) / (k + traffic * b);
  return (agents * b) / (agents - traffic * (1 - b));
}

/** The service level, expected wait and occupancy of `agents` agents for the given load. */
export function erlangCLevel(input: {
  agents: number;
  callsPerInterval: number;
  handleSeconds: number;
  intervalSeconds: number;
  targetSeconds: number;
}): ErlangCLevel {
  const { agents, handleSeconds, targetSeconds } = input;
  const traffic = (input.callsPerInterval * handleSeconds) / input.intervalSeconds;
  const waitProbability = erlangC(agents, traffic);
  const stable = agents > traffic;
  return {
    agents,
    traffic,
    waitProbability,
    serviceLevel:
      traffic <= 0
        ? 1
        : stable
          ? 1 - waitProbability * Math.exp((-(agents - traffic) * targetSeconds) / handleSeconds)
          : 0,
    expectedWaitSeconds:
      traffic <= 0
        ? 0
        : stable
          ? (waitProbability * handleSeconds) / (agents - traffic)
          : Number.POSITIVE_INFINITY,
    occupancy: agents > 0 ? Math.min(1, traffic / agents) : 0,
  };
}

/**
 * The fewest agents that answer `goal` (0–1) of the calls within `targetSeconds`; 0 agents
 * when no calls are expected.
 */
export function agentsNeeded(input: {
  callsPerInterval: number;
  handleSeconds: number;
  intervalSeconds: number;
  targetSeconds: number;
  goal: number;
}): ErlangCLevel {
  const level = (agents: number) => erlangCLevel({ ...input, agents });
  if (input.callsPerInterval <= 0 || input.handleSeconds <= 0) return level(0);
  let agents = Math.max(
    1,
    Math.floor((input.callsPerInterval * input.handleSeconds) / input.intervalSeconds) + 1,
  );
  for (;;) {
    const result = level(agents);
    if (result.serviceLevel >= input.goal) return result;
    agents += 1;
  }
}
