import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import argon2 from 'argon2';
import { Redis } from 'ioredis';
import * as staffRepository from '../src/staff/staff-repository.js';
import { agentSkill } from '../src/routing/index.js';
import { queuedCallOf, type QueuedCall } from '../src/calls/index.js';
import { createFixedClock } from '../src/platform/clock.js';
import { loadConfig } from '../src/platform/config.js';
import { createLogger } from '../src/platform/logger.js';
import { createRuntime, type Runtime } from '../src/runtime.js';
import { createBenchEnv, percentile, round } from './bench-env.js';

const WAITING_CALLS = 500;
const AGENTS = 100;
const SKILLS = [
  'cc-general',
  'cc-enterprise',
  'cc-tax',
  'cc-fund',
  'cc-estate',
  'cc-police',
  'cc-resume',
  'cc-green',
  'ss-pension',
  'ss-card',
];
const BUDGET_P99_MS = 50;

/** A local stand-in for Twilio's REST API that notes when each dequeue request arrives. */
async function startDequeueRecorder(): Promise<{
  url: string;
  arrivals: Map<string, number>;
  close(): Promise<void>;
}> {
  const arrivals = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const member = /\/Members\/([^/.]+)\.json$/.exec(req.url ?? '');
    if (member) arrivals.set(member[1]!, performance.now());
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({ call_sid: member?.[1] ?? '', queue_sid: 'QU', position: 1, wait_time: 0 }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arrivals,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const summary = (samples: number[]) => ({
  n: samples.length,
  p50: round(percentile(samples, 50)),
  p99: round(percentile(samples, 99)),
  max: round(Math.max(...samples)),
});
const callSid = () => `CA${randomBytes(16).toString('hex')}`;

async function queueCall(
  runtime: Runtime,
  skill: string,
  priority: number,
  queuedAt: Date,
  notify: boolean,
): Promise<QueuedCall> {
  const sid = callSid();
  await runtime.ledger.recordArrival({ callSid: sid, from: '+8613904690000', to: '+864694226101' });
  await runtime.ledger.recordQueued(sid, { skill, priority }, queuedAt);
  const queued = queuedCallOf(
    (await runtime.ledger.find(sid))!,
    `QU${randomBytes(16).toString('hex')}`,
  )!;
  if (notify) await runtime.routing.acd.callQueued(queued);
  return queued;
}

/**
 * Routing latency: from an agent becoming free (or a call being queued) to the REST dequeue
 * request reaching a local Twilio stand-in, with 500 calls waiting and 100 agents. Baselines in
 * the same run: a bare Redis ZADD+ZPOPMIN round trip and a bare REST request to the stand-in.
 */
export async function runRoutingBench(): Promise<Record<string, unknown>> {
  const env = await createBenchEnv();
  const recorder = await startDequeueRecorder();
  const config = loadConfig({
    ...env.env,
    TWILIO_API_BASE_URL: recorder.url,
    PUBLIC_BASE_URL: 'https://hotline.example.test',
  });
  const clock = createFixedClock('2026-03-02T02:00:00Z');
  const runtime = await createRuntime(config, { clock, logger: createLogger('silent') });
  const baselineRedis = new Redis(env.redisUrl);
  try {
    const passwordHash = await argon2.hash('bench agent password');
    const agents = Array.from({ length: AGENTS }, (_, i) => `bench_${i}`);
    for (const [i, id] of agents.entries()) {
      await staffRepository.insertStaffUser(runtime.database.db, {
        id,
        role: 'agent',
        passwordHash,
        skills: [SKILLS[i % SKILLS.length]!, SKILLS[(i + 3) % SKILLS.length]!],
        commissionerId: null,
      });
    }
    const start = clock.now().getTime() - 3_600_000;
    for (let i = 0; i < WAITING_CALLS; i += 1)
      await queueCall(
        runtime,
        SKILLS[i % SKILLS.length]!,
        i % 7 === 0 ? 1 : 0,
        new Date(start + i * 1000),
        true,
      );

    // Agents become free one at a time: each takes the best of the 500 waiting calls.
    const agentFree: number[] = [];
    for (const id of agents) {
      clock.advance(10);
      const before = recorder.arrivals.size;
      const t0 = performance.now();
      await runtime.routing.presence.setState(id, 'available');
      const arrival = [...recorder.arrivals.values()][before];
      if (arrival !== undefined) agentFree.push(arrival - t0);
    }

    // Calls queued one at a time with 100 free agents and 400 calls still waiting.
    for (const id of agents) {
      const user = await staffRepository.findStaffUser(runtime.database.db, id);
      await runtime.routing.states.transition({
        agentId: id,
        to: 'available',
        skills: [...user!.skills, agentSkill(id)],
        resetIdle: true,
        callSid: '',
      });
    }
    const callQueued: number[] = [];
    for (let i = 0; i < AGENTS; i += 1) {
      const queued = await queueCall(runtime, SKILLS[i % SKILLS.length]!, 9, clock.now(), false);
      const t0 = performance.now();
      await runtime.routing.acd.callQueued(queued);
      const arrival = recorder.arrivals.get(queued.callSid);
      if (arrival !== undefined) callQueued.push(arrival - t0);
    }

    const redisRoundTrip: number[] = [];
    const key = `${env.redisPrefix}:baseline`;
    for (let i = 0; i < 200; i += 1) {
      const t0 = performance.now();
      await baselineRedis.multi().zadd(key, i, `m${i}`).zpopmin(key).exec();
      redisRoundTrip.push(performance.now() - t0);
    }
    const restRoundTrip: number[] = [];
    for (let i = 0; i < 200; i += 1) {
      const t0 = performance.now();
      await runtime.twilio
        .queues('QU00000000000000000000000000000000')
        .members(callSid())
        .update({ url: 'https://hotline.example.test/x', method: 'POST' });
      restRoundTrip.push(performance.now() - t0);
    }
    const free = summary(agentFree);
    const queued = summary(callQueued);
    return {
      scenario: `${WAITING_CALLS} calls waiting, ${AGENTS} agents; ms from the event to the REST dequeue request`,
      agentBecomesFree: free,
      callQueued: queued,
      baseline: {
        redisZaddZpopmin: summary(redisRoundTrip),
        restRequestToStandIn: summary(restRoundTrip),
      },
      budgetP99Ms: BUDGET_P99_MS,
      withinBudget:
        free.p99 < BUDGET_P99_MS &&
        queued.p99 < BUDGET_P99_MS &&
        free.n === AGENTS &&
        queued.n === AGENTS,
    };
  } finally {
    baselineRedis.disconnect();
    await runtime.close();
    await recorder.close();
    await env.drop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await runRoutingBench(), null, 2));
  process.exit(0);
}
