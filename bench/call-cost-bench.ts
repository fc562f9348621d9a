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

const CPU_CALLS = 8;
const COUNTED_CALLS = 2;
const BARE_REQUESTS = 400;

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

/** CPU: the same calls without the proxies, this process's user+system CPU around each call. */
async function timeCalls(
  env: BenchEnv,
): Promise<{ cpu: Record<string, KindCpu>; bareMsPerRequest: number }> {
  const timing = await createCallStage(env, { counting: false });
  const cpu: Record<string, KindCpu> = {};
  let bareMsPerRequest: number;
  try {
    for (let i = 0; i < 50; i += 1) await timing.bare();
    const bareStart = process.cpuUsage();
    for (let i = 0; i < BARE_REQUESTS; i += 1) await timing.bare();
    bareMsPerRequest = cpuMs(process.cpuUsage(bareStart)) / BARE_REQUESTS;
    for (const kind of CALL_KINDS) {
      await timing.prepare(kind);
      const { requests } = await timing.play(kind);
      let used = 0;
      for (let i = 0; i < CPU_CALLS; i += 1) {
        await timing.prepare(kind);
        const start = process.cpuUsage();
        await timing.play(kind);
        used += cpuMs(process.cpuUsage(start));
      }
      cpu[kind] = { msPerCall: used / CPU_CALLS, requestsPerCall: requests };
    }
  } finally {
    await timing.close();
  }
  return { cpu, bareMsPerRequest };
}

/**
 * `npm run bench -- callcost`: complete calls of each kind played through the service's real
 * webhooks (signed as Twilio signs them) on PostgreSQL and Redis, with the jobs they produce
 * run through the worker's processors. Per kind: SQL statements, transactions and Redis
 * commands per call, counted exactly on the wire (wire-counter.ts), and CPU per call against
 * the bare route's CPU for the same number of requests, measured in the same process and run.
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
