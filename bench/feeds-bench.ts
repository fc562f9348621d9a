import type { AddressInfo } from 'node:net';
import { createApp } from '../src/app.js';
import { createFixedClock } from '../src/platform/clock.js';
import { loadConfig } from '../src/platform/config.js';
import { createLogger } from '../src/platform/logger.js';
import { createRuntime, type Runtime } from '../src/runtime.js';
import { buildLargeFeed, toCsvFeed } from '../test/reconciliation/feed-generator.js';
import { measureUnderLoad } from '../test/support/event-loop.js';
import { createBenchEnv, round } from './bench-env.js';

const ROWS = 200_000;
const SEED = 20261201;

/**
 * `npm run bench -- feeds`: a 200,000-row CSV feed (22 MB, seeded) posted to a server in this
 * process, then a reconciliation run over its range, each while the event loop's delay is
 * sampled (perf_hooks.monitorEventLoopDelay, 5 ms) and /healthz is polled.
 */
export async function runFeedsBench(): Promise<Record<string, unknown>> {
  const env = await createBenchEnv();
  let runtime: Runtime | undefined;
  let close = () => Promise.resolve();
  try {
    const config = loadConfig({ ...env.env, BOOKING_HORIZON_DAYS: '7' });
    runtime = await createRuntime(config, {
      clock: createFixedClock('2026-11-30T09:00:00+08:00'),
      logger: createLogger('silent'),
    });
    await runtime.booking.capacity.releaseSlots();
    const server = createApp(runtime).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    close = () => new Promise((resolve) => server.close(() => resolve()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { key } = await runtime.booking.apiKeys.create('web', 'bench');
    await runtime.staff.createUser({
      username: 'bench_supervisor',
      role: 'supervisor',
      skills: [],
      password: 'correct horse battery',
    });
    const session = (
      await runtime.staff.login('bench_supervisor', 'correct horse battery', '127.0.0.1')
    ).token;
    const { from, to, csv } = (({ rows, ...range }) => ({
      ...range,
      csv: toCsvFeed({ rows, ...range }),
    }))(buildLargeFeed(runtime.catalogue, { rows: ROWS, seed: SEED }));
    let started = performance.now();
    const feed = await measureUnderLoad(url, () =>
      fetch(`${url}/api/channel-feeds?from=${from}&to=${to}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv' },
        body: new Uint8Array(csv),
      }).then((r) => r.status),
    );
    const feedMs = round(performance.now() - started, 0);
    started = performance.now();
    const run = await measureUnderLoad(url, () =>
      fetch(`${url}/api/reconciliations`, {
        method: 'POST',
        headers: {
          cookie: `sid=${session}`,
          'x-requested-with': 'XMLHttpRequest',
          'content-type': 'application/json',
        },
        body: JSON.stringify({ from, to }),
      }).then((r) => r.status),
    );
    const runMs = round(performance.now() - started, 0);
    const figures = ({ result, ...rest }: Awaited<typeof feed>, ms: number) => ({
      status: result,
      ms,
      ...rest,
    });
    return {
      rows: ROWS,
      megabytes: round(csv.length / 1e6, 1),
      import: figures(feed, feedMs),
      reconciliation: figures(run, runMs),
    };
  } finally {
    await close();
    await runtime?.close();
    await env.drop();
  }
}
