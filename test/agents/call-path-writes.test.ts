import assert from 'node:assert/strict';
import { createFixedClock } from '../../src/platform/clock.js';
import { findCall, listEvents } from '../../src/calls/calls-repository.js';
import { findAgentCall, listStateLog } from '../../src/routing/agent-calls-repository.js';
import type { Runtime } from '../../src/runtime.js';
import { postSigned } from '../support/twilio.js';
import {
  createAgent,
  queueCall,
  routingRuntime,
  serveRouting,
  type TwilioMock,
  useTwilioMockSuite,
  agentPath,
  voiceParams,
  findJob,
} from './agents-support.js';

/** The call path's writes, fewer statements each: the same rows as when each was written alone. */
describe('the call path writes the same rows in fewer statements', () => {
  const suiteMock = useTwilioMockSuite();
  let mock: TwilioMock;
  before(() => {
    mock = suiteMock();
  });

  async function setUp() {
    const clock = createFixedClock('2026-03-02T02:00:00Z');
    const runtime = await routingRuntime(mock, clock);
    return { runtime, clock, url: await serveRouting(runtime) };
  }

  it('when a call is offered and answered, then its queue SID, stages, events, the agent call and each state change are in the ledger as before', async () => {
    const { runtime, url } = await setUp();
    const waiting = await queueCall(runtime, { skill: 're-register' });
    assert.equal(
      (await runtime.ledger.find(waiting.callSid))?.twilioQueueSid,
      waiting.queueSid,
      'no agent free: the queue SID is recorded on its own',
    );
    await runtime.routing.acd.callLeftQueue(waiting.callSid, 'hangup');
    const agent = await createAgent(runtime, { skills: ['re-register'] });
    await runtime.routing.presence.setState(agent, 'available');
    const { callSid, queueSid } = await queueCall(runtime, { skill: 're-register' });
    const offered = await runtime.ledger.find(callSid);
    assert.equal(offered?.twilioQueueSid, queueSid, 'offered at once: recorded with the offer');
    assert.equal(offered?.agentId, agent);
    assert.ok(offered?.offeredAt);
    await postSigned(
      url,
      agentPath('leg-status', agent, callSid),
      voiceParams('CAffffffffffffffffffffffffffffffff', { CallStatus: 'in-progress' }),
    );
    const events = (await runtime.ledger.events(callSid)).map((e) => e.dedupeKey);
    assert.ok(events.includes('offered:1') && events.includes(`answered:${agent}`), String(events));
    const log = await listStateLog(runtime.database.db, agent);
    assert.deepEqual(
      log.map((row) => [row.fromState, row.toState, row.callSid]),
      [
        ['offline', 'available', null],
        ['available', 'reserved', callSid],
        ['reserved', 'on_call', callSid],
      ],
    );
    assert.deepEqual(
      log.map((row) => row.version),
      [1, 2, 3],
    );
    const answered = await findAgentCall(runtime.database.db, callSid, agent);
    assert.equal(answered?.skill, 're-register');
    assert.equal(answered?.answeredAt.getTime(), runtime.clock.now().getTime());
  });

  /** An agent, available, offered a call at once: the call and what PostgreSQL holds of it. */
  async function offeredAtOnce(runtime: Runtime) {
    const agent = await createAgent(runtime, { skills: ['re-register'] });
    await runtime.routing.presence.setState(agent, 'available');
    const { callSid, queueSid } = await queueCall(runtime, { skill: 're-register' });
    return { agent, callSid, queueSid };
  }
  /** A call offered at once, answered, talked on for `talkMs` and hung up by the agent (the caller's leg `callerStatus`). */
  async function talkedAndHungUp(
    runtime: Runtime,
    url: string,
    clock: Awaited<ReturnType<typeof setUp>>['clock'],
    talkMs: number,
    callerStatus: string,
  ) {
    const { agent, callSid } = await offeredAtOnce(runtime);
    await postSigned(
      url,
      agentPath('leg-status', agent, callSid),
      voiceParams('CAffffffffffffffffffffffffffffffff', { CallStatus: 'in-progress' }),
    );
    clock.advance(talkMs);
    const hungUpAt = clock.now().getTime();
    await postSigned(
      url,
      agentPath('dial-result', agent, callSid),
      voiceParams(callSid, { DialCallStatus: 'completed', CallStatus: callerStatus }),
    );
    return { agent, callSid, hungUpAt };
  }
  const states = async (runtime: Runtime, agent: string) =>
    (await listStateLog(runtime.database.db, agent)).map((row) => [
      row.fromState,
      row.toState,
      row.version,
    ]);

  it('when a call is offered, then its offered stage, its event and the reservation wait in Redis, and the answer writes them before its own', async () => {
    const { runtime, url, clock } = await setUp();
    const { agent, callSid, queueSid } = await offeredAtOnce(runtime);
    const offeredAt = clock.now().getTime();
    const db = runtime.database.db;
    const stored = await findCall(db, callSid);
    assert.deepEqual(
      [stored?.offeredAt, stored?.agentId, stored?.twilioQueueSid],
      [null, null, null],
      'nothing of the offer in PostgreSQL yet',
    );
    assert.deepEqual(await states(runtime, agent), [['offline', 'available', 1]]);
    const seen = await runtime.ledger.find(callSid);
    assert.deepEqual(
      [seen?.offeredAt?.getTime(), seen?.agentId, seen?.twilioQueueSid],
      [offeredAt, agent, queueSid],
      'the ledger shows the offer meanwhile',
    );

    clock.advance(7_000);
    await postSigned(
      url,
      agentPath('leg-status', agent, callSid),
      voiceParams('CAffffffffffffffffffffffffffffffff', { CallStatus: 'in-progress' }),
    );
    const answered = await findCall(db, callSid);
    assert.deepEqual(
      [answered?.offeredAt?.getTime(), answered?.answeredAt?.getTime()],
      [offeredAt, offeredAt + 7_000],
    );
    assert.deepEqual([answered?.agentId, answered?.twilioQueueSid], [agent, queueSid]);
    assert.deepEqual(await states(runtime, agent), [
      ['offline', 'available', 1],
      ['available', 'reserved', 2],
      ['reserved', 'on_call', 3],
    ]);
    const reserved = (await listStateLog(db, agent))[1]!;
    assert.equal(reserved.at.getTime(), offeredAt, 'the reservation keeps its own time');
    assert.deepEqual(
      (await listEvents(db, callSid)).map((e) => e.dedupeKey).filter((k) => k !== 'arrived'),
      [`answered:${agent}`],
      "the offer's event waits for the summary",
    );
    assert.ok(
      (await runtime.ledger.events(callSid)).some((e) => e.dedupeKey === 'offered:1'),
      'and is read from Redis meanwhile',
    );
  });

  it('when the caller hangs up while the agent rings, then the final status writes the held offer and the release writes the reservation', async () => {
    const { runtime, url, clock } = await setUp();
    const { agent, callSid, queueSid } = await offeredAtOnce(runtime);
    const offeredAt = clock.now().getTime();
    clock.advance(5_000);
    const status = await postSigned(
      url,
      '/twilio/voice/status',
      voiceParams(callSid, { CallStatus: 'completed', SequenceNumber: '2', CallDuration: '30' }),
    );
    assert.equal(status.status, 204);
    await postSigned(
      url,
      agentPath('dial-result', agent, callSid),
      voiceParams(callSid, { DialCallStatus: 'no-answer', CallStatus: 'completed' }),
    );
    const db = runtime.database.db;
    const ended = await findCall(db, callSid);
    assert.deepEqual(
      [ended?.offeredAt?.getTime(), ended?.agentId, ended?.twilioQueueSid, ended?.answeredAt],
      [offeredAt, agent, queueSid, null],
    );
    assert.equal(ended?.endReason, 'abandoned_in_queue');
    assert.ok(
      (await listEvents(db, callSid)).some((e) => e.dedupeKey === 'offered:1'),
      "the offer's event written by the summary",
    );
    assert.equal((await runtime.routing.store.agent(agent)).state, 'available');
    assert.deepEqual(await states(runtime, agent), [
      ['offline', 'available', 1],
      ['available', 'reserved', 2],
      ['reserved', 'available', 3],
    ]);
  });

  it('when the agent hangs up, then the end of their call and the change to wrap-up wait in Redis, and the outcome writes them', async () => {
    const { runtime, url, clock } = await setUp();
    const db = runtime.database.db;
    const { agent, callSid, hungUpAt } = await talkedAndHungUp(
      runtime,
      url,
      clock,
      95_000,
      'in-progress',
    );
    assert.equal((await runtime.routing.store.agent(agent)).state, 'wrap_up');
    assert.equal((await findAgentCall(db, callSid, agent))?.endedAt, null);
    assert.equal((await states(runtime, agent)).length, 3, 'the change to wrap-up not written yet');

    clock.advance(40_000);
    await runtime.desk.outcomes.record(agent, callSid, 'other', { reason: 'information_only' });
    const handled = await findAgentCall(db, callSid, agent);
    assert.deepEqual(
      [handled?.endedAt?.getTime(), handled?.wrapUpEndedAt?.getTime(), handled?.outcomeStatus],
      [hungUpAt, hungUpAt + 40_000, 'recorded'],
    );
    assert.deepEqual(await states(runtime, agent), [
      ['offline', 'available', 1],
      ['available', 'reserved', 2],
      ['reserved', 'on_call', 3],
      ['on_call', 'wrap_up', 4],
      // Offline when the panel's heartbeat is older than the clock's jumps.
      ['wrap_up', (await runtime.routing.store.agent(agent)).state, 5],
    ]);
    assert.equal((await listStateLog(db, agent))[3]!.at.getTime(), hungUpAt);
  });

  it("when wrap-up runs out, then its timer writes the end of the agent's call with the end of wrap-up", async () => {
    const { runtime, url, clock } = await setUp();
    const { agent, callSid, hungUpAt } = await talkedAndHungUp(
      runtime,
      url,
      clock,
      60_000,
      'completed',
    );
    const timer = await findJob(runtime, 'agent-wrap-up-end', (data) => data.callSid === callSid);
    assert.ok(timer, 'the wrap-up timer is set');
    clock.advance(60_000);
    await runtime.routing.presence.wrapUpEnded(agent, callSid);
    const handled = await findAgentCall(runtime.database.db, callSid, agent);
    assert.deepEqual(
      [handled?.endedAt?.getTime(), handled?.wrapUpEndedAt?.getTime(), handled?.outcomeStatus],
      [hungUpAt, hungUpAt + 60_000, 'missing'],
    );
    assert.deepEqual((await states(runtime, agent)).slice(3), [
      ['on_call', 'wrap_up', 4],
      ['wrap_up', (await runtime.routing.store.agent(agent)).state, 5],
    ]);
  });

  it('when the statement that takes held changes fails, then they go back to Redis and the next change writes them', async () => {
    const { runtime } = await setUp();
    const agent = await createAgent(runtime, { skills: ['re-register'] });
    const { states: agentStates } = runtime.routing;
    await agentStates.transitionHeld({ agentId: agent, to: 'available' });
    await assert.rejects(
      agentStates.transitionWritten({ agentId: agent, to: 'break', reason: 'lunch' }, async () => {
        throw new Error('the statement failed');
      }),
      /the statement failed/,
    );
    assert.deepEqual(await states(runtime, agent), []);
    const result = await agentStates.transition({ agentId: agent, to: 'offline' });
    await result.recorded;
    assert.deepEqual(
      (await listStateLog(runtime.database.db, agent)).map((row) => [row.fromState, row.toState]),
      [
        ['offline', 'available'],
        ['break', 'offline'],
      ],
      'the held change written before the next; the failed one is not logged',
    );
  });

  it("when Redis is lost while an agent rings and the agent does not answer, then the caller queues again in their place, which the offer's URLs carried", async () => {
    const { runtime, url, clock } = await setUp();
    const agent = await createAgent(runtime, { skills: ['re-register'] });
    await runtime.routing.presence.setState(agent, 'available');
    const hotline = runtime.catalogue.hotlines.find((h) => h.department === 're-register')!;
    const callSid = 'CA0123456789abcdef0123456789abcdef';
    await runtime.ledger.recordArrival({
      callSid,
      from: '+8613904691234',
      to: hotline.number,
      hotline: { number: hotline.number, hall: hotline.hall, department: hotline.department },
    });
    // As the IVR queues a priority caller: the queued stage waits in Redis.
    const queuedAt = clock.now().getTime();
    const queued = await runtime.ledger.holdQueued(callSid, hotline.number, {
      skill: 're-register',
      priority: 5,
      priorityReason: 'elderly',
      greenChannel: false,
      commissionerId: null,
    });
    clock.advance(30_000);
    await runtime.routing.acd.callQueued({
      ...queued!,
      queueSid: 'QU0123456789abcdef0123456789abcdef',
    });
    const offer = mock.dequeues().at(-1)!;
    const connectUrl = new URL(String(offer.params.Url));
    assert.ok(connectUrl.searchParams.get('place'), "the offer carries the caller's place");
    const connect = await postSigned(
      url,
      connectUrl.pathname + connectUrl.search,
      voiceParams(callSid),
    );
    const action = /action="([^"]+)"/.exec(connect.body)![1]!.replaceAll('&amp;', '&');

    // Redis is lost while the agent's phone rings (BullMQ's keys apart).
    const prefix = runtime.config.redisPrefix;
    const lost = (await runtime.redis.keys(`${prefix}:*`)).filter(
      (k) => !k.startsWith(`${prefix}:bull`),
    );
    await runtime.redis.del(...lost);
    assert.equal(
      (await runtime.ledger.find(callSid))?.queuedAt,
      null,
      'the queued stage went with it',
    );

    const actionUrl = new URL(action);
    const requeued = await postSigned(
      url,
      actionUrl.pathname + actionUrl.search,
      voiceParams(callSid, { DialCallStatus: 'no-answer', CallStatus: 'in-progress' }),
    );
    const waitUrl = new URL(/waitUrl="([^"]+)"/.exec(requeued.body)![1]!.replaceAll('&amp;', '&'));
    assert.equal(waitUrl.searchParams.get('skill'), 're-register', 'back to its own queue');
    const toIvr = await postSigned(url, waitUrl.pathname + waitUrl.search, {
      ...voiceParams(callSid),
      QueueSid: 'QU0123456789abcdef0123456789abcdef',
    });
    const ivrWait = new URL(
      /<Redirect[^>]*>([^<]+)<\/Redirect>/.exec(toIvr.body)![1]!.replaceAll('&amp;', '&'),
    );
    const wait = await postSigned(url, ivrWait.pathname + ivrWait.search, {
      ...voiceParams(callSid),
      QueueSid: 'QU0123456789abcdef0123456789abcdef',
      QueueTime: '40',
      QueuePosition: '1',
      AvgQueueTime: '0',
      CurrentQueueSize: '1',
    });
    assert.equal(wait.status, 200);

    const kept = await runtime.routing.acd.queuedCall(callSid);
    assert.deepEqual(
      [kept?.skill, kept?.priority, kept?.priorityReason, kept?.queuedAt.getTime()],
      ['re-register', 5, 'elderly', queuedAt],
      'routing has the caller in their place',
    );
    assert.ok(await runtime.routing.store.call(callSid), 'and routes it');
    const stored = await findCall(runtime.database.db, callSid);
    assert.deepEqual(
      [stored?.queueSkill, stored?.priority, stored?.queuedAt?.getTime()],
      ['re-register', 5, queuedAt],
      'the ledger has the queueing back, at its own time',
    );
  });
});
