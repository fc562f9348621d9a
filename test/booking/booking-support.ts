import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { idCheckCharacter } from '../../src/booking/index.js';
import { createFixedClock } from '../../src/platform/clock.js';
import type { Runtime } from '../../src/runtime.js';
import { createTestRuntime, startTestServer } from '../support/env.js';

let sequence = 0;

/** A valid resident ID number (Shuangyashan area code 230502), different on every call. */
export function buildIdNumber(overrides: { birth?: string } = {}): string {
  sequence += 1;
  const birth =
    overrides.birth ??
    new Date(Date.UTC(1960, 0, 1 + Math.floor(sequence / 1000)))
      .toISOString()
      .slice(0, 10)
      .replace(/-/g, '');
  const first17 = `230502${birth}${String(sequence % 1000).padStart(3, '0')}`;
  return `${first17}${idCheckCharacter(first17)}`;
}

/** A mainland mobile number, different on every call. */
export function buildMobile(): string {
  sequence += 1;
  return `139${String(10_000_000 + sequence).slice(-8)}`;
}

/** A booking body for the API. */
export function buildBookingBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: '张三', phone: buildMobile(), idNumber: buildIdNumber(), ...overrides };
}

/** Booking tests own every slot they see: other components' workers release slots too. */
export const BOOKING_DATABASE = 'booking';

/** Monday 30 November 2026, 09:00 in Shuangyashan. */
export const MONDAY_9AM = '2026-11-30T09:00:00+08:00';

/** A runtime with a fixed clock, its slots released, and a server; env overrides on top; `database` to own its slots apart from the other booking tests. */
export async function startBookingRuntime(
  env: Record<string, string> = {},
  at = MONDAY_9AM,
  database = BOOKING_DATABASE,
) {
  const clock = createFixedClock(at);
  const runtime = await createTestRuntime({
    clock,
    database,
    env: { BOOKING_HORIZON_DAYS: '7', ...env },
  });
  await runtime.booking.capacity.releaseSlots();
  const server = await startTestServer(runtime);
  return { runtime, clock, url: server.url };
}

/** The first future slot of a service on a date. */
export async function firstSlot(runtime: Runtime, serviceId: string, day: string) {
  const hallId = runtime.catalogue.service(serviceId)!.hall.id;
  const slots = await runtime.booking.capacity.listSlots({
    hallId,
    serviceId,
    fromDay: day,
    toDay: day,
  });
  if (!slots[0]) throw new Error(`no slot of ${serviceId} on ${day}`);
  return slots[0];
}

/** A JSON API call with an optional bearer key (or staff session token) and idempotency key. */
export async function api(
  url: string,
  method: string,
  path: string,
  options: { key?: string; session?: string; body?: unknown; idempotencyKey?: string } = {},
) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  if (options.session)
    Object.assign(headers, {
      cookie: `sid=${options.session}`,
      'x-requested-with': 'XMLHttpRequest',
    });
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  const response = await fetch(`${url}${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON answers
    body: (text ? JSON.parse(text) : undefined) as Record<string, any>,
    headers: response.headers,
  };
}

/** Records REST requests the way Twilio would receive them, answering like Twilio's Messages API. */
export async function startTwilioRecorder() {
  const requests: Array<{
    method: string;
    path: string;
    params: URLSearchParams;
    authorization: string | undefined;
  }> = [];
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let data = '';
      req.on('data', (chunk) => (data += chunk));
      req.on('end', () => resolve(data));
    });
  const server = createServer(async (req, res) => {
    const params = new URLSearchParams(await read(req));
    requests.push({
      method: req.method!,
      path: req.url!,
      params,
      authorization: req.headers.authorization,
    });
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        sid: `SM${'0'.repeat(32)}`,
        status: 'queued',
        to: params.get('To'),
        from: params.get('From'),
        body: params.get('Body'),
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
