/**
 * Group commit for hot paths: an item is flushed at once when a flush slot is free; items that
 * arrive while every slot is busy wait and go together in the next flush. At low load nothing
 * waits; under load many concurrent requests share one round trip. Each `add` resolves with
 * its own item's result.
 */
export interface MicroBatcher<T, R> {
  add(item: T): Promise<R>;
  /** Resolves when everything added so far has been flushed (e.g. on shutdown). */
  drain(): Promise<void>;
}

export function createMicroBatcher<T, R>(
  flush: (items: T[]) => Promise<R[]>,
  options: { maxItems?: number; maxConcurrent?: number } = {},
): MicroBatcher<T, R> {
  const maxItems = options.maxItems ?? 200;
  const maxConcurrent = options.maxConcurrent ?? 4;
  let pending: Array<{ item: T; resolve: (r: R) => void; reject: (e: unknown) => void }> = [];
  let scheduled = false;
  const inFlight = new Set<Promise<void>>();

  function schedule(): void {
    if (scheduled || inFlight.size >= maxConcurrent || pending.length === 0) return;
    scheduled = true;
    // Items added in the same turn of the event loop go together.
    setImmediate(run);
  }

  function run(): void {
    scheduled = false;
    if (pending.length === 0) return;
    const batch = pending.slice(0, maxItems);
    pending = pending.slice(batch.length);
    const done = flush(batch.map((entry) => entry.item)).then(
      (results) => batch.forEach((entry, i) => entry.resolve(results[i]!)),
      (error: unknown) => batch.forEach((entry) => entry.reject(error)),
    );
    inFlight.add(done);
    void done.finally(() => {
      inFlight.delete(done);
      schedule();
    });
    schedule();
  }

  return {
    add(item) {
      return new Promise<R>((resolve, reject) => {
        pending.push({ item, resolve, reject });
        schedule();
      });
    },
    async drain() {
      while (pending.length > 0 || inFlight.size > 0) {
        schedule();
        await Promise.all([...inFlight]);
        if (inFlight.size === 0 && pending.length > 0)
          await new Promise((resolve) => setImmediate(resolve));
      }
    },
  };
}
