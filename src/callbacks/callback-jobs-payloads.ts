declare module '../platform/queues.js' {
  interface JobPayloads {
    /** Periodic: due callbacks of open halls join the wait lists. */
    'callback-admit': Record<string, never>;
    /** Ring the reserved agent for a callback (rate-limited outbound call). */
    'callback-place': { requestId: number; agentId: string; version: number };
  }
}

export {};
