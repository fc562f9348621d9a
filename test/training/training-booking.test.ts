import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { queueName } from '../../src/catalogue/index.js';
import { queryRows } from '../../src/platform/db.js';
import type { Runtime } from '../../src/runtime.js';
import type { CallerInput } from '../../tools/caller/caller.js';
import { callThroughProvider } from '../../tools/caller/provider-caller.js';
import { client, createAgent } from '../agents/agents-support.js';
import { buildBookingBody, firstSlot } from '../booking/booking-support.js';
import { ownDatabase } from '../support/env.js';
import { eventually } from '../support/poll.js';
import {
  CITIZEN_CENTRE,
  answeringPhone,
  closeProviderRuntimes,
  providerRuntime,
} from '../telephony/telephony-support.js';

const keys = (...list: string[]): CallerInput[] => list.map((digits) => ({ kind: 'dtmf', digits }));

/** The counters of a slot that bookings and holds move. */
async function slotCounters(runtime: Runtime, id: number) {
  const slot = await runtime.booking.capacity.findSlot(id);
  return { booked: slot?.booked, held: slot?.held, phoneBooked: slot?.phoneBooked };
}

const bookingCount = async (runtime: Runtime) =>
  (
    await queryRows<{ n: number }>(
      runtime.database.db,
      sql`select count(*)::int as n from bookings`,
    )
  )[0]!.n;

/** An available agent whose phone answers at once, and their logged-in desk. */
async function agentAtDesk(runtime: Runtime, telephony: Runtime['telephony'], url: string) {
  const id = await createAgent(runtime, { skills: ['cc-general'] });
  const phone = answeringPhone();
  telephony!.register(`client:${id}`, phone);
  await runtime.routing.presence.setState(id, 'available');
  const desk = client(url);
  assert.equal((await desk.login(id)).status, 200);
  return { id, phone, desk };
}

describe('a booking made on a training call', function () {
  this.timeout(60_000);
  afterEach(closeProviderRuntimes);

  it('when a trainee books for a simulated caller, then the request is checked as a real one, nothing is booked, the held place goes back, and on a real call the practice is refused in Chinese', async () => {
    // A database of its own: its real call must not count in the other training files' day.
    const { runtime, telephony, url } = await providerRuntime({
      DATABASE_URL: await ownDatabase('training-booking'),
    });
    await runtime.booking.capacity.releaseSlots();
    const slot = await firstSlot(runtime, 'cc-general-intake', '2026-03-03');
    const before = await slotCounters(runtime, slot.id);
    const bookingsBefore = await bookingCount(runtime);

    const trainee = await agentAtDesk(runtime, telephony, url);
    const supervisor = await createAgent(runtime, { skills: [], role: 'supervisor' });
    const room = client(url);
    await room.login(supervisor);
    const started = await room.request('POST', '/api/supervisor/training', {
      departments: [queueName(runtime.catalogue, 'cc-general')],
      perMinute: 6,
      calls: 1,
      patienceSeconds: 1800,
      seed: 3,
    });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    await eventually(async () => trainee.phone.offers.length === 1, "the trainee's phone rings");
    await eventually(
      async () => (await runtime.routing.store.agent(trainee.id)).state === 'on_call',
      'the trainee is on the training call',
    );

    const held = await trainee.desk.request('POST', '/api/holds', { slotId: slot.id });
    assert.equal(held.status, 201, JSON.stringify(held.body));
    assert.equal((await slotCounters(runtime, slot.id)).held, (before.held ?? 0) + 1);

    const wrong = await trainee.desk.request(
      'POST',
      '/api/agent/training-booking',
      buildBookingBody({ holdId: held.body.id, idNumber: '230502197001011234' }),
    );
    assert.equal(wrong.status, 422, 'a wrong ID number is refused as the booking API refuses it');

    const practised = await trainee.desk.request(
      'POST',
      '/api/agent/training-booking',
      buildBookingBody({ holdId: held.body.id }),
    );
    assert.equal(practised.status, 201, JSON.stringify(practised.body));
    assert.deepEqual(practised.body, { practice: true, released: true });
    assert.deepEqual(await slotCounters(runtime, slot.id), before, 'the place went back');
    assert.equal(await bookingCount(runtime), bookingsBefore, 'nothing was booked');
    trainee.phone.hangup();

    // A real caller, answered: the practice booking is not for them.
    const real = await agentAtDesk(runtime, telephony, url);
    const call = callThroughProvider(telephony!, { to: CITIZEN_CENTRE, inputs: keys('2', '1') });
    await eventually(async () => real.phone.offers.length === 1, "the real agent's phone rings");
    await eventually(
      async () => (await runtime.routing.store.agent(real.id)).state === 'on_call',
      'the agent is on the real call',
    );
    const realHold = await real.desk.request('POST', '/api/holds', { slotId: slot.id });
    const refused = await real.desk.request(
      'POST',
      '/api/agent/training-booking',
      buildBookingBody({ holdId: realHold.body.id }),
    );
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.messageZh, '当前不是培训来电，请用「确认预约」真正预约');
    assert.equal((await real.desk.request('DELETE', `/api/holds/${realHold.body.id}`)).status, 204);
    real.phone.hangup();
    await call;
  });
});
