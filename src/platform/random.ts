/** A small, seeded PRNG (mulberry32): the same seed gives the same history. */
export function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    between: (min: number, max: number) => min + next() * (max - min),
    exponential: (mean: number) => -Math.log(1 - next()) * mean,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    /** Knuth's method for small means, a rounded normal for large ones. */
    poisson(mean: number): number {
      if (mean > 50)
        return Math.max(
          0,
          Math.round(
            mean +
              Math.sqrt(mean) *
                Math.sqrt(-2 * Math.log(1 - next())) *
                Math.cos(2 * Math.PI * next()),
          ),
        );
      const limit = Math.exp(-mean);
      let k = 0;
      for (let p = next(); p > limit; p *= next()) k += 1;
      return k;
    },
  };
}

export type Random = ReturnType<typeof createRandom>;
