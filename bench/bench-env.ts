import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { Redis } from 'ioredis';
import { loadCatalogue, syncCatalogue } from '../src/catalogue/index.js';
import { createDatabase } from '../src/platform/db.js';

const adminUrl =
  process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A database and Redis prefix of the benchmark's own, removed by `drop()`. */
export interface BenchEnv {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  /** Environment for a child process serving the app on this database. */
  env: Record<string, string>;
  drop(): Promise<void>;
}

export async function createBenchEnv(): Promise<BenchEnv> {
  const id = `${process.pid}_${randomBytes(3).toString('hex')}`;
  const name = `hotline_bench_${id}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const databaseUrl = adminUrl.replace(/\/[^/]*$/, `/${name}`);
  const database = await createDatabase({ url: databaseUrl, pgliteDir: '' });
  await database.migrate();
  await syncCatalogue(database.db, loadCatalogue('./catalogue'));
  await database.close();
  const redisPrefix = `bench-${id}`;
  return {
    databaseUrl,
    redisUrl,
    redisPrefix,
    env: {
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: redisPrefix,
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
      NODE_ENV: 'test',
    },
    async drop() {
      const dropper = postgres(adminUrl, { max: 1, onnotice: () => undefined });
      await dropper.unsafe(`drop database if exists "${name}" with (force)`);
      await dropper.end();
      const redis = new Redis(redisUrl);
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
      redis.disconnect();
    },
  };
}

/** The run whose `figure` is the median of the runs' (the upper one of an even count). */
export function medianRun<T>(runs: readonly T[], figure: (run: T) => number): T {
  return [...runs].sort((a, b) => figure(a) - figure(b))[Math.floor(runs.length / 2)]!;
}

/** p-th percentile (0-100) of a list of numbers. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  ]!;
}

/** Rounds for printing. */
export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Times `task` in milliseconds: the best of `runs`, after one warm-up run unless `warmUp` is false. */
export async function bestOf(
  task: () => Promise<unknown>,
  runs = 3,
  warmUp = true,
): Promise<number> {
  if (warmUp) await task();
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now();
    await task();
    best = Math.min(best, performance.now() - started);
  }
  return round(best, 1);
}

/** user+system CPU milliseconds a process has used so far (Linux /proc). */
function processCpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
      .replace(/^.*\) /, '')
      .split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0; // the process ended between the listing and the read
  }
}
const CLOCK_TICKS = 100;

/**
 * Where a server's time goes while a load runs: CPU milliseconds per request in the server
 * process and in the PostgreSQL backends serving its database, and what those backends were
 * waiting for, sampled every 5 ms from pg_stat_activity (`active` = on CPU in PostgreSQL,
 * `ClientRead` = idle, waiting for the app, `WALWrite`/`WALSync` = commit flushes, ...).
 */
export async function profileLoad<T extends { requests: number }>(
  serverPid: number,
  databaseUrl: string,
  load: () => Promise<T>,
) {
  const database = new URL(databaseUrl).pathname.slice(1);
  const monitor = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  const backends = async () =>
    (
      await monitor<
        Array<{ pid: number }>
      >`select pid from pg_stat_activity where datname = ${database} and pid <> pg_backend_pid()`
    ).map((r) => r.pid);
  const pgCpu = (pids: readonly number[]) => pids.reduce((sum, pid) => sum + processCpuMs(pid), 0);
  const pidsBefore = await backends();
  const before = { app: processCpuMs(serverPid), pg: pgCpu(pidsBefore) };
  const waits = new Map<string, number>();
  let samples = 0;
  let running = true;
  const sampler = (async () => {
    while (running) {
      const rows = await monitor<Array<{ wait: string }>>`
        select case when state = 'active' and wait_event is null then 'on CPU (active)'
                    when state like 'idle%' then 'idle: ' || coalesce(wait_event, '-')
                    else coalesce(wait_event_type, '') || ':' || coalesce(wait_event, '') end as wait
        from pg_stat_activity where datname = ${database} and backend_type = 'client backend'`;
      for (const row of rows) waits.set(row.wait, (waits.get(row.wait) ?? 0) + 1);
      samples += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  const result = await load();
  running = false;
  await sampler;
  const pids = [...new Set([...pidsBefore, ...(await backends())])];
  await monitor.end();
  const perRequest = (ms: number) => round(ms / Math.max(result.requests, 1), 3);
  const total = [...waits.values()].reduce((a, b) => a + b, 0) || 1;
  return {
    result,
    appCpuMsPerRequest: perRequest(processCpuMs(serverPid) - before.app),
    postgresCpuMsPerRequest: perRequest(pgCpu(pids) - before.pg),
    postgresBackendWaits: Object.fromEntries(
      [...waits]
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => [k, `${round((100 * v) / total, 1)}%`]),
    ),
    postgresSamples: samples,
  };
}
