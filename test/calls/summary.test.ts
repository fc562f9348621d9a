import assert from 'node:assert/strict';
import { classifyEnd, type CallRow } from '../../src/calls/index.js';
import { calls } from '../../src/calls/calls-tables.js';
import { createFixedClock } from '../../src/platform/clock.js';
import type { Runtime } from '../../src/runtime.js';
import { createTestRuntime } from '../support/env.js';
import { buildCallSid } from '../support/twilio.js';

const seconds = (from: Date | null, to: Date | null): number | null =>
  from && to ? Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000)) : null;

/** The summary as the rules read in TypeScript: what the one-statement summary must write. */
function expectedSummary(call: CallRow) {
  return {
    endReason: classifyEnd(call),
    ivrSeconds: seconds(call.arrivedAt, call.ivrEndedAt ?? call.queuedAt ?? call.endedAt),
    queueSeconds: call.queuedAt ? seconds(call.queuedAt, call.answeredAt ?? call.endedAt) : null,
    talkSeconds: call.answeredAt ? seconds(call.answeredAt, call.endedAt) : null,
  };
}

const at = (second: number) => new Date(Date.parse('2026-03-02T02:00:00Z') + second * 1000);
const statuses = ['completed', 'busy', 'failed', 'no-answer', 'canceled'];
/** The 128 combinations of the stages and flags classifyEnd reads, with uneven (half-second) times. */
const MIXES = 128;
function stageMix(mask: number) {
  const bit = (n: number) => (mask & (1 << n)) !== 0;
  return {
    stages: {
      arrivedAt: at(0),
      ivrEndedAt: bit(0) ? at(12.5) : null,
      queuedAt: bit(1) ? at(20.4) : null,
      answeredAt: bit(2) ? at(61.5) : null,
      callbackRequested: bit(3),
      selfServed: bit(4),
      endReason: bit(5) ? ('rejected' as const) : null,
    },
    status: bit(6) ? statuses[mask % statuses.length]! : 'completed',
  };
}

describe('the post-call summary', () => {
  let runtime: Runtime;
  const clock = createFixedClock('2026-03-02T03:00:00Z');
  before(async () => {
    runtime = await createTestRuntime({ clock });
  });

  it('when ended calls of every mix of stages are summarized, then each end reason and duration is the one classifyEnd and the stage times give', async () => {
    let checked = 0;
    for (let mask = 0; mask < MIXES; mask += 1) {
      const { stages, status } = stageMix(mask);
      const callSid = buildCallSid();
      await runtime.database.db
        .insert(calls)
        .values({ callSid, ...stages, status, endedAt: at(200.5) });
      const before = await runtime.ledger.find(callSid);
      const summarized = await runtime.ledger.summarize(callSid);
      const stored = await runtime.ledger.find(callSid);
      const expected = expectedSummary(before!);
      for (const row of [summarized, stored]) {
        assert.deepEqual(
          {
            endReason: row?.endReason,
            ivrSeconds: row?.ivrSeconds,
            queueSeconds: row?.queueSeconds,
            talkSeconds: row?.talkSeconds,
          },
          expected,
          `stages ${mask.toString(2)}`,
        );
        assert.equal(row?.summarizedAt?.toISOString(), clock.now().toISOString());
      }
      checked += 1;
    }
    assert.equal(checked, MIXES);
  });

  it('when calls of every mix of stages end by their final status callback, then the callback writes the summary classifyEnd and the stage times give', async () => {
    let checked = 0;
    for (let mask = 0; mask < MIXES; mask += 1) {
      const { stages, status } = stageMix(mask);
      const callSid = buildCallSid();
      await runtime.database.db.insert(calls).values({ callSid, ...stages });
      const before = await runtime.ledger.find(callSid);
      await runtime.ledger.recordStatus(
        {
          CallSid: callSid,
          CallStatus: status as 'completed',
          Timestamp: at(200).toUTCString().replace('GMT', '+0000'),
          From: '+8613904691234',
          To: '+864694226101',
          Direction: 'inbound',
        },
        {},
      );
      const stored = await runtime.ledger.find(callSid);
      assert.equal(stored?.status, status);
      assert.deepEqual(
        {
          endReason: stored?.endReason,
          ivrSeconds: stored?.ivrSeconds,
          queueSeconds: stored?.queueSeconds,
          talkSeconds: stored?.talkSeconds,
        },
        expectedSummary({ ...before!, status, endedAt: at(200) }),
        `stages ${mask.toString(2)}`,
      );
      assert.equal(stored?.summarizedAt?.toISOString(), clock.now().toISOString());
      checked += 1;
    }
    assert.equal(checked, MIXES);
  });

  it('when a call has not ended, then the summary writes nothing and returns the call as it stands', async () => {
    const callSid = buildCallSid();
    await runtime.database.db
      .insert(calls)
      .values({ callSid, arrivedAt: new Date('2026-03-02T02:00:00Z') });
    const call = await runtime.ledger.summarize(callSid);
    assert.equal(call?.callSid, callSid);
    assert.equal(call?.summarizedAt, null);
    assert.equal((await runtime.ledger.find(callSid))?.endReason, null);
  });
});
