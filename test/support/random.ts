/**
 * The run's one seeded random sequence: tests that need chance (an operation mix, generated
 * identifiers) draw from it, so that a failure can be replayed with `TEST_SEED=<seed> npm test`.
 * The seed is printed beside every failing test (test/setup.ts).
 */
export const testSeed = Number(process.env.TEST_SEED ?? 20261201) >>> 0;

/** mulberry32: a small, fast generator with a 32-bit state; plenty for test inputs. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A number in [0, 1) from the run's sequence. */
export const random = createRandom(testSeed);

/** An integer in [0, below). */
export const randomInt = (below: number) => Math.floor(random() * below);

/** `bytes` random bytes as hex, from the run's sequence. */
export const randomHex = (bytes: number) =>
  Array.from({ length: bytes }, () => randomInt(256).toString(16).padStart(2, '0')).join('');
