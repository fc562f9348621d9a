import { performance } from 'node:perf_hooks';
import type { EventLoopWindow } from '../src/platform/event-loop.js';
import { BAD_INPUT_PER_SECOND, FEED_ROWS, type BadRequest } from './soak-inputs.js';

/** Milliseconds between the staff pages one supervisor opens. */
const STAFF_EVERY_MS = 200;
/** /healthz is asked again this long after each answer. */
const HEALTHZ_EVERY_MS = 100;

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

/** One answer: its status (0 for a network error) and how long it took. */
export interface Answer {
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

/** Waits `ms` milliseconds. */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The web process the loads run against and their time: they start no request at or after `until`. */
export interface SoakRun {
  url: string;
  started: number;
  until: number;
}

/** A supervisor opening the staff pages one after another. */
export async function openStaffPages(run: SoakRun, cookie: string): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let i = 0; Date.now() < run.until; i += 1) {
    answers.push(
      await timed(`${run.url}${STAFF_PAGES[i % STAFF_PAGES.length]}`, { headers: { cookie } }),
    );
    await sleep(STAFF_EVERY_MS);
  }
  return answers;
}

/** The large feeds, the first 5 s after the start, then one every `feedEvery` seconds. */
export async function postFeeds(
  run: SoakRun,
  feeds: ReadonlyArray<{ body: string; from: string; to: string }>,
  feedEvery: number,
  webKey: string,
): Promise<Array<Answer & { rows: number }>> {
  const answers: Array<Answer & { rows: number }> = [];
  await sleep(5000);
  for (const [i, feed] of feeds.entries()) {
    const due = run.started + 5000 + i * feedEvery * 1000;
    if (due >= run.until) break;
    await sleep(Math.max(0, due - Date.now()));
    const answer = await timed(`${run.url}/api/channel-feeds?from=${feed.from}&to=${feed.to}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${webKey}`, 'content-type': 'text/csv; charset=utf-8' },
      body: feed.body,
    });
    answers.push({ ...answer, rows: FEED_ROWS });
  }
  return answers;
}

/** The generated bad requests at `BAD_INPUT_PER_SECOND`, each sent when due without waiting for the others. */
export async function sendBadRequests(
  run: SoakRun,
  badRequests: readonly BadRequest[],
): Promise<Array<Answer & { request: string }>> {
  const answers: Array<Answer & { request: string }> = [];
  const pending: Array<Promise<void>> = [];
  for (const [i, r] of badRequests.entries()) {
    const due = run.started + (i * 1000) / BAD_INPUT_PER_SECOND;
    if (due >= run.until) break;
    await sleep(Math.max(0, due - Date.now()));
    pending.push(
      timed(`${run.url}${r.path}`, {
        method: r.method,
        headers: r.headers,
        ...(r.body === undefined ? {} : { body: r.body }),
      }).then((a) => void answers.push({ ...a, request: `${r.method} ${r.path} (${r.who})` })),
    );
  }
  await Promise.all(pending);
  return answers;
}

/** /healthz, asked again `HEALTHZ_EVERY_MS` after each answer. */
export async function askHealthz(run: SoakRun): Promise<Answer[]> {
  const answers: Answer[] = [];
  while (Date.now() < run.until) {
    answers.push(await timed(`${run.url}/healthz`, { signal: AbortSignal.timeout(30_000) }));
    await sleep(HEALTHZ_EVERY_MS);
  }
  return answers;
}

/** The event-loop windows the web process's /readyz reported, by their end. */
export interface EventLoopReader {
  windows: Map<string, EventLoopWindow>;
  read(): Promise<void>;
}

/** Reads the event-loop windows from the web process's /readyz (`event-loop`). */
export function createEventLoopReader(url: string): EventLoopReader {
  const windows = new Map<string, EventLoopWindow>();
  return {
    windows,
    async read() {
      const ready = (await (await fetch(`${url}/readyz`)).json()) as {
        checks: Record<string, { figures?: { windows?: EventLoopWindow[] } }>;
      };
      for (const w of ready.checks['event-loop']?.figures?.windows ?? []) windows.set(w.endedAt, w);
    },
  };
}

/** The web process keeps the last 30 windows (5 minutes): read them every 30 s. */
export async function readEventLoopThroughout(
  run: SoakRun,
  reader: EventLoopReader,
): Promise<void> {
  while (Date.now() < run.until) {
    await sleep(Math.min(30_000, Math.max(0, run.until - Date.now())));
    await reader.read();
  }
}
