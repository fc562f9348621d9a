import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { medianRun, percentile } from './bench-env.js';

/** One request of a fixed-rate run, built (and signed) before the clock starts. */
export interface PreparedRequest {
  path: string;
  body: string;
  headers: Record<string, string>;
}

export interface FixedRateResult {
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  non2xx: number;
  /** Answers 500-599: the service failed, as opposed to refusing. */
  status5xx: number;
  errors: number;
}

/**
 * An open-loop load at a fixed rate: request i is due at start + i / rate, whether or not the
 * earlier ones have been answered, and its latency counts from when it was due (so a late
 * send, on the server's account or the generator's, is counted, not hidden). Requests are
 * prepared beforehand, so signing them costs nothing during the run.
 *
 * autocannon's `overallRate` is not this: each connection sends its share of the second's
 * requests back to back when the second starts and then waits, so "200 requests/s" over 20
 * connections arrives as a burst of 20 at a time, and its p99 measures how the burst queues.
 */
export async function fixedRate(options: {
  url: string;
  rate: number;
  seconds: number;
  prepare: (i: number) => PreparedRequest;
}): Promise<FixedRateResult> {
  const count = Math.round(options.rate * options.seconds);
  const prepared = Array.from({ length: count }, (_, i) => options.prepare(i));
  const target = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const latencies: number[] = [];
  let non2xx = 0;
  let status5xx = 0;
  let errors = 0;
  let answered = 0;
  const interval = 1000 / options.rate;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const settle = () => {
      answered += 1;
      if (answered === count) resolve();
    };
    const send = (i: number) => {
      const { path, body, headers } = prepared[i]!;
      const due = started + i * interval;
      const req = request(
        {
          host: target.hostname,
          port: target.port,
          path,
          method: 'POST',
          agent,
          headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.on('data', () => undefined);
          res.on('end', () => {
            latencies.push(performance.now() - due);
            if (!res.statusCode || res.statusCode < 200 || res.statusCode > 299) non2xx += 1;
            if (res.statusCode && res.statusCode >= 500) status5xx += 1;
            settle();
          });
        },
      );
      req.on('error', () => {
        errors += 1;
        settle();
      });
      req.end(body);
    };
    let next = 0;
    const tick = () => {
      // Every request whose time has come goes now, however late the timer fired.
      while (next < count && started + next * interval <= performance.now()) send(next++);
      if (next < count)
        setTimeout(tick, Math.max(0, started + next * interval - performance.now()));
    };
    tick();
  });
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  return {
    requests: latencies.length,
    requestsPerSecond: Math.round((latencies.length / elapsed) * 10) / 10,
    p50Ms: Math.round(percentile(latencies, 50) * 10) / 10,
    p99Ms: Math.round(percentile(latencies, 99) * 10) / 10,
    maxMs: Math.round(Math.max(...latencies) * 10) / 10,
    non2xx,
    status5xx,
    errors,
  };
}

/** The run with the median p99, with every round's p99 beside it. */
const medianByP99 = (runs: readonly FixedRateResult[]) => ({
  ...medianRun(runs, (run) => run.p99Ms),
  roundP99Ms: runs.map((run) => run.p99Ms),
});

/**
 * Latency of the bare route and the app at a fixed rate, in `rounds` rounds that alternate which
 * goes first (as the saturated rounds do). One round of 10 s at 200/s has 2,000 requests, so its
 * p99 is the 20th slowest: a single stall of this shared 2-core machine (another process, the
 * load generator's own GC) that holds up 20 requests moves it. The round with the median p99 is
 * reported for each, and every round's p99 is printed beside it.
 */
export async function latencyRounds(
  run: (server: 'baseline' | 'app') => Promise<FixedRateResult>,
  rounds = 3,
) {
  const results = { baseline: [] as FixedRateResult[], app: [] as FixedRateResult[] };
  for (let i = 0; i < rounds; i += 1) {
    const order: Array<'baseline' | 'app'> =
      i % 2 === 0 ? ['baseline', 'app'] : ['app', 'baseline'];
    for (const server of order) results[server].push(await run(server));
  }
  return { baseline: medianByP99(results.baseline), app: medianByP99(results.app) };
}
