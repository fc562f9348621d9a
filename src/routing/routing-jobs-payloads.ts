declare module '../platform/queues.js' {
  interface JobPayloads {
    /** A call waited its target's timeout: widen it to the next target. */
    'routing-escalate': { callSid: string; target: number };
    /** Safety net: an offer that got no Twilio callback in time frees the agent and puts the call back. */
    'routing-offer-timeout': { callSid: string; agentId: string; version: number };
    /** The dequeue request failed (caller not in the Twilio queue yet, or Twilio unreachable): put the call back and route it again; `attempt` counts the failures so far. */
    'routing-retry': { callSid: string; agentId: string; attempt?: number };
    /** After-call work ran out. */
    'agent-wrap-up-end': { agentId: string; callSid: string };
    /** Periodic: agents whose panel went silent leave routing; agents on_call past CALL_MAX_MINUTES return to it. */
    'agent-heartbeat-sweep': Record<string, never>;
  }
}

export {};
