import type { CallCost, CallKind, StepCost } from './call-cost-types.js';
import type { WireCounter } from './wire-counter.js';

/** Measures the steps of a call on the counting proxies; without them, only runs the steps. */
export interface CallMeter {
  /** Runs one step of the call; with counters, notes what it cost. */
  step<T>(label: string, run: () => Promise<T>): Promise<T>;
  /** Forgets the steps noted so far: a new call begins. */
  reset(): void;
  /** The call's cost: the steps noted since the last reset, and their totals. */
  cost(kind: CallKind, requests: number): CallCost;
}

const emptyCounts = { statements: 0, transactions: 0, log: [] as string[] };

/**
 * A meter on the PostgreSQL and Redis counters (see wire-counter.ts): every step is measured
 * once the traffic it caused has stopped.
 */
export function createCallMeter(
  postgresCounter: WireCounter | undefined,
  redisCounter: WireCounter | undefined,
): CallMeter {
  let steps: StepCost[] = [];
  const counted = (counter: WireCounter | undefined) => counter?.counts() ?? emptyCounts;
  /** Resolves once neither PostgreSQL nor Redis has seen traffic for 100 ms (work a request left running included). */
  const settle = async () => {
    if (!postgresCounter || !redisCounter) return;
    let last = -1;
    for (;;) {
      const now = postgresCounter.counts().statements + redisCounter.counts().statements;
      if (now === last) return;
      last = now;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  return {
    async step(label, run) {
      if (!postgresCounter) return run();
      await settle();
      const pg = counted(postgresCounter);
      const redis = counted(redisCounter);
      const result = await run();
      await settle();
      const pgAfter = counted(postgresCounter);
      steps.push({
        step: label,
        statements: pgAfter.statements - pg.statements,
        transactions: pgAfter.transactions - pg.transactions,
        redisCommands: counted(redisCounter).statements - redis.statements,
        sql: pgAfter.log.slice(pg.log.length),
      });
      return result;
    },
    reset() {
      steps = [];
    },
    cost(kind, requests) {
      const total = (field: 'statements' | 'transactions' | 'redisCommands') =>
        steps.reduce((sum, s) => sum + s[field], 0);
      return {
        kind,
        requests,
        statements: total('statements'),
        transactions: total('transactions'),
        redisCommands: total('redisCommands'),
        steps,
      };
    },
  };
}
