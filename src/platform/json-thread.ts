import { Worker } from 'node:worker_threads';

/**
 * Runs in the thread: parses the body, answers with the top-level fields (but the list), then
 * with one slice of the list per request, so that the event loop deserialises one small slice
 * at a time. Plain JavaScript (CommonJS), so that it runs whether the service is built or run
 * from TypeScript.
 */
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
let value;
try {
  value = JSON.parse(Buffer.from(workerData.body.buffer, workerData.body.byteOffset, workerData.body.byteLength).toString('utf8').replace(/^\\uFEFF/, ''));
} catch {
  value = undefined;
}
if (value === undefined) {
  parentPort.postMessage({ invalid: true });
  parentPort.close();
} else {
  const object = typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {};
  const list = object[workerData.listKey];
  const fields = { ...object };
  delete fields[workerData.listKey];
  const items = Array.isArray(list) ? list : [];
  parentPort.postMessage({ fields, isList: Array.isArray(list), length: items.length });
  let at = 0;
  parentPort.on('message', () => {
    if (at >= items.length) {
      parentPort.postMessage({ done: true });
      parentPort.close();
      return;
    }
    parentPort.postMessage({ slice: items.slice(at, at + workerData.sliceSize) });
    at += workerData.sliceSize;
  });
}
`;

/** A JSON document parsed in a worker thread: its top-level fields, and its list to read in slices. */
export interface ThreadedJson {
  /** The top-level fields other than the list (empty when the document is not an object). */
  fields: Record<string, unknown>;
  /** Whether the list field holds an array. */
  isList: boolean;
  /** Its length (0 when not an array). */
  length: number;
  /** The list, `sliceSize` items at a time. */
  slices(): AsyncGenerator<unknown[]>;
  /** Ends the thread (also done once the slices are read to the end). */
  close(): Promise<void>;
}

/**
 * Parses a large JSON body off the event loop: JSON.parse has no incremental form, and 25 MB of
 * it holds the loop for about half a second. The thread parses, then hands back the list at
 * `listKey` one slice at a time, each asked for when the previous one is consumed. Undefined when
 * the body is not JSON.
 */
export async function parseJsonInThread(
  body: Buffer,
  listKey: string,
  sliceSize = 1000,
): Promise<ThreadedJson | undefined> {
  const worker = new Worker(THREAD_SOURCE, {
    eval: true,
    execArgv: [],
    workerData: { body, listKey, sliceSize },
  });
  const pending: Array<{
    resolve: (message: Record<string, unknown>) => void;
    reject: (error: Error) => void;
  }> = [];
  let failure: Error | undefined;
  worker.on('message', (message: Record<string, unknown>) => pending.shift()?.resolve(message));
  worker.on('error', (error) => {
    failure = error;
    for (const waiter of pending.splice(0)) waiter.reject(error);
  });
  worker.on('exit', () => {
    failure ??= new Error('the JSON parsing thread ended early');
    for (const waiter of pending.splice(0)) waiter.reject(failure);
  });
  const next = (ask: boolean) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      if (failure) return reject(failure);
      pending.push({ resolve, reject });
      if (ask) worker.postMessage('next');
    });
  const close = async () => {
    await worker.terminate();
  };
  const head = await next(false);
  if (head.invalid) {
    await close();
    return undefined;
  }
  return {
    fields: head.fields as Record<string, unknown>,
    isList: head.isList as boolean,
    length: head.length as number,
    async *slices() {
      try {
        for (;;) {
          const message = await next(true);
          if (message.done) return;
          yield message.slice as unknown[];
        }
      } finally {
        await close();
      }
    },
    close,
  };
}
