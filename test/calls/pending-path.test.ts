import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { applyFinalStatusOnce } from '../../src/calls/calls-status-repository.js';
import { STATUS_RANK } from '../../src/calls/calls-schemas.js';
import { createFixedClock } from '../../src/platform/clock.js';
import { queryRows } from '../../src/platform/db.js';
import type { Runtime } from '../../src/runtime.js';
import { createTestRuntime, testRun } from '../support/env.js';
import { eventually } from '../support/poll.js';
import { buildCallSid } from '../support/twilio.js';

const HOTLINE = '+864694226101';

/** The IVR path of a call while it runs (Redis) and once its summary wrote it (call_steps). */
describe('the IVR path kept in Redis until the call is summarized', () => {
  let runtime: Runtime;
  const clock = createFixedClock('2026-03-02T03:00:00Z');
  const prefix = `${testRun.redisPrefix}-path-${randomBytes(3).toString('hex')}`;
  before(async () => {
    runtime = await createTestRuntime({ clock, env: { REDIS_PREFIX: prefix } });
  });
  after(async () => {
    const keys = await runtime.redis.keys(`${prefix}:calls:*`);
    if (keys.length > 0) await runtime.redis.del(...keys);
  });

  const written = async (callSid: string) =>
    (
      await queryRows<{ node_id: string; kind: string; input: string | null }>(
        runtime.database.db,
        sql`select node_id, kind, input from call_steps where call_sid = ${callSid} order by id`,
      )
    ).map((row) => [row.node_id, row.kind, row.input]);
  const path = async (callSid: string) =>
    (await runtime.ledger.steps(callSid)).map((step) => [step.nodeId, step.kind, step.input]);

  async function arrive(): Promise<string> {
    const callSid = buildCallSid();
    await runtime.ledger.recordArrival({
      callSid,
      from: '+8613904691234',
      to: HOTLINE,
      steps: [{ nodeId: 'main', kind: 'entered', input: null }],
    });
    await runtime.ledger.recordSteps(callSid, [
      { nodeId: 'main', kind: 'choice', input: '2' },
      { nodeId: 'consult', kind: 'entered', input: null },
    ]);
    await runtime.ledger.recordStep(callSid, { nodeId: 'consult', kind: 'choice', input: '1' });
    return callSid;
  }
  const end = (callSid: string, payload: Record<string, unknown> = {}) =>
    runtime.ledger.recordStatus(
      {
        CallSid: callSid,
        CallStatus: 'completed',
        From: '+8613904691234',
        To: HOTLINE,
        Direction: 'inbound',
        CallDuration: 60,
      },
      payload,
    );
  const fullPath = [
    ['main', 'entered', null],
    ['main', 'choice', '2'],
    ['consult', 'entered', null],
    ['consult', 'choice', '1'],
  ];

  it('when a call is in the IVR, then its path after the arrival is read from Redis and not yet in call_steps', async () => {
    const callSid = await arrive();
    assert.deepEqual(await path(callSid), fullPath);
    assert.deepEqual(await written(callSid), [['main', 'entered', null]]);
  });

  it('when the call ends, then its final status writes the whole path to call_steps in order, once, and Redis keeps nothing', async () => {
    const callSid = await arrive();
    await end(callSid);
    assert.deepEqual(await written(callSid), fullPath);
    assert.deepEqual(await path(callSid), fullPath);
    assert.deepEqual(await runtime.redis.keys(`${prefix}:calls:path:${callSid}`), []);
    await end(callSid);
    await runtime.ledger.summarize(callSid);
    assert.deepEqual(
      await written(callSid),
      fullPath,
      'a repeated status and a summary write no step again',
    );
  });

  it('when an event is kept until the summary, then it is read from Redis meanwhile, written once by the final status, and one kept after it is written at once', async () => {
    const callSid = await arrive();
    const stored = async () =>
      (
        await queryRows<{ event: string }>(
          runtime.database.db,
          sql`select event from call_events where call_sid = ${callSid} and source = 'queue' order by id`,
        )
      ).map((row) => row.event);
    const payload = { queueResult: 'hangup', queueTime: 12 };
    // Kept twice, as a retried webhook would.
    for (let delivery = 0; delivery < 2; delivery += 1)
      await runtime.ledger.keepEvent(
        callSid,
        'queue',
        'abandoned',
        'queue-result:hangup:12',
        payload,
      );
    assert.deepEqual(await stored(), []);
    const held = (await runtime.ledger.events(callSid)).filter((e) => e.source === 'queue');
    assert.deepEqual(
      held.map((e) => [e.event, e.dedupeKey, e.payload]),
      [['abandoned', 'queue-result:hangup:12', payload]],
      'read once, from Redis',
    );
    await end(callSid);
    assert.deepEqual(await stored(), ['abandoned']);
    assert.deepEqual(await runtime.redis.keys(`${prefix}:calls:path-events:${callSid}`), []);
    await runtime.ledger.keepEvent(callSid, 'queue', 'left-error', 'queue-result:error:', {});
    assert.deepEqual(await stored(), ['abandoned', 'left-error']);
  });

  it('when a step comes after the summary, then it is written at once, after the others', async () => {
    const callSid = await arrive();
    await end(callSid);
    await runtime.ledger.recordStep(callSid, {
      nodeId: 'consult',
      kind: 'queue-hangup',
      input: null,
    });
    const expected = [...fullPath, ['consult', 'queue-hangup', null]];
    // A bounded wait for the row, then the whole path compared.
    await eventually(
      async () => (await written(callSid)).length >= expected.length,
      'the late step written',
    );
    assert.deepEqual(await written(callSid), expected);
  });

  it('when the process stops after the summary committed and before Redis forgot the path, then a summary run again writes no step twice', async () => {
    const callSid = await arrive();
    // The final status's statement, as the callback runs it, without what follows it in Redis.
    const pending = (await runtime.ledger.steps(callSid)).slice(1);
    const { summarized } = await applyFinalStatusOnce(
      runtime.database.db,
      {
        call: { callSid, direction: 'inbound', fromNumber: '+8613904691234', toNumber: HOTLINE },
        status: 'completed',
        rank: STATUS_RANK.completed,
        final: true,
        sequenceNumber: null,
        at: clock.now(),
        durationSeconds: 60,
        payload: {},
        dedupeKey: 'status:completed',
      },
      clock.now(),
      { steps: pending, events: [] },
    );
    assert.equal(summarized, true);
    assert.equal((await path(callSid)).length, 4, 'the summarized call is read from call_steps');
    await end(callSid);
    await runtime.ledger.summarize(callSid);
    assert.deepEqual(await written(callSid), fullPath);
    assert.deepEqual(await runtime.redis.keys(`${prefix}:calls:path:${callSid}`), []);
  });

  it('when the final status cannot be stored, then the path stays open in Redis for its retry, which writes it whole', async () => {
    const callSid = await arrive();
    // PostgreSQL refuses U+0000 in the stored payload: the statement fails as an outage would.
    await assert.rejects(end(callSid, { note: 'bad\u0000payload' }));
    await runtime.ledger.recordStep(callSid, { nodeId: 'consult', kind: 'timeout', input: null });
    assert.deepEqual(await written(callSid), [['main', 'entered', null]], 'still waiting in Redis');
    await end(callSid);
    assert.deepEqual(await written(callSid), [...fullPath, ['consult', 'timeout', null]]);
  });

  it('when a call is summarized before it ended, then nothing is written and its path stays open in Redis', async () => {
    const callSid = await arrive();
    assert.equal((await runtime.ledger.summarize(callSid))?.summarizedAt, null);
    await runtime.ledger.recordStep(callSid, { nodeId: 'consult', kind: 'timeout', input: null });
    assert.deepEqual(await written(callSid), [['main', 'entered', null]]);
    assert.equal((await path(callSid)).length, 5);
    await end(callSid);
    assert.deepEqual(await written(callSid), [...fullPath, ['consult', 'timeout', null]]);
  });

  const storedStage = async (callSid: string) =>
    (
      await queryRows<{
        queued_at: Date | null;
        queue_skill: string | null;
        priority: number;
        sid: string | null;
        end_reason: string | null;
        queue_seconds: number | null;
      }>(
        runtime.database.db,
        sql`select queued_at, queue_skill, priority, twilio_queue_sid as sid, end_reason, queue_seconds from calls where call_sid = ${callSid}`,
      )
    )[0]!;

  it('when the IVR queues a call, then the queued stage waits in Redis, readers see it, and the first turn of the wait writes it with the queue SID; queued again, the first time stays', async () => {
    const callSid = await arrive();
    const queuedAt = clock.now();
    const queued = await runtime.ledger.holdQueued(callSid, HOTLINE, {
      skill: 'cc-general',
      priority: 5,
      priorityReason: 'elderly',
    });
    assert.deepEqual(
      [queued?.skill, queued?.priority, queued?.priorityReason, queued?.queuedAt.getTime()],
      ['cc-general', 5, 'elderly', queuedAt.getTime()],
    );
    assert.equal((await storedStage(callSid)).queued_at, null, 'nothing written yet');
    const read = await runtime.ledger.find(callSid);
    assert.deepEqual(
      [read?.queueSkill, read?.priority, read?.queuedAt?.getTime()],
      ['cc-general', 5, queuedAt.getTime()],
    );

    await runtime.ledger.recordWaiting(callSid, 'QU0123456789abcdef0123456789abcdef');
    const written = await storedStage(callSid);
    assert.deepEqual(
      [written.queue_skill, written.priority, written.sid, new Date(written.queued_at!).getTime()],
      ['cc-general', 5, 'QU0123456789abcdef0123456789abcdef', queuedAt.getTime()],
    );
    assert.deepEqual(await runtime.redis.keys(`${prefix}:calls:path-queued:${callSid}`), []);

    clock.advance(90_000);
    try {
      const again = await runtime.ledger.holdQueued(callSid, HOTLINE, { skill: 'cc-green' });
      assert.equal(again?.queuedAt.getTime(), queuedAt.getTime(), 'the first queueing time');
      await end(callSid);
      const ended = await storedStage(callSid);
      assert.deepEqual(
        [ended.queue_skill, new Date(ended.queued_at!).getTime(), ended.end_reason],
        ['cc-green', queuedAt.getTime(), 'abandoned_in_queue'],
      );
    } finally {
      clock.advance(-90_000);
    }
  });

  it('when a caller hangs up before the first turn of the wait, then the final status writes the queued stage and the call counts as abandoned in the queue', async () => {
    const callSid = await arrive();
    await runtime.ledger.holdQueued(callSid, HOTLINE, { skill: 'cc-general' });
    clock.advance(30_000);
    try {
      await end(callSid);
    } finally {
      clock.advance(-30_000);
    }
    const ended = await storedStage(callSid);
    assert.deepEqual(
      [ended.queue_skill, new Date(ended.queued_at!).getTime(), ended.end_reason],
      ['cc-general', clock.now().getTime(), 'abandoned_in_queue'],
    );
    const left = await runtime.redis.keys(`${prefix}:calls:path*:${callSid}`);
    assert.deepEqual(
      left.map((key) => key.split(':').at(-2)),
      ['path-closed'],
      'only the marker that the path is closed',
    );
  });
});
