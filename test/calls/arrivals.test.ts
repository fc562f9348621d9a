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
    const hotline = { number: runtime.catalogue.hotlines[0]!.number, hall: 'citizen-centre', department: 'cc-general' };
    const created = await Promise.all(attempts.map((callSid) => runtime.ledger.recordArrival({ callSid, from: '+8613904691234', to: hotline.number, hotline })));
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
    assert.deepEqual(first.map((r) => r.status), ['rejected', 'rejected']);
    assert.equal(await batcher.add(4), 8);
    assert.equal(calls, 2);
  });
});
