import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** How long the event loop waited, and how /healthz answered, while some work ran. */
export interface LoadFigures<T> {
  result: T;
  /** `monitorEventLoopDelay`: the longest and the 99th percentile gap between two ticks of a 5 ms timer, ms (the tick interval counted in). */
  maxDelayMs: number;
  p99DelayMs: number;
  /**
   * The most CPU time this thread ran between two ticks of a timer at the same interval, ms
   * (/proc/thread-self/schedstat): the longest stretch of work that held the event loop. On an
   * idle machine it is the longest gap; on a busy one a gap also holds time spent waiting for a
   * CPU, which the longest gap's figures below show.
   */
  maxRanMs: number;
  /** The longest gap between two ticks: its length, the CPU time the thread ran in it, and the time it waited on the run queue for a CPU (ms). */
  longestGap: { ms: number; ranMs: number; waitedMs: number };
  /** Polls of /healthz: how many, the slowest answer (ms) and how many failed or took over 2 s. */
  healthz: { polls: number; maxMs: number; failures: number };
}

/** The resolution of the delay histogram (ms): each sample is the time between two ticks of a timer at this interval. */
const RESOLUTION_MS = 5;

/** Nanoseconds this thread has run on a CPU and waited on the run queue for one (Linux's schedstat; zeros where it is missing). */
function schedstat(): { runNs: number; waitNs: number } {
  try {
    const [run, wait] = readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ');
    return { runNs: Number(run), waitNs: Number(wait) };
  } catch {
    return { runNs: 0, waitNs: 0 };
  }
}

const ms = (value: number) => Math.round(value * 10) / 10;

/**
 * Runs `work` while `perf_hooks.monitorEventLoopDelay` samples this process's event loop, a
 * timer at the same interval reads how long the thread ran and waited for a CPU in each gap, and
 * `/healthz` of `url` is polled, one request at a time, each bounded by a 2 s timeout.
 */
export async function measureUnderLoad<T>(
  url: string,
  work: () => Promise<T>,
): Promise<LoadFigures<T>> {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  const answers: number[] = [];
  let failures = 0;
  let done = false;
  let longestGap = { ms: 0, ranMs: 0, waitedMs: 0 };
  let maxRanMs = 0;
  let lastTick = performance.now();
  let last = schedstat();
  const ticker = setInterval(() => {
    const now = performance.now();
    const stat = schedstat();
    const gap = {
      ms: now - lastTick,
      ranMs: (stat.runNs - last.runNs) / 1e6,
      waitedMs: (stat.waitNs - last.waitNs) / 1e6,
    };
    maxRanMs = Math.max(maxRanMs, gap.ranMs);
    if (gap.ms > longestGap.ms) longestGap = gap;
    lastTick = now;
    last = stat;
  }, RESOLUTION_MS);
  histogram.enable();
  const poller = (async () => {
    while (!done) {
      const started = performance.now();
      try {
        const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
        await response.text();
        if (response.status !== 200) failures += 1;
      } catch {
        failures += 1;
      }
      answers.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  let result: T;
  try {
    result = await work();
  } finally {
    done = true;
    await poller;
    histogram.disable();
    clearInterval(ticker);
  }
  return {
    result,
    maxDelayMs: ms(histogram.max / 1e6),
    p99DelayMs: ms(histogram.percentile(99) / 1e6),
    maxRanMs: ms(maxRanMs),
    longestGap: {
      ms: ms(longestGap.ms),
      ranMs: ms(longestGap.ranMs),
      waitedMs: ms(longestGap.waitedMs),
    },
    healthz: { polls: answers.length, maxMs: Math.round(Math.max(0, ...answers)), failures },
  };
}
