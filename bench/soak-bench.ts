import { loadCatalogue } from '../src/catalogue/index.js';
import { loadConfig } from '../src/platform/config.js';
import { createLogger } from '../src/platform/logger.js';
import { createRuntime } from '../src/runtime.js';
import { createBenchEnv } from './bench-env.js';
import { fixedRate } from './fixed-rate.js';
import { PUBLIC_BASE_URL, signedIncoming, startServer } from './incoming-bench.js';
import { BAD_INPUT_PER_SECOND, buildBadRequests, buildLargeFeed } from './soak-inputs.js';
import {
  askHealthz,
  createEventLoopReader,
  openStaffPages,
  postFeeds,
  readEventLoopThroughout,
  sendBadRequests,
  sleep,
  type SoakRun,
} from './soak-loads.js';
import { reportSoak } from './soak-report.js';

const PASSWORD = 'a long bench password';

/**
 * The web process under a mixed load for `seconds` (BENCH_SOAK_SECONDS, default 300): signed
 * incoming-call webhooks at a fixed 200/s, a supervisor opening staff pages, a 200,000-row CSV
 * feed every BENCH_SOAK_FEED_EVERY seconds (default 60, the first after 5 s), 20 generated bad
 * requests a second, and /healthz asked throughout. The event-loop delay is read from the web
 * process's own /readyz (`event-loop`, one p99 and max per 10 s window).
 */
export async function runSoakBench(
  seconds = Number(process.env.BENCH_SOAK_SECONDS ?? 300),
): Promise<Record<string, unknown>> {
  const feedEvery = Number(process.env.BENCH_SOAK_FEED_EVERY ?? 60);
  const env = await createBenchEnv();
  const serverEnv = { ...env.env, STAFF_PASSWORD_HASH_MEMORY_KIB: '1024' };
  const setup = await createRuntime(loadConfig({ ...serverEnv, PUBLIC_BASE_URL }), {
    logger: createLogger('silent'),
  });
  await setup.staff.createUser({
    username: 'bench_supervisor',
    role: 'supervisor',
    skills: [],
    password: PASSWORD,
  });
  const { key: webKey } = await setup.booking.apiKeys.create('web', 'soak bench');
  await setup.close();
  const app = await startServer('app', serverEnv);
  try {
    const login = await fetch(`${app.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-requested-with': 'XMLHttpRequest' },
      body: JSON.stringify({ username: 'bench_supervisor', password: PASSWORD }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    if (login.status !== 200 || !cookie)
      throw new Error(`the bench supervisor could not log in: ${login.status}`);
    const catalogue = loadCatalogue('./catalogue');
    const numbers = catalogue.hotlines.map((h) => h.number);
    const places = catalogue.halls.flatMap((hall) =>
      hall.departments.flatMap((d) => d.services.map((s) => `${hall.id},${s.id}`)),
    );
    const feeds = Array.from(
      { length: Math.max(1, Math.ceil((seconds - 5) / feedEvery)) },
      (_, i) => buildLargeFeed(i, places),
    );
    const badRequests = buildBadRequests(
      seconds * BAD_INPUT_PER_SECOND,
      Number(process.env.BENCH_SEED ?? 20261201),
      webKey,
      cookie,
    );

    const started = Date.now();
    const run: SoakRun = { url: app.url, started, until: started + seconds * 1000 };
    const eventLoop = createEventLoopReader(app.url);

    const webhooks = fixedRate({
      url: app.url,
      rate: 200,
      seconds,
      prepare: () => ({ path: '/twilio/voice/incoming', ...signedIncoming(numbers) }),
    });
    const [webhookResult, staffAnswers, feedAnswers, badAnswers, healthzAnswers] =
      await Promise.all([
        webhooks,
        openStaffPages(run, cookie),
        postFeeds(run, feeds, feedEvery, webKey),
        sendBadRequests(run, badRequests),
        askHealthz(run),
        readEventLoopThroughout(run, eventLoop),
      ]);
    // The window that closes after the load is the last one it shaped.
    await sleep(11_000);
    await eventLoop.read();
    return reportSoak({
      seconds,
      feedEvery,
      started,
      ended: Date.now(),
      windows: eventLoop.windows,
      webhookResult,
      staffAnswers,
      feedAnswers,
      badAnswers,
      healthzAnswers,
    });
  } finally {
    await app.stop();
    await env.drop();
  }
}
