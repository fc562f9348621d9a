/** One readiness check: `ok: false` takes the instance out of the load balancer; warnings do not. */
export interface CheckResult {
  ok: boolean;
  detail?: string;
  warnings?: string[];
  /** Measurements behind the answer (e.g. the event-loop delay per window), for people and monitors. */
  figures?: Record<string, unknown>;
}

export type ReadinessCheck = { name: string; check: () => Promise<CheckResult> };

/** Runs every check with a time limit; a check that throws or times out fails. */
export async function runReadiness(
  checks: readonly ReadinessCheck[],
  timeoutMs = 2000,
): Promise<{ ready: boolean; checks: Record<string, CheckResult> }> {
  const results = await Promise.all(
    checks.map(async ({ name, check }) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<CheckResult>((resolve) => {
        timer = setTimeout(
          () => resolve({ ok: false, detail: `no answer within ${timeoutMs} ms` }),
          timeoutMs,
        );
      });
      try {
        const result = await Promise.race([
          check().catch((error: Error) => ({ ok: false, detail: error.message })),
          timeout,
        ]);
        return [name, result] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { ready: results.every(([, r]) => r.ok), checks: Object.fromEntries(results) };
}
