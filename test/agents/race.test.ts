import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startJobs } from '../../src/jobs.js';
import type { Runtime } from '../../src/runtime.js';
import { createTestRuntime, testRun } from '../support/env.js';
import {
  createAgent,
  dequeued,
  queueCall,
  startTwilioMock,
  type TwilioMock,
} from './agents-support.js';

describe('routing across processes', () => {
  let mock: TwilioMock;
  let web1: Runtime;
  let web2: Runtime;
  let worker: Runtime;
  let jobs: { close(): Promise<void> };

  before(async () => {
    mock = await startTwilioMock();
    const env = {
      REDIS_PREFIX: `${testRun.redisPrefix}-race${randomBytes(2).toString('hex')}`,
      TWILIO_API_BASE_URL: mock.url,
    };
    [web1, web2, worker] = await Promise.all([
      createTestRuntime({ env }),
      createTestRuntime({ env }),
      createTestRuntime({ env }),
    ]);
    jobs = await startJobs(worker);
  });
  after(async () => {
    await jobs.close();
    // Closed now rather than at the end of the run, so their connections do not crowd PostgreSQL.
    await Promise.all([web1.close(), web2.close(), worker.close()]);
    await mock.close();
  });

  it('when two web processes and a worker race, then no call is offered to two agents and no agent gets two calls', async () => {
    const skill = 'hf-deposit';
    const calls = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        queueCall(web1, { skill, queuedAt: new Date(Date.now() - 60_000 + i), notify: false }),
      ),
    );
    const agents = await Promise.all(
      Array.from({ length: 25 }, () => createAgent(web1, { skills: [skill] })),
    );
    const processes = [web1, web2, worker];
    await Promise.all([
      ...calls.map((call, i) => processes[i % 2]!.routing.acd.callQueued(call.queued)),
      ...agents.map((agent, i) =>
        processes[(i % 3) as 0 | 1 | 2]!.routing.presence.setState(agent, 'available'),
      ),
      // The same call announced twice, from both web processes, is routed once.
      ...calls.slice(0, 10).map((call) => web2.routing.acd.callQueued(call.queued)),
    ]);
    const offers = mock.dequeues().map(dequeued);
    assert.equal(offers.length, 25, 'every agent got exactly one offer while calls were waiting');
    assert.equal(
      new Set(offers.map((o) => o.callSid)).size,
      offers.length,
      'no call offered twice',
    );
    assert.equal(
      new Set(offers.map((o) => o.agentId)).size,
      offers.length,
      'no agent offered two calls',
    );
    const states = await Promise.all(agents.map((agent) => worker.routing.store.agent(agent)));
    assert.ok(states.every((s) => s.state === 'reserved'));
    assert.deepEqual(new Set(states.map((s) => s.callSid)), new Set(offers.map((o) => o.callSid)));
    const waiting = await worker.routing.store.waiting(skill);
    assert.equal(waiting.length, 15);
    assert.ok(waiting.every((callSid) => !offers.some((o) => o.callSid === callSid)));
  });
});
