import assert from 'node:assert/strict';
import * as callbackRepository from '../../src/callbacks/callbacks-repository.js';
import { createFixedClock } from '../../src/platform/clock.js';
import { createTestRuntime, testRun } from '../support/env.js';
import { prismOrSkip } from '../support/prism.js';
import { buildCallSid } from '../support/twilio.js';
import { createAgent, findJob, queueCall } from './agents-support.js';

describe("routing's REST requests against Twilio's API description (Prism mock)", function () {
  this.timeout(90_000);
  let baseUrl: string;

  before(async function () {
    baseUrl = await prismOrSkip(this);
  });

  it('when a call is offered and a callback placed, then Prism accepts both requests (no failure path taken)', async () => {
    const runtime = await createTestRuntime({
      clock: createFixedClock('2026-03-02T02:00:00Z'),
      env: { REDIS_PREFIX: `${testRun.redisPrefix}-prism`, TWILIO_API_BASE_URL: baseUrl },
    });
    try {
      const agent = await createAgent(runtime, { skills: ['ee-passport'] });
      await runtime.routing.presence.setState(agent, 'available');
      const call = await queueCall(runtime, { skill: 'ee-passport' });
      assert.equal(
        (await runtime.routing.store.agent(agent)).state,
        'reserved',
        'a rejected dequeue would have freed the agent',
      );
      assert.equal(
        await findJob(runtime, 'routing-retry', (data) => data.callSid === call.callSid),
        undefined,
      );

      const callbackAgent = await createAgent(runtime, { skills: ['ee-foreigner'] });
      await runtime.routing.presence.setState(callbackAgent, 'available');
      const { row } = await callbackRepository.insertCallbackRequest(runtime.database.db, {
        callSid: buildCallSid(),
        hotlineNumber: '+864694361802',
        hallId: 'entry-exit',
        skill: 'ee-foreigner',
        phone: '+8613904690003',
        priority: 0,
        queuedAt: new Date('2026-03-02T01:50:00Z'),
        requestedAt: new Date('2026-03-02T01:50:00Z'),
        notBefore: new Date('2026-03-02T01:50:00Z'),
      });
      await runtime.callbacks.admitDue();
      await runtime.callbacks.place(
        row.id,
        callbackAgent,
        (await runtime.routing.store.agent(callbackAgent)).version,
      );
      assert.equal(
        (await callbackRepository.findCallbackRequest(runtime.database.db, row.id))?.status,
        'dialing',
        'a rejected call would have given the request back',
      );
      assert.equal((await runtime.routing.store.agent(callbackAgent)).state, 'reserved');
    } finally {
      await runtime.close();
    }
  });
});
