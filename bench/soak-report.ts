import type { EventLoopWindow } from '../src/platform/event-loop.js';
import { percentile, round } from './bench-env.js';
import type { FixedRateResult } from './fixed-rate.js';
import { BAD_INPUT_PER_SECOND, FEED_ROWS } from './soak-inputs.js';
import type { Answer } from './soak-loads.js';

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

/** What the soak's loads saw, and the event-loop windows the web process reported. */
export interface SoakFigures {
  seconds: number;
  feedEvery: number;
  started: number;
  ended: number;
  windows: ReadonlyMap<string, EventLoopWindow>;
  webhookResult: FixedRateResult;
  staffAnswers: readonly Answer[];
  feedAnswers: ReadonlyArray<Answer & { rows: number }>;
  badAnswers: ReadonlyArray<Answer & { request: string }>;
  healthzAnswers: readonly Answer[];
}

/** The soak's result: 5xx answers, the event-loop windows during the load, each load's figures and the targets met. */
export function reportSoak(figures: SoakFigures): Record<string, unknown> {
  const { seconds, feedEvery, started, ended, windows } = figures;
  const { webhookResult, staffAnswers, feedAnswers, badAnswers, healthzAnswers } = figures;
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
}
