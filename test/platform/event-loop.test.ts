import assert from 'node:assert/strict';
import { createEventLoopMonitor, type EventLoopWindow } from '../../src/platform/event-loop.js';
import { createTestRuntime, startTestServer } from '../support/env.js';
import { eventually } from '../support/poll.js';

/** Holds the event loop for `ms`, as a synchronous handler would. */
function holdLoop(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until);
}

const windowsOf = (figures: Record<string, unknown> | undefined) =>
  (figures?.windows ?? []) as EventLoopWindow[];

describe('event-loop delay', () => {
  it('when a handler holds the loop for 150 ms, then the window it fell in shows it and the check warns; a quiet window does not', async () => {
    const monitor = createEventLoopMonitor({ windowMs: 300 });
    try {
      const quiet = await eventually(
        async () => windowsOf(monitor.check().figures)[0],
        'a first window',
      );
      assert.ok(quiet.maxMs < 100, `a quiet window: ${JSON.stringify(quiet)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      holdLoop(150);
      const slow = await eventually(
        async () => windowsOf(monitor.check().figures).find((w) => w.maxMs >= 100),
        'the window with the 150 ms hold',
      );
      assert.ok(slow.maxMs >= 130 && slow.maxMs < 1000, JSON.stringify(slow));
      const check = await eventually(async () => {
        const result = monitor.check();
        return result.warnings?.length ? result : undefined;
      }, 'a warning while the last window has the hold');
      assert.equal(check.ok, true, 'a slow loop does not take the instance out');
      assert.match(check.warnings![0]!, /event-loop delay p99 \d+(\.\d)? ms/);
    } finally {
      monitor.close();
    }
  });

  it('when /readyz is read, then it carries the event-loop windows', async function () {
    this.timeout(30_000);
    const runtime = await createTestRuntime();
    const server = await startTestServer(runtime);
    try {
      const body = (await (await fetch(`${server.url}/readyz`)).json()) as {
        checks: Record<string, { ok: boolean; figures?: Record<string, unknown> }>;
      };
      assert.equal(body.checks['event-loop']?.ok, true);
      assert.equal(body.checks['event-loop']?.figures?.windowSeconds, 10);
      assert.ok(Array.isArray(body.checks['event-loop']?.figures?.windows));
    } finally {
      await server.close();
    }
  });
});
