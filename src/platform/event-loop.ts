import { createHistogram, performance, type RecordableHistogram } from 'node:perf_hooks';
import type { CheckResult } from './readiness.js';

/** How often the loop is sampled: a timer this often, its lateness is the delay. */
const SAMPLE_MS = 10;

/** The event-loop delay over one window of time. */
export interface EventLoopWindow {
  /** When the window closed (ISO 8601). */
  endedAt: string;
  p99Ms: number;
  maxMs: number;
}

/** Event-loop delay in windows of time, for `/readyz` (and any reader of it, the soak bench included). */
export interface EventLoopMonitor {
  /** Readiness: always ok (a slow loop is not fixed by taking the instance out), a warning above `warnAboveMs`. */
  check(): CheckResult;
  /** Stops sampling. */
  close(): void;
}

const toMs = (micros: number) => Math.round(micros / 100) / 10;

/**
 * Samples the event loop every 10 ms: how late the timer fires is the delay a request arriving then
 * would have waited before any of its code ran. Kept per window (default 10 s, the last 30), so
 * one slow handler shows in the window it happened in rather than vanishing in a lifetime average.
 * A timer of its own rather than `monitorEventLoopDelay`: resetting that one between windows drops
 * the interval that spans the reset, and a block in it would go unseen.
 */
export function createEventLoopMonitor(
  options: { windowMs?: number; keep?: number; warnAboveMs?: number } = {},
): EventLoopMonitor {
  const windowMs = options.windowMs ?? 10_000;
  const keep = options.keep ?? 30;
  const warnAboveMs = options.warnAboveMs ?? 50;
  const windows: EventLoopWindow[] = [];
  let current: RecordableHistogram = createHistogram();
  let windowStart = performance.now();
  let last = windowStart;
  const sampler = setInterval(() => {
    const now = performance.now();
    // Microseconds, at least 1 (a histogram records positive integers).
    current.record(Math.max(1, Math.round((now - last - SAMPLE_MS) * 1000)));
    last = now;
    if (now - windowStart < windowMs) return;
    windows.push({
      endedAt: new Date().toISOString(),
      p99Ms: toMs(current.percentile(99)),
      maxMs: toMs(current.max),
    });
    if (windows.length > keep) windows.shift();
    current = createHistogram();
    windowStart = now;
  }, SAMPLE_MS);
  sampler.unref();

  return {
    check() {
      const latest = windows.at(-1);
      if (!latest)
        return {
          ok: true,
          detail: 'no complete window yet',
          figures: { windowSeconds: windowMs / 1000, windows: [] },
        };
      const detail = `p99 ${latest.p99Ms} ms, max ${latest.maxMs} ms over the ${windowMs / 1000} s to ${latest.endedAt}`;
      const warnings =
        latest.p99Ms > warnAboveMs
          ? [
              `event-loop delay ${detail}: above ${warnAboveMs} ms, something holds the loop and every request waits behind it`,
            ]
          : [];
      return {
        ok: true,
        detail,
        warnings,
        figures: { windowSeconds: windowMs / 1000, windows: [...windows] },
      };
    },
    close() {
      clearInterval(sampler);
    },
  };
}
