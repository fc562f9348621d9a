import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createBookingRoutes } from '../../src/booking/index.js';
import { authenticate, type Authenticator } from '../../src/platform/auth.js';
import { jsonErrorHandler } from '../../src/platform/http.js';
import type { Runtime } from '../../src/runtime.js';
import { api, buildBookingBody, firstSlot, startBookingRuntime } from './booking-support.js';

/** Stands in for the agents component's session authenticator: a signed-in agent. */
const agentSession: Authenticator = async (req) =>
  req.header('x-test-staff')
    ? { kind: 'staff', userId: req.header('x-test-staff')!, username: 'agent', role: 'agent' }
    : undefined;

describe('booking API for staff', () => {
  let runtime: Runtime;
  let server: Server;
  let url: string;

  before(async function () {
    this.timeout(60_000);
    ({ runtime } = await startBookingRuntime());
    const app = express();
    app.use(express.json());
    app.use(authenticate([runtime.booking.apiKeys.authenticator(), agentSession]));
    app.use(
      createBookingRoutes({
        booking: runtime.booking.service,
        lookup: runtime.booking.lookup,
        capacity: runtime.booking.capacity,
        catalogue: runtime.catalogue,
        clock: runtime.clock,
        config: runtime.config,
      }),
    );
    app.use(jsonErrorHandler(runtime.logger));
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.close();
    await runtime.close();
  });

  it('when an agent holds and books, then the booking has channel phone, can use the phone share, and staff reads are audited', async () => {
    const slot = await firstSlot(runtime, 'ee-pass-hkmo', '2026-12-02');
    assert.deepEqual([slot.capacity, slot.phoneReserved], [8, 1]);
    const post = async (path: string, body: unknown, idempotencyKey?: string) => {
      const response = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-test-staff': 'agent-7',
          ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
        },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Record<string, string> };
    };
    const hold = await post('/holds', { slotId: slot.id });
    assert.equal(hold.status, 201);
    const made = await post('/bookings', buildBookingBody({ holdId: hold.body.id }), 'staff-1');
    assert.equal(made.status, 201);
    assert.equal(made.body.channel, 'phone');
    const slots = await api(
      url,
      'GET',
      `/slots?hall=entry-exit&service=ee-pass-hkmo&from=2026-12-02&to=2026-12-02`,
    );
    assert.equal(
      (slots.body as unknown as Array<{ available: number }>)[0]!.available,
      7,
      'the web sees the reserved place used by the phone',
    );
    const read = await fetch(`${url}/bookings/${made.body.code}`, {
      headers: { 'x-test-staff': 'agent-7' },
    });
    assert.equal(read.status, 200);
    const events = await runtime.booking.service.events(made.body.id!);
    assert.deepEqual(
      events.map((e) => [e.event, e.actor]),
      [
        ['created', 'staff:agent-7'],
        ['read', 'staff:agent-7'],
      ],
    );
    const flagged = await fetch(`${url}/bookings/flagged`, {
      headers: { 'x-test-staff': 'agent-7' },
    });
    assert.equal(flagged.status, 200);
    const anonymous = await fetch(`${url}/bookings/flagged`);
    assert.equal(anonymous.status, 401);
  });
});
