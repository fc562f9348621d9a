/**
 * Collects items for at most `maxWaitMs` (or until `maxItems`) and hands them to `flush` in one
 * go; each `add` resolves with its own item's result. Used for group commits on hot webhook
 * paths: many concurrent requests share one database round trip.
 */
export interface MicroBatcher<T, R> {
  add(item: T): Promise<R>;
  /** Flushes what is pending now (e.g. on shutdown). */
  drain(): Promise<void>;
}

export function createMicroBatcher<T, R>(
  flush: (items: T[]) => Promise<R[]>,
  options: { maxItems?: number; maxWaitMs?: number } = {},
): MicroBatcher<T, R> {
  const maxItems = options.maxItems ?? 100;
  const maxWaitMs = options.maxWaitMs ?? 2;
  let pending: Array<{ item: T; resolve: (r: R) => void; reject: (e: unknown) => void }> = [];
  let timer: NodeJS.Timeout | undefined;
  const inFlight = new Set<Promise<void>>();

  function run(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const batch = pending;
    pending = [];
    if (batch.length === 0) return Promise.resolve();
    const done = flush(batch.map((entry) => entry.item)).then(
      (results) => batch.forEach((entry, i) => entry.resolve(results[i]!)),
      (error: unknown) => batch.forEach((entry) => entry.reject(error)),
    );
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
    return done;
  }

  return {
    add(item) {
      return new Promise<R>((resolve, reject) => {
        pending.push({ item, resolve, reject });
        if (pending.length >= maxItems) void run();
        else timer ??= setTimeout(() => void run(), maxWaitMs);
      });
    },
    async drain() {
      await run();
      await Promise.all([...inFlight]);
    },
  };
}
