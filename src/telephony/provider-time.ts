import type { Clock } from '../platform/clock.js';
import type { ProviderTime } from './telephony-types.js';

const aborted = () => Object.assign(new Error('aborted'), { name: 'AbortError' });

/** Waits as long as they say: the provider beside a running service. */
export function realTime(clock: Clock): ProviderTime {
  return {
    instant: false,
    now: () => clock.now(),
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(aborted());
        const timer = setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, ms);
        const onAbort = () => {
          clearTimeout(timer);
          reject(aborted());
        };
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
  };
}

/**
 * Waits that end at once (after the pending I/O of this turn): tests and the in-process `ivr:call`,
 * whose clock stands still unless the script moves it. A Gather's timeout is silence at once, a
 * Dial nobody answers at once is no-answer.
 */
export function instantTime(clock: Clock): ProviderTime {
  return {
    instant: true,
    now: () => clock.now(),
    sleep: (_ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(aborted());
        setImmediate(() => (signal?.aborted ? reject(aborted()) : resolve()));
      }),
  };
}

/** True for the rejection of an aborted wait. */
export const isAbort = (error: unknown) => (error as Error | undefined)?.name === 'AbortError';
