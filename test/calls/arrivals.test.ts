import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/platform/db.js';
import { createMicroBatcher } from '../../src/platform/micro-batch.js';
import type { Runtime } from '../../src/runtime.js';
import { createTestRuntime } from '../support/env.js';
import { buildCallSid } from '../support/twilio.js';

describe('call arrivals (group commit)', () => {
  let runtime: Runtime;
  before(async () => {
    runtime = await createTestRuntime();
  });

  it('when 60 arrivals come at once, 20 of them retries, then 40 records, 40 arrival events, and "created" once per call', async () => {
    const sids = Array.from({ length: 40 }, () => buildCallSid());
    const attempts = [...sids, ...sids.slice(0, 20)];
    const hotline = {
      number: runtime.catalogue.hotlines[0]!.number,
      hall: 'citizen-centre',
      department: 'cc-general',
    };
    const created = await Promise.all(
      attempts.map((callSid) =>
        runtime.ledger.recordArrival({
          callSid,
          from: '+8613904691234',
          to: hotline.number,
          hotline,
        }),
      ),
    );
    assert.equal(created.filter(Boolean).length, 40);
    const [counts] = await queryRows<{ calls: number; events: number }>(
      runtime.database.db,
      sql`select (select count(*)::int from calls where call_sid in ${sids}) as calls,
                 (select count(*)::int from call_events where event = 'arrived' and call_sid in ${sids}) as events`,
    );
    assert.deepEqual(counts, { calls: 40, events: 40 });
  });

  it('when a batch fails, then every waiting caller gets the error, and later batches still run', async () => {
    let calls = 0;
    const batcher = createMicroBatcher(async (items: number[]) => {
      calls += 1;
      if (items.includes(13)) throw new Error('boom');
      return items.map((n) => n * 2);
    });
    const first = await Promise.allSettled([batcher.add(1), batcher.add(13)]);
    assert.deepEqual(
      first.map((r) => r.status),
      ['rejected', 'rejected'],
    );
    assert.equal(await batcher.add(4), 8);
    assert.equal(calls, 2);
  });
});

describe('micro-batcher', () => {
  it('when flush slots are busy, then later items wait and go together; with a free slot an item goes at once', async () => {
    const batches: number[][] = [];
    const gates: Array<() => void> = [];
    const batcher = createMicroBatcher(
      async (items: number[]) => {
        batches.push(items);
        await new Promise<void>((resolve) => gates.push(resolve));
        return items;
      },
      { maxConcurrent: 1 },
    );
    const first = batcher.add(1);
    await new Promise((resolve) => setImmediate(resolve));
    const rest = [batcher.add(2), batcher.add(3), batcher.add(4)];
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(batches, [[1]], 'the others wait while the only slot is busy');
    gates.shift()!();
    assert.equal(await first, 1);
    for (let turn = 0; turn < 10 && batches.length < 2; turn += 1)
      await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(batches, [[1], [2, 3, 4]], 'the freed slot takes the three waiting together');
    gates.shift()!();
    assert.deepEqual(await Promise.all(rest), [2, 3, 4]);
    await batcher.drain();
  });
});
