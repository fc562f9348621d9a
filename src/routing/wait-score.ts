/** A wait score's priority unit: the place (ms since 1970) is the remainder. */
export const WAIT_SCORE_PRIORITY_STEP = 1e13;

/** Priorities run 0..99; higher first. Within a priority, the earlier place (ms) first. */
export function waitScore(priority: number, queuedAtMs: number): number {
  const bounded = Math.max(0, Math.min(99, Math.round(priority)));
  return (99 - bounded) * WAIT_SCORE_PRIORITY_STEP + queuedAtMs;
}
