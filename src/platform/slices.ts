import { createHash } from 'node:crypto';

/**
 * Longest stretch of synchronous work, in ms, that a long request runs before it lets the event
 * loop serve others (webhooks, /healthz). Well under the 50 ms a request may hold the loop, so a
 * slice that overruns (one slow row, a garbage collection) still stays within it.
 */
export const SLICE_MS = 5;

/** Lets timers, I/O and other requests run, then resumes (after the poll phase, unlike a resolved promise). */
export const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A checkpoint for long loops over many items. */
export interface Pacer {
  /** Resolves at once while the current slice has time left; otherwise yields to the event loop first. */
  pace(): Promise<void>;
}

/** A pacer that yields once `budgetMs` of work has run since the last yield. */
export function createPacer(budgetMs = SLICE_MS): Pacer {
  let since = performance.now();
  return {
    async pace() {
      if (performance.now() - since < budgetMs) return;
      await yieldToLoop();
      since = performance.now();
    },
  };
}

/** `items.map(work)`, yielding to the event loop between slices of at most about `budgetMs`. */
export async function mapPaced<T, R>(
  items: readonly T[],
  work: (item: T) => R,
  budgetMs = SLICE_MS,
): Promise<R[]> {
  const pacer = createPacer(budgetMs);
  const results: R[] = [];
  for (const item of items) {
    results.push(work(item));
    await pacer.pace();
  }
  return results;
}

/** `bytes` in pieces of `size` (views, not copies). */
export function* bufferSlices(bytes: Buffer, size = 256 * 1024): Generator<Buffer> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

/** SHA-256 (hex) of a large buffer, hashed 1 MB at a time with a yield between pieces. */
export async function sha256Paced(bytes: Buffer): Promise<string> {
  const hash = createHash('sha256');
  const pacer = createPacer();
  for (const piece of bufferSlices(bytes, 1024 * 1024)) {
    hash.update(piece);
    await pacer.pace();
  }
  return hash.digest('hex');
}
