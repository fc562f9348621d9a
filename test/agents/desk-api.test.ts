import assert from 'node:assert/strict';
import { createFixedClock } from '../../src/platform/clock.js';
import type { Runtime } from '../../src/runtime.js';
import {
  client,
  closeRoutingRuntimes,
  createAgent,
  queueCall,
  routingRuntime,
  serveRouting,
  startTwilioMock,
  type TwilioMock,
} from './agents-support.js';

describe('the desk and supervisor API', function () {
  this.timeout(30_000);
  let mock: TwilioMock;
  let runtime: Runtime;
  let url: string;
  const clock = createFixedClock('2026-03-02T02:00:00Z');

  before(async () => {
    mock = await startTwilioMock();
    runtime = await routingRuntime(mock, clock);
    url = await serveRouting(runtime);
  });
  after(async () => {
    await closeRoutingRuntimes();
    await mock?.close();
  });

  it("when an agent asks for the wallboard or a call's full card, then it is refused; a supervisor gets both", async () => {
    const agent = await createAgent(runtime, { skills: ['cc-tax'] });
    const supervisor = await createAgent(runtime, { skills: ['cc-tax'], role: 'supervisor' });
    const { callSid } = await queueCall(runtime, { skill: 'cc-tax', notify: false });
    const asAgent = client(url);
    await asAgent.login(agent);
    assert.equal((await asAgent.request('GET', '/api/supervisor/wallboard')).status, 403);
    assert.equal((await asAgent.request('GET', `/api/desk/calls/${callSid}/card`)).status, 403);
    const asSupervisor = client(url);
    await asSupervisor.login(supervisor);
    const card = await asSupervisor.request('GET', `/api/desk/calls/${callSid}/card`);
    assert.equal(card.status, 200);
    assert.equal(card.body.call.from, '+8613904691234', 'a supervisor reads the full number');
    const audit = await runtime.database.db.execute(
      `select actor_id from audit_log where subject = '${callSid}' and action = 'read-call-card'` as never,
    );
    assert.deepEqual(
      (audit as unknown as Array<{ actor_id: string }>).map((r) => r.actor_id),
      [supervisor],
    );
  });

  it('when a call is held between dequeue attempts, then the wallboard counts it as waiting, with its wait', async () => {
    const supervisor = await createAgent(runtime, { skills: ['cc-estate'], role: 'supervisor' });
    const { callSid } = await queueCall(runtime, {
      skill: 'cc-estate',
      notify: false,
      queuedAt: new Date(clock.now().getTime() - 90_000),
    });
    await runtime.routing.store.enqueue(
      callSid,
      1,
      [{ skills: ['cc-estate'], priority: 0, timeoutSeconds: null }],
      'held',
      clock.now().getTime(),
    );
    const asSupervisor = client(url);
    await asSupervisor.login(supervisor);
    const { body } = await asSupervisor.request('GET', '/api/supervisor/wallboard');
    const queue = body.queues.find((q: { skill: string }) => q.skill === 'cc-estate');
    assert.equal(queue.waiting, 1);
    assert.equal(queue.longestWaitSeconds, 90);
    assert.match(queue.name, /市民服务中心/);
    assert.equal(body.queues[0].waiting >= 1, true, 'the busiest queues come first');
  });

  it("when a supervisor renames an agent, then the wallboard and the agent's own desk show the new name; a supervisor may not create a supervisor", async () => {
    const agent = await createAgent(runtime, { skills: ['cc-tax'], displayName: '王丽' });
    await runtime.routing.presence.setState(agent, 'available');
    const supervisor = await createAgent(runtime, { skills: ['cc-tax'], role: 'supervisor' });
    const asSupervisor = client(url);
    await asSupervisor.login(supervisor);
    const renamed = await asSupervisor.request('PATCH', `/api/supervisor/staff/${agent}`, {
      displayName: '王丽华',
    });
    assert.equal(renamed.status, 200);
    const { body } = await asSupervisor.request('GET', '/api/supervisor/wallboard');
    assert.equal(
      body.agents.find((a: { agentId: string }) => a.agentId === agent).displayName,
      '王丽华',
    );
    const asAgent = client(url);
    await asAgent.login(agent);
    assert.equal((await asAgent.request('GET', '/api/agents/me')).body.user.displayName, '王丽华');
    const refused = await asSupervisor.request('POST', '/api/supervisor/staff', {
      username: 'boss_two',
      displayName: '另一个班长',
      role: 'supervisor',
      password: 'long enough password',
    });
    assert.equal(refused.status, 403);
    const tooLong = await asSupervisor.request('PATCH', `/api/supervisor/staff/${agent}`, {
      displayName: '名'.repeat(21),
    });
    assert.equal(tooLong.status, 422);
  });

  it('when staff cancel a booking by its code, then the booking API takes the code where it takes the id', async () => {
    await runtime.booking.capacity.releaseSlots();
    const agent = await createAgent(runtime, { skills: ['cc-general'] });
    const asAgent = client(url);
    await asAgent.login(agent);
    const slots = await asAgent.request(
      'GET',
      '/api/slots?hall=citizen-centre&service=cc-general-intake',
    );
    const slot = (slots.body as unknown as Array<{ id: number; available: number }>).find(
      (s) => s.available > 0,
    )!;
    const created = await asAgent.request(
      'POST',
      '/api/bookings',
      { slotId: slot.id, name: '张三', phone: '13904693333', idNumber: '230502197001010011' },
      { 'x-requested-with': 'XMLHttpRequest', 'idempotency-key': `desk-api-${slot.id}` },
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const cancelled = await asAgent.request('POST', `/api/bookings/${created.body.code}/cancel`);
    assert.equal(cancelled.status, 200);
    assert.equal(cancelled.body.status, 'cancelled');
    assert.equal((await asAgent.request('POST', '/api/bookings/00000000/cancel')).status, 404);
  });

  it('when a supervisor closes a hall for a day and lowers a capacity, then bookings of that day are flagged, the lists say it in Chinese, and undoing either gives the places back', async () => {
    const day = '2026-03-04';
    await runtime.booking.capacity.releaseSlots();
    const agent = await createAgent(runtime, { skills: ['cc-general'] });
    const supervisor = await createAgent(runtime, { skills: ['cc-general'], role: 'supervisor' });
    const asAgent = client(url);
    await asAgent.login(agent);
    const asSupervisor = client(url);
    await asSupervisor.login(supervisor);
    const slots = await asAgent.request(
      'GET',
      `/api/slots?hall=citizen-centre&service=cc-general-intake&from=${day}&to=${day}`,
    );
    const slot = (slots.body as unknown as Array<{ id: number; available: number }>).find(
      (s) => s.available > 0,
    )!;
    const booked = await asAgent.request(
      'POST',
      '/api/bookings',
      { slotId: slot.id, name: '李四', phone: '13904694444', idNumber: '230502198002020021' },
      { 'x-requested-with': 'XMLHttpRequest', 'idempotency-key': `closure-${slot.id}` },
    );
    assert.equal(booked.status, 201, JSON.stringify(booked.body));
    const flaggedCodes = async () =>
      (
        (await asSupervisor.request('GET', '/api/supervisor/flagged-bookings')).body
          .bookings as Array<{ code: string; flag: string }>
      )
        .filter((b) => b.code === booked.body.code)
        .map((b) => b.flag);

    assert.equal(
      (
        await asAgent.request('POST', '/api/supervisor/closures', {
          hallId: 'citizen-centre',
          from: day,
          to: day,
          reason: '设备检修',
        })
      ).status,
      403,
    );
    const backwards = await asSupervisor.request('POST', '/api/supervisor/closures', {
      hallId: 'citizen-centre',
      from: day,
      to: '2026-03-03',
      reason: '设备检修',
    });
    assert.equal(backwards.status, 422);
    const closed = await asSupervisor.request('POST', '/api/supervisor/closures', {
      hallId: 'citizen-centre',
      from: day,
      to: day,
      reason: '设备检修',
    });
    assert.equal(closed.status, 201, JSON.stringify(closed.body));
    assert.ok(closed.body.flagged >= 1);
    assert.equal(runtime.calendar.hallDay('citizen-centre', day).open, false);
    const { closures } = (await asSupervisor.request('GET', '/api/supervisor/closures')).body as {
      closures: Array<{ id: number; hall: string; days: string; reason: string }>;
    };
    const closure = closures.find((c) => c.reason === '设备检修')!;
    assert.deepEqual([closure.hall, closure.days], ['双鸭山市市民服务中心', '2026年3月4日']);
    assert.deepEqual(await flaggedCodes(), ['大厅闭厅']);
    assert.equal(
      (await asSupervisor.request('DELETE', `/api/supervisor/closures/${closure.id}`)).status,
      204,
    );
    assert.equal(runtime.calendar.hallDay('citizen-centre', day).open, true);
    assert.deepEqual(await flaggedCodes(), [], 'the booking fits again once the hall reopens');
    assert.equal(
      (await asSupervisor.request('DELETE', `/api/supervisor/closures/${closure.id}`)).status,
      404,
    );

    const limited = await asSupervisor.request('POST', '/api/supervisor/capacity-limits', {
      hallId: 'citizen-centre',
      serviceId: 'cc-general-intake',
      from: day,
      to: day,
      percent: 0,
      reason: '限流',
    });
    assert.equal(limited.status, 201);
    const { limits } = (await asSupervisor.request('GET', '/api/supervisor/capacity-limits'))
      .body as {
      limits: Array<{ id: number; hall: string; service: string; days: string; percent: number }>;
    };
    const limit = limits.find((l) => l.id === limited.body.id)!;
    assert.deepEqual(
      [limit.hall, limit.service, limit.days, limit.percent],
      ['双鸭山市市民服务中心', '一窗通办综合受理', '2026年3月4日', 0],
    );
    assert.deepEqual(await flaggedCodes(), ['接待能力下调']);
    assert.equal(
      (await asSupervisor.request('DELETE', `/api/supervisor/capacity-limits/${limit.id}`)).status,
      200,
    );
    assert.deepEqual(await flaggedCodes(), []);
    assert.equal(
      (await asSupervisor.request('DELETE', `/api/supervisor/capacity-limits/${limit.id}`)).status,
      404,
    );
  });
});
