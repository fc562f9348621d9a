import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { idCheckCharacter } from '../src/booking/index.js';
import { loadCatalogue } from '../src/catalogue/index.js';
import { loadConfig } from '../src/platform/config.js';
import { createLogger } from '../src/platform/logger.js';
import type { EventLoopWindow } from '../src/platform/event-loop.js';
import { createRuntime } from '../src/runtime.js';
import { createBenchEnv, percentile, round } from './bench-env.js';
import { fixedRate } from './fixed-rate.js';
import { PUBLIC_BASE_URL, signedIncoming, startServer } from './incoming-bench.js';

/** Rows of the large feed: the documented maximum (about 21 MB of CSV). */
const FEED_ROWS = 200_000;
/** Milliseconds between the staff pages one supervisor opens. */
const STAFF_EVERY_MS = 200;
/** Generated bad requests per second. */
const BAD_INPUT_PER_SECOND = 20;
/** /healthz is asked again this long after each answer. */
const HEALTHZ_EVERY_MS = 100;

const PASSWORD = 'a long bench password';
const STAFF_PAGES = [
  '/panel/',
  '/api/supervisor/wallboard',
  '/api/supervisor/agents',
  '/api/supervisor/queues',
  '/api/agents/me',
  '/api/reconciliations',
  '/api/supervisor/staff',
  '/api/supervisor/capacity-limits',
  '/api/bookings/flagged?hall=citizen-centre',
];

interface Answer {
  status: number;
  ms: number;
}

/** One request; a network error counts as status 0. */
async function timed(url: string, init: RequestInit = {}): Promise<Answer> {
  const started = performance.now();
  try {
    const response = await fetch(url, init);
    await response.arrayBuffer();
    return { status: response.status, ms: performance.now() - started };
  } catch {
    return { status: 0, ms: performance.now() - started };
  }
}

const summary = (answers: readonly Answer[]) => ({
  requests: answers.length,
  status5xx: answers.filter((a) => a.status >= 500).length,
  failed: answers.filter((a) => a.status === 0).length,
  p99Ms: round(
    percentile(
      answers.map((a) => a.ms),
      99,
    ),
    1,
  ),
  maxMs: round(Math.max(0, ...answers.map((a) => a.ms)), 1),
});

/** A CSV feed of `FEED_ROWS` valid bookings for the web channel; `variant` changes its bytes, so it is never a duplicate. */
function buildLargeFeed(
  variant: number,
  places: readonly string[],
): { body: string; from: string; to: string } {
  const lines = ['booking_id,hall,service,slot_start,id_number,id_hash,phone,status'];
  for (let i = 0; i < FEED_ROWS; i += 1) {
    const id17 = `23050219${String(60 + (i % 40)).padStart(2, '0')}0101${String(i % 1000).padStart(3, '0')}`;
    const day = String(1 + (i % 28)).padStart(2, '0');
    lines.push(
      `S${variant}-${i},${places[i % places.length]},2027-03-${day}T09:00:00+08:00,${id17}${idCheckCharacter(id17)},,139${String(i).padStart(8, '0')},booked`,
    );
  }
  return { body: `${lines.join('\n')}\n`, from: '2027-03-01', to: '2027-03-28' };
}

/** Seeded generated requests: odd strings in paths, queries, bodies, cookies and webhooks, including the shapes of issue 26. */
function buildBadRequests(
  count: number,
  seed: number,
  webKey: string,
  cookie: string,
): Array<{
  who: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}> {
  const odd = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.constantFrom(
      '',
      '__proto__',
      '\u0000',
      'a\u0000b',
      '\u202e',
      '\u0007',
      '%00',
      '9999-12-31',
      '2026-02-30',
      '-1',
      '1e309',
      '../..',
      '00000000',
    ),
  );
  const routes: Array<[string, string]> = [
    ['POST', '/api/bookings'],
    ['GET', '/api/bookings/:x'],
    ['GET', '/api/slots'],
    ['POST', '/api/holds'],
    ['POST', '/api/auth/login'],
    ['GET', '/api/bookings/flagged'],
    ['GET', '/api/reconciliations/:x'],
    ['GET', '/api/reconciliations/:x/open.csv'],
    ['POST', '/api/channel-feeds'],
    ['GET', '/api/agents/me'],
    ['POST', '/twilio/voice/incoming'],
    ['POST', '/twilio/voice/status'],
  ];
  const request = fc.record({
    route: fc.constantFrom(...routes),
    param: odd,
    query: fc.dictionary(fc.constantFrom('hall', 'from', 'to', 'last4', 'service'), odd, {
      maxKeys: 3,
    }),
    body: fc.oneof(
      fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
      fc
        .record(
          {
            username: odd,
            password: odd,
            name: odd,
            phone: odd,
            idNumber: odd,
            slotId: fc.oneof(fc.integer(), odd),
          },
          { requiredKeys: [] },
        )
        .map((v) => JSON.stringify(v)),
      odd,
    ),
    who: fc.constantFrom('none', 'web', 'staff', 'bad-cookie'),
  });
  return fc.sample(request, { seed, numRuns: count }).map((r) => {
    const path = r.route[1].replace(':x', encodeURIComponent(r.param));
    const query = new URLSearchParams(r.query).toString();
    const headers: Record<string, string> = {
      'content-type': r.route[1].startsWith('/twilio')
        ? 'application/x-www-form-urlencoded'
        : 'application/json',
      'x-requested-with': 'XMLHttpRequest',
    };
    if (r.who === 'web') headers.authorization = `Bearer ${webKey}`;
    if (r.who === 'staff') headers.cookie = cookie;
    // A cookie whose percent-encoding is broken (issue 26, finding 5).
    if (r.who === 'bad-cookie') headers.cookie = 'sid=%E0%A4%A';
    return {
      who: r.who,
      method: r.route[0],
      path: `${path}${query ? `?${query}` : ''}`,
      headers,
      ...(r.route[0] === 'GET' ? {} : { body: r.body }),
    };
  });
}

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
    const until = started + seconds * 1000;
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const windows = new Map<string, EventLoopWindow>();
    const readEventLoop = async () => {
      const ready = (await (await fetch(`${app.url}/readyz`)).json()) as {
        checks: Record<string, { figures?: { windows?: EventLoopWindow[] } }>;
      };
      for (const w of ready.checks['event-loop']?.figures?.windows ?? []) windows.set(w.endedAt, w);
    };

    const webhooks = fixedRate({
      url: app.url,
      rate: 200,
      seconds,
      prepare: () => ({ path: '/twilio/voice/incoming', ...signedIncoming(numbers) }),
    });
    const staff = (async () => {
      const answers: Answer[] = [];
      for (let i = 0; Date.now() < until; i += 1) {
        answers.push(
          await timed(`${app.url}${STAFF_PAGES[i % STAFF_PAGES.length]}`, { headers: { cookie } }),
        );
        await sleep(STAFF_EVERY_MS);
      }
      return answers;
    })();
    const feedRuns = (async () => {
      const answers: Array<Answer & { rows: number }> = [];
      await sleep(5000);
      for (const [i, feed] of feeds.entries()) {
        const due = started + 5000 + i * feedEvery * 1000;
        if (due >= until) break;
        await sleep(Math.max(0, due - Date.now()));
        const answer = await timed(`${app.url}/api/channel-feeds?from=${feed.from}&to=${feed.to}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${webKey}`, 'content-type': 'text/csv; charset=utf-8' },
          body: feed.body,
        });
        answers.push({ ...answer, rows: FEED_ROWS });
      }
      return answers;
    })();
    const badInput = (async () => {
      const answers: Array<Answer & { request: string }> = [];
      const pending: Array<Promise<void>> = [];
      for (const [i, r] of badRequests.entries()) {
        const due = started + (i * 1000) / BAD_INPUT_PER_SECOND;
        if (due >= until) break;
        await sleep(Math.max(0, due - Date.now()));
        pending.push(
          timed(`${app.url}${r.path}`, {
            method: r.method,
            headers: r.headers,
            ...(r.body === undefined ? {} : { body: r.body }),
          }).then((a) => void answers.push({ ...a, request: `${r.method} ${r.path} (${r.who})` })),
        );
      }
      await Promise.all(pending);
      return answers;
    })();
    const healthz = (async () => {
      const answers: Answer[] = [];
      while (Date.now() < until) {
        answers.push(await timed(`${app.url}/healthz`, { signal: AbortSignal.timeout(30_000) }));
        await sleep(HEALTHZ_EVERY_MS);
      }
      return answers;
    })();
    // The web process keeps the last 30 windows (5 minutes): read them every 30 s.
    const eventLoopReads = (async () => {
      while (Date.now() < until) {
        await sleep(Math.min(30_000, Math.max(0, until - Date.now())));
        await readEventLoop();
      }
    })();

    const [webhookResult, staffAnswers, feedAnswers, badAnswers, healthzAnswers] =
      await Promise.all([webhooks, staff, feedRuns, badInput, healthz, eventLoopReads]);
    // The window that closes after the load is the last one it shaped.
    await sleep(11_000);
    await readEventLoop();
    const ended = Date.now();
    const during = [...windows.values()]
      .filter((w) => Date.parse(w.endedAt) > started + 10_000 && Date.parse(w.endedAt) <= ended)
      .sort((a, b) => a.endedAt.localeCompare(b.endedAt));
    const badSummary = summary(badAnswers);
    const status5xx =
      webhookResult.status5xx +
      summary(staffAnswers).status5xx +
      feedAnswers.filter((a) => a.status >= 500).length +
      badSummary.status5xx +
      summary(healthzAnswers).status5xx;
    const health = summary(healthzAnswers);
    const eventLoop = {
      windows: during.length,
      worstWindowP99Ms: Math.max(0, ...during.map((w) => w.p99Ms)),
      medianWindowP99Ms: percentile(
        during.map((w) => w.p99Ms),
        50,
      ),
      maxMs: Math.max(0, ...during.map((w) => w.maxMs)),
      windowsAbove50Ms: during
        .filter((w) => w.p99Ms > 50)
        .map((w) => `${w.endedAt}: p99 ${w.p99Ms} ms, max ${w.maxMs} ms`),
    };
    return {
      scenario: `soak: ${seconds} s of webhooks at 200/s, staff pages, a ${FEED_ROWS}-row feed every ${feedEvery} s, ${BAD_INPUT_PER_SECOND} bad requests/s, /healthz throughout`,
      status5xx,
      eventLoop,
      healthz: { ...health, over1s: healthzAnswers.filter((a) => a.ms > 1000).length },
      webhooks: webhookResult,
      staffPages: summary(staffAnswers),
      feeds: feedAnswers.map((a) => ({
        status: a.status,
        seconds: round(a.ms / 1000, 1),
        rows: a.rows,
      })),
      badInput: {
        ...badSummary,
        byStatus: Object.fromEntries(
          [...new Set(badAnswers.map((a) => a.status))]
            .sort()
            .map((s) => [s, badAnswers.filter((a) => a.status === s).length]),
        ),
        status5xxByCredential: Object.fromEntries(
          ['none', 'web', 'staff', 'bad-cookie'].map((who) => [
            who,
            badAnswers.filter((a) => a.status >= 500 && a.request.endsWith(`(${who})`)).length,
          ]),
        ),
        first5xx: badAnswers
          .filter((a) => a.status >= 500 && !a.request.endsWith('(bad-cookie)'))
          .slice(0, 8)
          .map((a) => `${a.status} ${a.request.slice(0, 140)}`),
      },
      targets:
        'status5xx 0; eventLoop.worstWindowP99Ms <= 50 (each 10 s window, so the whole run too); healthz.maxMs <= 1000',
      pass: {
        no5xx: status5xx === 0,
        eventLoop: eventLoop.worstWindowP99Ms <= 50,
        healthz: health.maxMs <= 1000 && health.failed === 0,
      },
    };
  } finally {
    await app.stop();
    await env.drop();
  }
}
