import assert from 'node:assert/strict';
import { startJobs } from '../../src/jobs.js';
import type { Runtime } from '../../src/runtime.js';
import { createFixedClock } from '../../src/platform/clock.js';
import { createTestRuntime, startTestServer } from '../support/env.js';
import {
  buildCallSid,
  buildIncomingParams,
  buildStatusParams as statusParams,
  postSigned,
} from '../support/twilio.js';

async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('POST /twilio/voice/status', () => {
  let runtime: Runtime;
  let url: string;
  const clock = createFixedClock('2026-03-02T01:00:00Z');

  before(async () => {
    runtime = await createTestRuntime({ clock });
    url = (await startTestServer(runtime)).url;
  });

  it('when callbacks arrive duplicated and out of order, then one call record with the final status, times and duration', async () => {
    const incoming = buildIncomingParams();
    const sid = incoming.CallSid!;
    await postSigned(url, '/twilio/voice/incoming', incoming);
    const events = [
      statusParams(sid, 'completed', 3, '2026-03-02T01:05:00Z', { CallDuration: '300' }),
      statusParams(sid, 'ringing', 1, '2026-03-02T01:00:00Z'),
      statusParams(sid, 'completed', 3, '2026-03-02T01:05:00Z', { CallDuration: '300' }),
      statusParams(sid, 'in-progress', 2, '2026-03-02T01:00:01Z'),
      statusParams(sid, 'ringing', 1, '2026-03-02T01:00:00Z'),
    ];
    for (const event of events)
      assert.equal((await postSigned(url, '/twilio/voice/status', event)).status, 204);
    const call = await runtime.ledger.find(sid);
    assert.equal(call?.status, 'completed');
    assert.equal(call?.lastSequenceNumber, 3);
    assert.equal(call?.durationSeconds, 300);
    assert.equal(call?.endedAt?.toISOString(), '2026-03-02T01:05:00.000Z');
    const stored = await runtime.ledger.events(sid);
    assert.deepEqual(
      stored.filter((e) => e.source === 'status').map((e) => e.sequenceNumber),
      [3, 1, 2],
      'each distinct event stored once, in arrival order',
    );
  });

  it('when the same callbacks arrive concurrently, then each is stored once', async () => {
    const sid = buildCallSid();
    const burst = Array.from({ length: 10 }, (_, i) =>
      statusParams(sid, i % 2 ? 'completed' : 'in-progress', i % 2 ? 2 : 1, '2026-03-02T01:10:00Z'),
    );
    const results = await Promise.all(
      burst.map((event) => postSigned(url, '/twilio/voice/status', event)),
    );
    assert.ok(results.every((r) => r.status === 204));
    assert.equal((await runtime.ledger.events(sid)).length, 2);
    assert.equal((await runtime.ledger.find(sid))?.status, 'completed');
  });

  it('when completed has arrived, then a later non-final status does not reopen the call', async () => {
    const sid = buildCallSid();
    await postSigned(
      url,
      '/twilio/voice/status',
      statusParams(sid, 'completed', 5, '2026-03-02T02:00:00Z'),
    );
    await postSigned(
      url,
      '/twilio/voice/status',
      statusParams(sid, 'in-progress', 6, '2026-03-02T02:01:00Z'),
    );
    await postSigned(
      url,
      '/twilio/voice/status',
      statusParams(sid, 'busy', 7, '2026-03-02T02:02:00Z'),
    );
    const call = await runtime.ledger.find(sid);
    assert.equal(call?.status, 'completed');
    assert.equal(call?.endedAt?.toISOString(), '2026-03-02T02:00:00.000Z');
  });

  it("when the status is not one of Twilio's, then 400 with the field named, and nothing stored", async () => {
    const sid = buildCallSid();
    const response = await postSigned(
      url,
      '/twilio/voice/status',
      statusParams(sid, 'exploded', 1, '2026-03-02T02:00:00Z'),
    );
    assert.equal(response.status, 400);
    assert.match(response.body, /CallStatus/);
    assert.equal(await runtime.ledger.find(sid), undefined);
  });

  it('when a call completes, then its final status callback writes its summary (abandoned in the IVR with its IVR time) and no summary job is queued', async () => {
    const incoming = buildIncomingParams();
    const sid = incoming.CallSid!;
    await postSigned(url, '/twilio/voice/incoming', incoming);
    const response = await postSigned(
      url,
      '/twilio/voice/status',
      statusParams(sid, 'completed', 1, '2026-03-02T01:00:40Z', { CallDuration: '40' }),
    );
    assert.equal(response.status, 204);
    const call = await runtime.ledger.find(sid);
    assert.ok(call?.summarizedAt, 'summarized when the callback was answered');
    assert.equal(call.endReason, 'abandoned_in_ivr');
    assert.equal(call.ivrSeconds, 40);
    assert.equal(call.queueSeconds, null);
    assert.equal(await runtime.queues.get('call-summary').getJob(`call-summary-${sid}`), undefined);
  });

  it('when the arrival of a completed call was never stored, then the status callback rebuilds it and the worker summarizes it', async () => {
    const sid = buildIncomingParams().CallSid!;
    const response = await postSigned(
      url,
      '/twilio/voice/status',
      statusParams(sid, 'completed', 1, '2026-03-02T01:00:40Z', { CallDuration: '40' }),
    );
    assert.equal(response.status, 204);
    const rebuilt = await runtime.ledger.find(sid);
    assert.equal(rebuilt?.summarizedAt, null, 'not summarized by the callback');
    const jobs = await startJobs(runtime);
    try {
      const call = await waitFor(async () => {
        const row = await runtime.ledger.find(sid);
        return row?.summarizedAt ? row : undefined;
      }, 'the call summary');
      assert.equal(call.endReason, 'abandoned_in_ivr');
      assert.equal(call.ivrSeconds, 40);
    } finally {
      await jobs.close();
    }
  });

  it('finding 5: a status callback with an absurd CallDuration or SequenceNumber is refused with 400, nothing stored and nothing queued for a retry', async () => {
    // The last one passes the schema; PostgreSQL refuses U+0000 in the stored payload (a data exception, not an outage).
    const absurd: Array<Record<string, string>> = [
      { CallDuration: '999999999999' },
      { CallDuration: '86401' },
      { SequenceNumber: '99999999999' },
      { Direction: 'in\u0000bound' },
    ];
    for (const extra of absurd) {
      const sid = buildCallSid();
      const params = statusParams(sid, 'completed', 1, '2026-03-02T02:00:00Z', extra);
      const response = await postSigned(url, '/twilio/voice/status', params);
      assert.equal(response.status, 400, JSON.stringify(extra));
      assert.match(response.body, /^Bad status callback/);
      assert.equal(await runtime.ledger.find(sid), undefined);
      assert.deepEqual(await runtime.ledger.events(sid), []);
      const retries = await runtime.queues
        .get('call-status')
        .getJobs(['waiting', 'delayed', 'active']);
      assert.ok(
        !retries.some((job) => job.data.CallSid === sid),
        'not retried as if the database were down',
      );
    }
    const day = buildCallSid();
    assert.equal(
      (
        await postSigned(
          url,
          '/twilio/voice/status',
          statusParams(day, 'completed', 1, '2026-03-02T02:00:00Z', { CallDuration: '86400' }),
        )
      ).status,
      204,
      'a day-long call is still stored',
    );
    assert.equal((await runtime.ledger.find(day))?.durationSeconds, 86400);
  });
});
