import { createBenchEnv, type BenchEnv } from './bench-env.js';
import { reportCallCosts, type KindCpu } from './call-cost-report.js';
import { createCallStage } from './call-cost-stage.js';
import { CALL_KINDS, type CallCost } from './call-cost-types.js';

export {
  againstTarget,
  ANSWERED_TARGETS,
  groupStatements,
  statementGroup,
} from './call-cost-report.js';
export { createCallStage, type CallStage } from './call-cost-stage.js';
export { CALL_KINDS, type CallCost, type CallKind, type StepCost } from './call-cost-types.js';

const COUNTED_CALLS = 2;
/** CPU: rounds of bare requests and calls of each kind, alternating (see timeCalls). */
const CPU_ROUNDS = 7;
const BARE_REQUESTS_PER_ROUND = 60;
const CALLS_PER_ROUND = 3;

/** Counting: a warm-up call of each kind (connections opened, statements prepared, scripts loaded), then counted calls. */
async function countCalls(env: BenchEnv): Promise<Record<string, CallCost[]>> {
  const counting = await createCallStage(env, { counting: true });
  const counts: Record<string, CallCost[]> = {};
  try {
    for (const kind of CALL_KINDS) {
      await counting.prepare(kind);
      await counting.play(kind);
      counts[kind] = [];
      for (let i = 0; i < COUNTED_CALLS; i += 1) {
        await counting.prepare(kind);
        counts[kind].push(await counting.play(kind));
      }
    }
  } finally {
    await counting.close();
  }
  return counts;
}

/**
 * CPU: the same calls without the proxies, this process's user+system CPU around each call,
 * against the bare route's. Both drift with the machine (its other work, the collector, the
 * JIT), so they are measured in alternating rounds (a block of bare requests, then a few calls
 * of each kind) and each kind's ratio is taken in its round: the median round is reported,
 * with the lowest and highest beside it.
 */
async function timeCalls(
  env: BenchEnv,
): Promise<{ cpu: Record<string, KindCpu>; bareMsPerRequest: number }> {
  const timing = await createCallStage(env, { counting: false });
  const rounds: Array<{ bare: number; kinds: Record<string, { ms: number; requests: number }> }> =
    [];
  try {
    for (let i = 0; i < 50; i += 1) await timing.bare();
    for (const kind of CALL_KINDS) {
      await timing.prepare(kind);
      await timing.play(kind);
    }
    for (let round = 0; round < CPU_ROUNDS; round += 1) {
      const bareStart = process.cpuUsage();
      for (let i = 0; i < BARE_REQUESTS_PER_ROUND; i += 1) await timing.bare();
      const bare = cpuMs(process.cpuUsage(bareStart)) / BARE_REQUESTS_PER_ROUND;
      const kinds: (typeof rounds)[number]['kinds'] = {};
      for (const kind of CALL_KINDS) {
        let used = 0;
        let requests = 0;
        for (let i = 0; i < CALLS_PER_ROUND; i += 1) {
          await timing.prepare(kind);
          const start = process.cpuUsage();
          requests = (await timing.play(kind)).requests;
          used += cpuMs(process.cpuUsage(start));
        }
        kinds[kind] = { ms: used / CALLS_PER_ROUND, requests };
      }
      rounds.push({ bare, kinds });
    }
  } finally {
    await timing.close();
  }
  const cpu: Record<string, KindCpu> = {};
  for (const kind of CALL_KINDS) {
    const byRatio = rounds
      .map((r) => ({ ...r.kinds[kind]!, bare: r.bare }))
      .map((r) => ({ ...r, ratio: r.ms / (r.bare * r.requests) }))
      .sort((a, b) => a.ratio - b.ratio);
    const median = byRatio[Math.floor(byRatio.length / 2)]!;
    cpu[kind] = {
      msPerCall: median.ms,
      requestsPerCall: median.requests,
      bareMsPerRequest: median.bare,
      ratioRange: [byRatio[0]!.ratio, byRatio.at(-1)!.ratio],
    };
  }
  const bares = rounds.map((r) => r.bare).sort((a, b) => a - b);
  return { cpu, bareMsPerRequest: bares[Math.floor(bares.length / 2)]! };
}

/**
 * `npm run bench -- callcost`: complete calls of each kind played through the service's real
 * webhooks (signed as Twilio signs them) on PostgreSQL and Redis, with the jobs they produce
 * run through the worker's processors. Per kind: SQL statements, transactions and Redis
 * commands per call, counted exactly on the wire (wire-counter.ts), and CPU per call against
 * the bare route's CPU for the same number of requests, measured in the same process and run,
 * in alternating rounds (the median round printed, with the range).
 */
export async function runCallCostBench(): Promise<Record<string, unknown>> {
  const env = await createBenchEnv();
  try {
    const counts = await countCalls(env);
    const { cpu, bareMsPerRequest } = await timeCalls(env);
    return reportCallCosts(counts, cpu, bareMsPerRequest);
  } finally {
    await env.drop();
  }
}

const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;
