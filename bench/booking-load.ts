import { performance } from 'node:perf_hooks';
import { idCheckCharacter, type Actor } from '../src/booking/index.js';

/** Concurrent bookings on the one slot of the contention run. */
export const CONTENDERS = 200;
/** Bookings of the throughput run, on each side. */
export const THROUGHPUT_BOOKINGS = 2000;
/** Bookings the throughput run makes at once. */
export const THROUGHPUT_CONCURRENCY = 20;

let sequence = 0;
/** A new citizen for each booking: a name, a phone number and a valid ID number. */
export function person() {
  sequence += 1;
  const first17 = `230502${new Date(Date.UTC(1960, 0, 1 + Math.floor(sequence / 1000))).toISOString().slice(0, 10).replace(/-/g, '')}${String(sequence % 1000).padStart(3, '0')}`;
  return {
    name: '压测',
    phone: `+86139${String(10_000_000 + sequence).slice(-8)}`,
    identity: { idNumber: `${first17}${idCheckCharacter(first17)}` },
  };
}

/** The actor every booking of the bench is made as: a web channel. */
export const web: Actor = { channel: 'web', id: 'bench', label: 'channel:bench' };
/** Milliseconds since `from`, to a tenth. */
export const ms = (from: number) => Math.round((performance.now() - from) * 10) / 10;

/** Runs `count` tasks with at most `concurrency` at once. */
export async function pool(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/** A way of making booking i of the throughput run; resolves true when it was booked. */
export interface Booker {
  slots: number;
  book(i: number): Promise<boolean>;
}
