import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { loadCatalogue } from '../src/catalogue/index.js';
import { DEV_AUTH_TOKEN } from '../src/platform/config.js';
import { signTwilioRequest } from '../src/platform/twilio-webhook.js';
import { createBenchEnv, medianRun, profileLoad, round } from './bench-env.js';
import { fixedRate, latencyRounds } from './fixed-rate.js';

export const PUBLIC_BASE_URL = 'https://hotline.example.test';
/** The service's clock in the benchmarks (a Wednesday morning, the halls open) unless BENCH_AT says otherwise. */
export const WORKING_HOURS = '2026-12-02T10:00:00+08:00';

/** Starts the baseline or the app in a child process (see webhook-server.mjs; the app from dist/, built by `npm run bench`) on the benchmark's database. */
export async function startServer(
  mode: 'baseline' | 'app',
  env: Record<string, string>,
): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []),
      '--enable-source-maps',
      'bench/webhook-server.mjs',
      mode,
    ],
    {
      env: { BENCH_AT: WORKING_HOURS, ...process.env, ...env, PUBLIC_BASE_URL },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  // Stopped and gone before the benchmark drops its database: dropping it would cut the server's connections mid-write.
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    const readPort = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /PORT (\d+)/.exec(output);
      if (!match) return;
      resolve(Number(match[1]));
      // The rest (the service's log lines with BENCH_LOG_LEVEL) is read and let go, as a log collector would.
      child.stdout!.off('data', readPort).resume();
    };
    child.stdout!.on('data', readPort);
    child.on('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A signed incoming-call body with a fresh CallSid, for one of the 27 numbers. */
export function signedIncoming(numbers: readonly string[]): {
  body: string;
  headers: Record<string, string>;
} {
  const to = numbers[Math.floor(Math.random() * numbers.length)]!;
  const params = {
    AccountSid: 'AC00000000000000000000000000000000',
    CallSid: `CA${randomBytes(16).toString('hex')}`,
    CallStatus: 'ringing',
    Direction: 'inbound',
    From: `+86139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`,
    To: to,
  };
  return {
    body: new URLSearchParams(params).toString(),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': signTwilioRequest(
        DEV_AUTH_TOKEN,
        `${PUBLIC_BASE_URL}/twilio/voice/incoming`,
        params,
      ),
    },
  };
}

async function loadIncoming(
  url: string,
  numbers: readonly string[],
  options: { connections: number; duration: number },
) {
  const result = await autocannon({
    url: `${url}/twilio/voice/incoming`,
    method: 'POST',
    connections: options.connections,
    duration: options.duration,
    requests: [{ setupRequest: (request) => ({ ...request, ...signedIncoming(numbers) }) }],
  });
  return {
    requests: result.requests.total,
    requestsPerSecond: round(result.requests.average, 1),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/** Saturated load on each server before anything is measured. */
export const WARM_UP_SECONDS = 10;
/** Saturated rounds per server (of `seconds` each). */
const SATURATED_ROUNDS = 5;
/** Each latency round at a fixed rate (see latencyRounds). */
export const LATENCY_SECONDS = 10;

/** The run with the median requests/s, with every round's figure beside it. */
const medianThroughput = <T extends { requestsPerSecond: number }>(runs: readonly T[]) => ({
  ...medianRun(runs, (run) => run.requestsPerSecond),
  rounds: runs.map((run) => run.requestsPerSecond),
});

/**
 * Signed `incoming` webhooks against the service vs a bare Express route returning fixed TwiML,
 * in the same run: saturated throughput (ratio) and latency at a fixed 200 requests/s.
 */
export async function runIncomingBench(seconds = 6): Promise<Record<string, unknown>> {
  const env = await createBenchEnv();
  const numbers = loadCatalogue('./catalogue').hotlines.map((h) => h.number);
  const baseline = await startServer('baseline', env.env);
  const app = await startServer('app', env.env);
  try {
    // Warm-up under the full load: the app reaches its steady rate only after some 8 s of it
    // (2,700 requests/s in its first 4 s, 3,200-3,400 after, measured), the bare route at once.
    for (const server of [app, baseline])
      await loadIncoming(server.url, numbers, { connections: 50, duration: WARM_UP_SECONDS });
    // Saturated, in rounds that alternate which server goes first (bare, app; app, bare; ...):
    // this machine's speed drifts by a fifth from one run to the next, and a drift then weighs
    // on both alike. The medians of the rounds are compared.
    const baselineRuns: Array<Awaited<ReturnType<typeof loadIncoming>>> = [];
    const appRuns: Array<Awaited<ReturnType<typeof loadIncoming>>> = [];
    for (let i = 0; i < SATURATED_ROUNDS; i += 1) {
      const pair = [
        async () =>
          baselineRuns.push(
            await loadIncoming(baseline.url, numbers, { connections: 50, duration: seconds }),
          ),
        async () =>
          appRuns.push(
            await loadIncoming(app.url, numbers, { connections: 50, duration: seconds }),
          ),
      ];
      for (const run of i % 2 === 0 ? pair : pair.reverse()) await run();
    }
    const baselineMax = medianThroughput(baselineRuns);
    const appMax = medianThroughput(appRuns);
    // At 200 requests/s: open loop, a request every 5 ms, latency counted from when it was due (see fixed-rate.ts).
    const servers = { baseline, app };
    const { baseline: baselineAt200, app: appAt200 } = await latencyRounds((server) =>
      fixedRate({
        url: servers[server].url,
        rate: 200,
        seconds: LATENCY_SECONDS,
        prepare: () => ({ path: '/twilio/voice/incoming', ...signedIncoming(numbers) }),
      }),
    );
    // A separate run for the profile, so that sampling PostgreSQL does not weigh on the ratios.
    const profile = await profileLoad(app.pid, env.databaseUrl, () =>
      loadIncoming(app.url, numbers, { connections: 50, duration: 5 }),
    );
    const baselineProfile = await profileLoad(baseline.pid, env.databaseUrl, () =>
      loadIncoming(baseline.url, numbers, { connections: 50, duration: 5 }),
    );
    return {
      scenario: 'incoming webhook (signed, ledger insert, Mandarin menu TwiML)',
      baselineMax,
      appMax,
      throughputRatio: round(appMax.requestsPerSecond / baselineMax.requestsPerSecond, 3),
      roundRatios: appRuns.map((run, i) =>
        round(run.requestsPerSecond / baselineRuns[i]!.requestsPerSecond, 3),
      ),
      baselineAt200,
      appAt200,
      p99RatioAt200: round(appAt200.p99Ms / Math.max(baselineAt200.p99Ms, 1), 2),
      targets: 'throughputRatio >= 0.5; appAt200.p99Ms < 20 (or p99RatioAt200 <= 1.2)',
      whereTimeGoes: {
        ...profile,
        result: undefined,
        requestsPerSecond: profile.result.requestsPerSecond,
        baselineCpuMsPerRequest: baselineProfile.appCpuMsPerRequest,
        cpuRatio: round(profile.appCpuMsPerRequest / baselineProfile.appCpuMsPerRequest, 2),
      },
    };
  } finally {
    await Promise.all([baseline.stop(), app.stop()]);
    await env.drop();
  }
}
