import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import * as agentTables from '../src/routing/routing-tables.js';
import type { BookingRow } from '../src/booking/booking-repository.js';
import { reminderTime } from '../src/booking/booking-notifier.js';
import { reminderDelay } from '../src/booking/booking-recovery.js';
import { setStageOnce } from '../src/calls/calls-repository.js';
import { createScheduleRecovery, jobDefinitions } from '../src/jobs.js';
import { createFixedClock } from '../src/platform/clock.js';
import type { QueueName } from '../src/platform/queues.js';
import type { ScheduleGuard } from '../src/platform/schedule-guard.js';
import type { Runtime } from '../src/runtime.js';
import {
  createAgent,
  dequeued,
  eventually,
  queueCall,
  startTwilioMock,
  type TwilioMock,
} from './agents/agents-support.js';
import { buildIdNumber, buildMobile, firstSlot } from './booking/booking-support.js';
import { createTestRuntime, startTestServer, testRun } from './support/env.js';

/** Deletes every Redis key of one prefix (this test's own, never another run's). */
async function deletePrefixKeys(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl);
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/** Every job scheduler (repeatable job) of every queue, as `queue/scheduler id`. */
async function schedulers(runtime: Runtime): Promise<string[]> {
  const ids: string[] = [];
  for (const { name } of jobDefinitions(runtime)) {
    for (const scheduler of await runtime.queues.get(name).getJobSchedulers())
      ids.push(`${name}/${scheduler.key}`);
  }
  return ids.sort();
}

async function delayedJobs(runtime: Runtime, queue: QueueName): Promise<Job[]> {
  return (await runtime.queues.get(queue).getJobs(['delayed', 'waiting'])).filter(
    (job): job is Job => Boolean(job),
  );
}

async function readiness(
  url: string,
): Promise<{ status: number; redis: { ok: boolean; detail?: string } }> {
  const response = await fetch(`${url}/readyz`);
  const body = (await response.json()) as { checks: { redis: { ok: boolean; detail?: string } } };
  return { status: response.status, redis: body.checks.redis };
}

describe('finding 2: a Redis loss is survived without losing work', function () {
  this.timeout(120_000);
  // Monday 30 November 2026, 09:00 in Shuangyashan.
  const clock = createFixedClock('2026-11-30T09:00:00+08:00');
  const rebuiltAt = clock.now();
  let mock: TwilioMock;
  let runtime: Runtime;
  let url: string;
  let guard: ScheduleGuard;
  let schedulersBefore: string[];
  const reminded: BookingRow[] = [];
  let alreadyReminded: BookingRow;
  let cancelled: BookingRow;
  let holdId: string;
  const callers: Record<'departed' | 'early' | 'urgent' | 'late', string> = {
    departed: '',
    early: '',
    urgent: '',
    late: '',
  };
  const onBreak: string[] = [];
  let idleAgent: string;
  let busyAgent: string;
  let busyCall: string;

  const book = async (day: string) => {
    const slot = await firstSlot(runtime, 'ee-pass-hkmo', day);
    const outcome = await runtime.booking.service.createBooking(
      {
        slotId: slot.id,
        name: '李四',
        phone: `+86${buildMobile()}`,
        identity: { idNumber: buildIdNumber() },
      },
      { channel: 'web', id: 'redis-loss', label: 'channel:redis-loss' },
      `redis-loss-${randomBytes(4).toString('hex')}`,
    );
    return outcome.booking;
  };
  const smsJob = () =>
    jobDefinitions(runtime).find((definition) => definition.name === 'booking-sms')!;
  const messages = () => mock.requests.filter((request) => request.path.endsWith('/Messages.json'));

  before(async () => {
    mock = await startTwilioMock();
    const prefix = `${testRun.redisPrefix}-loss-${randomBytes(3).toString('hex')}`;
    runtime = await createTestRuntime({
      clock,
      database: 'redis_loss',
      env: { REDIS_PREFIX: prefix, TWILIO_API_BASE_URL: mock.url, BOOKING_HORIZON_DAYS: '7' },
    });
    url = (await startTestServer(runtime)).url;
    guard = createScheduleRecovery(runtime);
    assert.equal(await guard.check(), true, 'the first start builds the schedule');
    schedulersBefore = await schedulers(runtime);
    assert.ok(
      schedulersBefore.length >= 7,
      `the periodic jobs are scheduled: ${schedulersBefore.join(', ')}`,
    );

    // Bookings with reminders still due, one already reminded, one cancelled, and a hold.
    await runtime.booking.capacity.releaseSlots();
    reminded.push(await book('2026-12-01'), await book('2026-12-02'));
    alreadyReminded = await book('2026-12-03');
    await smsJob().process(
      { bookingId: alreadyReminded.id, kind: 'reminder', slotId: alreadyReminded.slotId } as never,
      undefined as never,
    );
    cancelled = await book('2026-12-04');
    await runtime.booking.service.cancel(cancelled.id, {
      channel: 'web',
      id: 'redis-loss',
      label: 'channel:redis-loss',
    });
    holdId = (
      await runtime.booking.service.createHold(
        (await firstSlot(runtime, 'ee-pass-hkmo', '2026-12-01')).id,
        { channel: 'web', id: 'redis-loss', label: 'channel:redis-loss' },
      )
    ).id;

    // Agents: three on break, one free for another department, one on a call.
    for (let i = 0; i < 3; i += 1) {
      const agent = await createAgent(runtime, { skills: ['tj-general'] });
      await runtime.routing.presence.setState(agent, 'break', '会议');
      onBreak.push(agent);
    }
    idleAgent = await createAgent(runtime, { skills: ['hf-loan'] });
    await runtime.routing.presence.setState(idleAgent, 'available');
    busyAgent = await createAgent(runtime, { skills: ['tj-invoice'] });
    await runtime.routing.presence.setState(busyAgent, 'available');
    busyCall = (await queueCall(runtime, { skill: 'tj-invoice' })).callSid;
    assert.deepEqual(dequeued(mock.dequeues().at(-1)!), { callSid: busyCall, agentId: busyAgent });
    await runtime.routing.acd.agentLegStatus(busyAgent, busyCall, 'in-progress');
    await eventually(
      async () =>
        (
          await runtime.database.db
            .select()
            .from(agentTables.agentStateLog)
            .where(eq(agentTables.agentStateLog.agentId, busyAgent))
        ).some((row) => row.toState === 'on_call'),
      'the on_call state logged',
    );

    // Callers waiting, nobody free: one who will have left Twilio's queue, an early one, a later priority one, a late one.
    callers.departed = (
      await queueCall(runtime, {
        skill: 'tj-general',
        queuedAt: new Date('2026-11-30T08:56:00+08:00'),
      })
    ).callSid;
    callers.early = (
      await queueCall(runtime, {
        skill: 'tj-general',
        queuedAt: new Date('2026-11-30T08:57:00+08:00'),
      })
    ).callSid;
    callers.urgent = (
      await queueCall(runtime, {
        skill: 'tj-general',
        priority: 5,
        queuedAt: new Date('2026-11-30T08:58:00+08:00'),
      })
    ).callSid;
    callers.late = (
      await queueCall(runtime, {
        skill: 'tj-general',
        queuedAt: new Date('2026-11-30T08:59:00+08:00'),
      })
    ).callSid;
    assert.deepEqual(await runtime.routing.store.waiting('tj-general'), [
      callers.urgent,
      callers.departed,
      callers.early,
      callers.late,
    ]);
    assert.equal((await readiness(url)).status, 200);
    mock.missingMembers.add(callers.departed);

    // Redis loses the service's data; meanwhile the busy agent's call ends (its status callback reaches PostgreSQL only).
    assert.ok((await deletePrefixKeys(runtime.config.redisUrl, prefix)) > 0);
    await setStageOnce(runtime.database.db, busyCall, 'endedAt', runtime.clock.now());
  });

  after(async () => {
    guard.stop();
    await mock.close();
  });

  it('finding 2: when the keys are gone, then /readyz says Redis lost its data until the worker has noticed and rebuilt it', async () => {
    const lost = await readiness(url);
    assert.equal(lost.status, 503);
    assert.equal(lost.redis.ok, false);
    assert.match(lost.redis.detail ?? '', /no job schedule|lost its data/);
    guard.start(50);
    await eventually(
      async () => (await readiness(url)).status === 200,
      '/readyz ready again after the rebuild',
      60_000,
    );
    guard.stop();
  });

  it('finding 2: then every repeatable job is back, and a second rebuild doubles nothing', async () => {
    assert.deepEqual(await schedulers(runtime), schedulersBefore);
    const reminders = (await delayedJobs(runtime, 'booking-sms')).length;
    const escalations = (await delayedJobs(runtime, 'routing-escalate')).length;
    await runtime.redis.del(`${runtime.config.redisPrefix}:schedule:sentinel`);
    assert.equal(await guard.check(), true, 'a lost sentinel alone rebuilds again');
    assert.deepEqual(await schedulers(runtime), schedulersBefore);
    assert.equal(
      (await delayedJobs(runtime, 'booking-sms')).length,
      reminders,
      'no reminder doubled',
    );
    assert.equal(
      (await delayedJobs(runtime, 'routing-escalate')).length,
      escalations,
      'no escalation doubled',
    );
    assert.deepEqual(
      await runtime.routing.store.waiting('tj-general'),
      [callers.urgent, callers.early, callers.late],
      'no caller doubled',
    );
  });

  it('finding 2: then every pending reminder is queued for its time from PostgreSQL, and sent once at that time', async () => {
    const jobs = await delayedJobs(runtime, 'booking-sms');
    const byBooking = new Map(
      jobs.map((job) => [(job.data as { bookingId: string }).bookingId, job]),
    );
    for (const booking of reminded) {
      const job = byBooking.get(booking.id);
      assert.ok(job, `the reminder of the booking on ${booking.day} is back`);
      assert.equal(job.id, `booking-reminder-${booking.id}-${booking.slotId}`);
      // What the service decided: run at 18:00 the day before, counted from the injected clock.
      assert.equal(
        rebuiltAt.getTime() + job.opts.delay!,
        reminderTime(booking.startsAt, 18).getTime(),
      );
    }
    assert.equal(
      byBooking.has(alreadyReminded.id),
      false,
      'a reminder already sent is not queued again',
    );
    assert.equal(byBooking.has(cancelled.id), false, 'a cancelled booking gets no reminder');
    const expiry = (await delayedJobs(runtime, 'booking-hold-expiry')).find(
      (job) => job.id === `hold-expiry-${holdId}`,
    );
    assert.ok(expiry, 'the hold expiry is back');
    assert.equal(
      rebuiltAt.getTime() + expiry.opts.delay!,
      (await runtime.booking.service.findHold(holdId))!.expiresAt.getTime() + 1000,
    );

    const sentBefore = messages().length;
    for (const booking of reminded) {
      const job = byBooking.get(booking.id)!;
      clock.set(new Date(rebuiltAt.getTime() + job.opts.delay!));
      await smsJob().process(job.data as never, job);
      await smsJob().process(job.data as never, job);
      const sent = messages().at(-1)!;
      assert.equal(sent.params.To, booking.phone);
      assert.match(String(sent.params.Body), new RegExp(`温馨提醒.*预约码${booking.code}`));
    }
    assert.equal(
      messages().length - sentBefore,
      reminded.length,
      'each reminder sent once, even when its job runs twice',
    );
    clock.set(rebuiltAt);
  });

  it('finding 2: then the waiting callers are routed in their original order and priority, and agents are back as they were', async () => {
    assert.deepEqual(await runtime.routing.store.waiting('tj-general'), [
      callers.urgent,
      callers.early,
      callers.late,
    ]);
    const checked = mock.requests
      .filter((request) => request.method === 'GET' && request.path.includes('/Members/'))
      .map((request) => /\/Members\/([^/.]+)\.json$/.exec(request.path)![1]);
    for (const callSid of Object.values(callers))
      assert.ok(checked.includes(callSid), "each waiting caller is checked against Twilio's queue");
    assert.equal(
      await runtime.routing.store.call(callers.departed),
      undefined,
      "a caller no longer in Twilio's queue is not routed (their next wait request would put them back)",
    );
    for (const agent of onBreak)
      assert.equal((await runtime.routing.store.agent(agent)).state, 'break');
    assert.equal((await runtime.routing.store.agent(idleAgent)).state, 'available');
    assert.deepEqual(await runtime.routing.store.available('hf-loan'), [idleAgent]);
    const busy = await runtime.routing.store.agent(busyAgent);
    assert.equal(
      busy.state,
      'wrap_up',
      'the agent whose call ended during the loss is in wrap-up, not stuck on the call',
    );
    const wrapUp = (await delayedJobs(runtime, 'agent-wrap-up-end')).find(
      (job) => (job.data as { agentId: string }).agentId === busyAgent,
    );
    assert.equal(wrapUp?.opts.delay, runtime.config.agents.wrapUpSeconds * 1000);

    // Each caller keeps the routing target their wait had reached: the department for 180 s, then the hall.
    const escalations = new Map(
      (await delayedJobs(runtime, 'routing-escalate')).map((job) => [
        (job.data as { callSid: string }).callSid,
        job,
      ]),
    );
    assert.equal(
      escalations.has(callers.early),
      false,
      'the caller who waited 3 minutes is already offered to the whole hall',
    );
    assert.equal(escalations.get(callers.urgent)?.opts.delay, 60_000);
    assert.equal(escalations.get(callers.late)?.opts.delay, 120_000);
    assert.deepEqual((await runtime.routing.store.call(callers.early))?.target, 1);

    const dequeuesBefore = mock.dequeues().length;
    for (const agent of onBreak) await runtime.routing.presence.setState(agent, 'available');
    const offers = mock.dequeues().slice(dequeuesBefore).map(dequeued);
    assert.deepEqual(
      offers.map((offer) => offer.callSid),
      [callers.urgent, callers.early, callers.late],
    );
    assert.deepEqual(
      offers.map((offer) => offer.agentId),
      onBreak,
    );
  });
});

describe("finding 2: a caller on routing's wait URL after a Redis loss", () => {
  it('finding 2: when the call is no longer in routing, then its next wait request puts it back in its original place', async () => {
    const mock = await startTwilioMock();
    try {
      const runtime = await createTestRuntime({
        clock: createFixedClock('2026-11-30T09:00:00+08:00'),
        env: {
          REDIS_PREFIX: `${testRun.redisPrefix}-wait-${randomBytes(3).toString('hex')}`,
          TWILIO_API_BASE_URL: mock.url,
        },
      });
      const earlier = await queueCall(runtime, {
        skill: 'tj-general',
        queuedAt: new Date('2026-11-30T08:50:00+08:00'),
        notify: false,
      });
      const later = await queueCall(runtime, {
        skill: 'tj-general',
        queuedAt: new Date('2026-11-30T08:55:00+08:00'),
      });
      assert.deepEqual(await runtime.routing.store.waiting('tj-general'), [later.callSid]);
      await runtime.routing.acd.queueWait(earlier.callSid, earlier.queueSid, {
        menu: 'citizen-centre',
        skill: 'tj-general',
      });
      assert.deepEqual(await runtime.routing.store.waiting('tj-general'), [
        earlier.callSid,
        later.callSid,
      ]);
    } finally {
      await mock.close();
    }
  });
});

describe('finding 2: every call has a maximum length', () => {
  it("finding 2: when an agent stays on_call past CALL_MAX_MINUTES (the call's end was lost), then the sweep puts them in wrap-up and back to routing", async () => {
    const mock = await startTwilioMock();
    try {
      const clock = createFixedClock('2026-11-30T09:00:00+08:00');
      const runtime = await createTestRuntime({
        clock,
        env: {
          REDIS_PREFIX: `${testRun.redisPrefix}-max-${randomBytes(3).toString('hex')}`,
          TWILIO_API_BASE_URL: mock.url,
          CALL_MAX_MINUTES: '30',
        },
      });
      const agent = await createAgent(runtime, { skills: ['tj-invoice'] });
      await runtime.routing.presence.setState(agent, 'available');
      const { callSid } = await queueCall(runtime, { skill: 'tj-invoice' });
      assert.match(
        (await runtime.routing.acd.connect(agent, callSid)).toString(),
        /<Dial [^>]*timeLimit="1800"/,
        'Twilio cuts the call at the limit',
      );
      await runtime.routing.acd.agentLegStatus(agent, callSid, 'in-progress');
      assert.equal((await runtime.routing.store.agent(agent)).state, 'on_call');

      clock.advance(29 * 60_000);
      assert.deepEqual(
        await runtime.routing.presence.releaseOverlongCalls(),
        [],
        'within the limit the call goes on',
      );
      clock.advance(2 * 60_000);
      assert.deepEqual(await runtime.routing.presence.releaseOverlongCalls(), [agent]);
      const after = await runtime.routing.store.agent(agent);
      assert.equal(after.state, 'wrap_up');
      assert.equal(after.reason, 'call-max-length');
      await runtime.routing.presence.heartbeat(agent);
      await runtime.routing.presence.wrapUpEnded(agent, callSid);
      assert.equal(
        (await runtime.routing.store.agent(agent)).state,
        'available',
        'back in routing once wrap-up ends',
      );
    } finally {
      await mock.close();
    }
  });
});

describe('finding 2: when a reminder is restored', () => {
  const startsAt = new Date('2026-12-02T09:00:00+08:00');
  const dueAt = new Date('2026-12-01T18:00:00+08:00').getTime();

  it('finding 2: when its time is ahead, then it runs at 18:00 the day before, counted from the injected clock', () => {
    const now = new Date('2026-12-01T10:00:00+08:00');
    assert.equal(
      reminderDelay({ startsAt, createdAt: new Date('2026-11-28T10:00:00+08:00') }, 18, now),
      dueAt - now.getTime(),
    );
  });

  it('finding 2: when its time passed while Redis was down and the booking is still ahead, then it runs at once', () => {
    assert.equal(
      reminderDelay(
        { startsAt, createdAt: new Date('2026-11-28T10:00:00+08:00') },
        18,
        new Date('2026-12-01T18:20:00+08:00'),
      ),
      0,
    );
  });

  it('finding 2: when the booking was made after its reminder time, then none is restored (it never had one)', () => {
    assert.equal(
      reminderDelay(
        { startsAt, createdAt: new Date('2026-12-01T19:00:00+08:00') },
        18,
        new Date('2026-12-01T20:00:00+08:00'),
      ),
      undefined,
    );
  });
});
