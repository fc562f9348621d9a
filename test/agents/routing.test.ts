import assert from 'node:assert/strict';
import { startJobs } from '../../src/jobs.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dequeueRetryDelay, MAX_DEQUEUE_ATTEMPTS } from '../../src/routing/routing-contract.js';
import { createFixedClock } from '../../src/platform/clock.js';
import { assertRestCore, PROFILES } from '../support/twiml-core.js';
import {
  assertTwilioConformant,
  createAgent,
  dequeued,
  eventually,
  findJob,
  queueCall,
  routingRuntime,
  type TwilioMock,
  useTwilioMockSuite,
} from './agents-support.js';

type Mock = TwilioMock;

for (const profile of PROFILES) {
  const env = { TELEPHONY_PROFILE: profile };

  describe(`routing: matching waiting calls and free agents (TELEPHONY_PROFILE=${profile})`, () => {
    const suiteMock = useTwilioMockSuite();
    let mock: Mock;
    before(() => {
      mock = suiteMock();
    });
    // A provider without queues is asked for Calls (and Messages) only.
    afterEach(() => {
      if (profile === 'twiml-core') assertRestCore(mock.requests);
    });

    it('when calls wait and agents become free one by one, then higher priority first, then the longest waiting', async () => {
      const clock = createFixedClock('2026-03-02T02:00:00Z');
      const runtime = await routingRuntime(mock, clock, env);
      const early = await queueCall(runtime, {
        skill: 'tj-general',
        queuedAt: new Date('2026-03-02T01:50:00Z'),
      });
      const late = await queueCall(runtime, {
        skill: 'tj-general',
        queuedAt: new Date('2026-03-02T01:55:00Z'),
      });
      const urgent = await queueCall(runtime, {
        skill: 'tj-general',
        priority: 5,
        queuedAt: new Date('2026-03-02T01:59:00Z'),
      });
      assert.equal(mock.dequeues().length, 0, 'nobody is free yet');
      const order: string[] = [];
      for (let i = 0; i < 3; i += 1) {
        const agent = await createAgent(runtime, { skills: ['tj-general'] });
        await runtime.routing.presence.setState(agent, 'available');
        const request = mock.dequeues().at(-1)!;
        assert.equal(dequeued(request).agentId, agent);
        order.push(dequeued(request).callSid);
      }
      assert.deepEqual(order, [urgent.callSid, early.callSid, late.callSid]);
      for (const request of mock.dequeues()) assertTwilioConformant(request);
      const first = mock.dequeues()[0]!;
      // Twilio dequeues the queue member; a provider without queues has the live call re-pointed.
      const offered =
        profile === 'twilio'
          ? `Queues/${urgent.queueSid}/Members/${urgent.callSid}`
          : `Calls/${urgent.callSid}`;
      assert.equal(
        first.path,
        `/2010-04-01/Accounts/AC00000000000000000000000000000000/${offered}.json`,
      );
      assert.equal(first.params.Method, 'POST');
      assert.match(
        String(first.params.Url),
        /^https:\/\/hotline\.example\.test\/twilio\/voice\/agents\/connect\?agent=.+&call=CA/,
      );
    });

    it('when several agents are free and a call is queued, then the agent idle the longest gets it, then the next', async () => {
      const clock = createFixedClock('2026-03-02T02:00:00Z');
      const runtime = await routingRuntime(mock, clock, env);
      const agents: string[] = [];
      for (let i = 0; i < 3; i += 1) {
        const agent = await createAgent(runtime, { skills: ['tj-invoice'] });
        await runtime.routing.presence.setState(agent, 'available');
        agents.push(agent);
        clock.advance(60_000);
      }
      const first = await queueCall(runtime, { skill: 'tj-invoice' });
      const second = await queueCall(runtime, { skill: 'tj-invoice' });
      assert.deepEqual(
        mock.dequeues().map((r) => dequeued(r)),
        [
          { callSid: first.callSid, agentId: agents[0] },
          { callSid: second.callSid, agentId: agents[1] },
        ],
      );
      assert.equal((await runtime.routing.store.agent(agents[0]!)).state, 'reserved');
      assert.equal((await runtime.routing.store.agent(agents[2]!)).state, 'available');
    });

    it('when an agent has other skills only, then they are not offered the call', async () => {
      const runtime = await routingRuntime(mock, undefined, env);
      const other = await createAgent(runtime, { skills: ['hf-loan'] });
      await runtime.routing.presence.setState(other, 'available');
      await queueCall(runtime, { skill: 'hf-withdraw' });
      assert.equal(mock.dequeues().length, 0);
    });

    it("when an enterprise's commissioner is free, then the call goes to them even if another agent has waited longer", async () => {
      const clock = createFixedClock('2026-03-02T02:00:00Z');
      const runtime = await routingRuntime(mock, clock, env);
      const department = await createAgent(runtime, { skills: ['cc-resume'] });
      await runtime.routing.presence.setState(department, 'available');
      clock.advance(120_000);
      const commissioner = await createAgent(runtime, {
        skills: ['cc-resume'],
        commissionerId: 'csc-01',
      });
      await runtime.routing.presence.setState(commissioner, 'available');
      const call = await queueCall(runtime, { skill: 'cc-resume', commissionerId: 'csc-01' });
      assert.deepEqual(dequeued(mock.dequeues()[0]!), {
        callSid: call.callSid,
        agentId: commissioner,
      });
    });

    it("when the commissioner is busy past the preferred target's timeout, then the call escalates to the department, then to the hall", async () => {
      const runtime = await routingRuntime(mock, undefined, env);
      const commissioner = await createAgent(runtime, {
        skills: ['cc-resume'],
        commissionerId: 'csc-02',
      });
      await runtime.routing.presence.setState(commissioner, 'break', 'meeting');
      const call = await queueCall(runtime, { skill: 'cc-resume', commissionerId: 'csc-02' });
      const hallAgent = await createAgent(runtime, { skills: ['cc-general'] });
      await runtime.routing.presence.setState(hallAgent, 'available');
      assert.equal(mock.dequeues().length, 0, 'a hall agent does not take it at first');
      const routed = await runtime.routing.store.call(call.callSid);
      assert.deepEqual(
        routed?.targets.map((t) => t.skills[0]),
        ['csc-02', 'csc-02', 'csc-02'],
      );
      assert.deepEqual(
        routed?.targets.map((t) => t.timeoutSeconds),
        [60, 180, null],
      );
      const escalation = await findJob(
        runtime,
        'routing-escalate',
        (data) => data.callSid === call.callSid && data.target === 0,
      );
      assert.equal(
        escalation?.opts.delay,
        60_000,
        'the escalation is a delayed job at the target timeout',
      );

      await runtime.routing.acd.escalate(call.callSid, 0);
      assert.equal(
        mock.dequeues().length,
        0,
        'the department target still excludes other departments',
      );
      await runtime.routing.acd.escalate(call.callSid, 0);
      assert.equal(
        (await runtime.routing.store.call(call.callSid))?.target,
        1,
        'a repeated escalation job changes nothing',
      );
      await runtime.routing.acd.escalate(call.callSid, 1);
      assert.deepEqual(dequeued(mock.dequeues()[0]!), {
        callSid: call.callSid,
        agentId: hallAgent,
      });
    });

    it("when a worker runs and the target's timeout passes, then the delayed job widens the call to the next target by itself", async function () {
      this.timeout(20_000);
      const runtime = await routingRuntime(mock, createFixedClock('2026-03-02T02:00:00Z'), {
        ...env,
        ROUTING_PREFERRED_TIMEOUT_SECONDS: '1',
      });
      const jobs = await startJobs(runtime);
      try {
        const department = await createAgent(runtime, { skills: ['cc-resume'] });
        await runtime.routing.presence.setState(department, 'available');
        const call = await queueCall(runtime, { skill: 'cc-resume', commissionerId: 'csc-04' });
        assert.equal(mock.dequeues().length, 0);
        const offer = await eventually(
          async () => mock.dequeues()[0],
          'the escalated offer',
          10_000,
        );
        assert.deepEqual(dequeued(offer), { callSid: call.callSid, agentId: department });
      } finally {
        await jobs.close();
      }
    });

    it('when the department agent frees up after escalation to the department, then they take the commissioner call', async () => {
      const runtime = await routingRuntime(mock, undefined, env);
      const call = await queueCall(runtime, { skill: 'cc-resume', commissionerId: 'csc-03' });
      const department = await createAgent(runtime, { skills: ['cc-resume'] });
      await runtime.routing.presence.setState(department, 'available');
      assert.equal(mock.dequeues().length, 0);
      await runtime.routing.acd.escalate(call.callSid, 0);
      assert.deepEqual(dequeued(mock.dequeues()[0]!), {
        callSid: call.callSid,
        agentId: department,
      });
    });

    it('when the caller hung up while waiting, then no agent is offered the call', async () => {
      const runtime = await routingRuntime(mock, undefined, env);
      const call = await queueCall(runtime, { skill: 'ee-passport' });
      await runtime.routing.acd.callLeftQueue(call.callSid, 'hangup');
      const agent = await createAgent(runtime, { skills: ['ee-passport'] });
      await runtime.routing.presence.setState(agent, 'available');
      assert.equal(mock.dequeues().length, 0);
      assert.equal((await runtime.routing.store.agent(agent)).state, 'available');
    });

    it('when Twilio reports the caller left the queue because routing dequeued them, then the offer stands', async () => {
      const runtime = await routingRuntime(mock, undefined, env);
      const agent = await createAgent(runtime, { skills: ['re-query'] });
      await runtime.routing.presence.setState(agent, 'available');
      const call = await queueCall(runtime, { skill: 're-query' });
      await runtime.routing.acd.callLeftQueue(call.callSid, 'redirected');
      assert.equal((await runtime.routing.store.call(call.callSid))?.state, 'offered');
      assert.equal((await runtime.routing.store.agent(agent)).state, 'reserved');
      await runtime.routing.acd.callLeftQueue(call.callSid, 'hangup');
      assert.equal(await runtime.routing.store.call(call.callSid), undefined);
      assert.equal(
        (await runtime.routing.store.agent(agent)).state,
        'available',
        'a caller who hangs up while the agent rings frees the agent',
      );
    });

    it('when the dequeue fails because the caller is not in the Twilio queue, then the agent is freed and the call keeps its place', async () => {
      const runtime = await routingRuntime(mock, undefined, env);
      const call = await queueCall(runtime, { skill: 'ee-foreigner' });
      mock.missingMembers.add(call.callSid);
      const agent = await createAgent(runtime, { skills: ['ee-foreigner'] });
      await runtime.routing.presence.setState(agent, 'available');
      assert.equal(mock.dequeues().length, 1);
      assert.equal((await runtime.routing.store.agent(agent)).state, 'available');
      assert.equal(
        (await runtime.routing.store.call(call.callSid))?.state,
        'held',
        'held out of matching until the retry job',
      );
      mock.missingMembers.delete(call.callSid);
      await runtime.routing.acd.retryOffer(call.callSid, agent);
      assert.equal(mock.dequeues().length, 2);
      assert.deepEqual(dequeued(mock.dequeues()[1]!), { callSid: call.callSid, agentId: agent });
    });

    it("finding 5: when Twilio's REST API is unreachable, a dequeue is retried with backoff and a bound, and the agent is not cycled", async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
      const { port } = closed.address() as AddressInfo;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const runtime = await routingRuntime(mock, createFixedClock('2026-03-02T02:00:00Z'), {
        ...env,
        TWILIO_API_BASE_URL: `http://127.0.0.1:${port}`,
      });
      const call = await queueCall(runtime, { skill: 'ee-foreigner' });
      const agent = await createAgent(runtime, { skills: ['ee-foreigner'] });
      await runtime.routing.presence.setState(agent, 'available');
      const versionAfterLogin = (await runtime.routing.store.agent(agent)).version;
      const delays: number[] = [];
      for (let attempt = 1; attempt < MAX_DEQUEUE_ATTEMPTS; attempt += 1) {
        const job = await findJob(
          runtime,
          'routing-retry',
          (data) => data.callSid === call.callSid && data.attempt === attempt,
        );
        assert.ok(job, `a retry after failure ${attempt}`);
        delays.push(job.opts.delay!);
        assert.equal(
          (await runtime.routing.store.call(call.callSid))?.state,
          'held',
          'not offered again before the retry',
        );
        assert.equal((await runtime.routing.store.agent(agent)).state, 'available');
        await runtime.routing.acd.retryOffer(call.callSid, agent, attempt);
      }
      assert.deepEqual(
        delays,
        Array.from({ length: MAX_DEQUEUE_ATTEMPTS - 1 }, (_, i) => dequeueRetryDelay(i)),
      );
      assert.ok(
        delays.every((delay, i) => i === 0 || delay > delays[i - 1]!),
        'backoff',
      );
      assert.equal(
        await findJob(
          runtime,
          'routing-retry',
          (data) => data.callSid === call.callSid && data.attempt === MAX_DEQUEUE_ATTEMPTS,
        ),
        undefined,
        'bounded: the caller waits for the next wait poll',
      );
      assert.equal((await runtime.routing.store.call(call.callSid))?.state, 'held');
      const agentAfter = await runtime.routing.store.agent(agent);
      assert.equal(agentAfter.state, 'available');
      assert.ok(
        agentAfter.version - versionAfterLogin <= 2 * MAX_DEQUEUE_ATTEMPTS,
        `reserved and freed once per attempt, not cycled (${agentAfter.version - versionAfterLogin} versions)`,
      );
    });
  });
}
