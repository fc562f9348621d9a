import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Runtime } from '../../src/runtime.js';
import {
  api,
  buildBookingBody,
  buildIdNumber,
  buildMobile,
  firstSlot,
  startBookingRuntime,
} from '../booking/booking-support.js';
import { buildCsvFeed, postFeed } from '../reconciliation/reconciliation-support.js';

// ajv-formats is CommonJS: its function is the default export's default under Node's ESM loader.
const addFormats = addFormatsModule.default;

const pointer = (...parts: string[]) =>
  parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

describe("the channel API's OpenAPI description", () => {
  let runtime: Runtime;
  let url: string;
  let key: string;
  let validate: (method: string, path: string, status: number, body: unknown) => void;
  const seen = new Set<string>();

  before(async function () {
    this.timeout(60_000);
    ({ runtime, url } = await startBookingRuntime({}, undefined, 'openapi'));
    key = (await runtime.booking.apiKeys.create('web', '政务服务网')).key;
    const document = (await api(url, 'GET', '/api/openapi.json')).body;
    assert.equal(document.openapi, '3.1.0');
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema(document, 'channel');
    validate = (method, path, status, body) => {
      const operation = document.paths[path]?.[method];
      assert.ok(operation, `${method} ${path} is described`);
      const response = operation.responses[String(status)];
      assert.ok(response, `${method} ${path} answers ${status}, which is described`);
      seen.add(`${method} ${path} ${status}`);
      if (!response.content) return;
      const check = ajv.compile({
        $ref: `channel#/${pointer('paths', path, method, 'responses', String(status), 'content', 'application/json', 'schema')}`,
      });
      assert.ok(
        check(body),
        `${method} ${path} ${status}: ${JSON.stringify(check.errors)} in ${JSON.stringify(body).slice(0, 400)}`,
      );
    };
  });

  after(() => runtime.close());

  it('when a channel uses every operation, then every answer (successes and errors) matches the description', async function () {
    this.timeout(30_000);
    const call = async (
      method: string,
      template: string,
      path: string,
      options: Parameters<typeof api>[3] = {},
    ) => {
      const answer = await api(url, method.toUpperCase(), `/api${path}`, options);
      validate(method, template, answer.status, answer.body);
      return answer;
    };
    await call('get', '/services', '/services');
    const slot = await firstSlot(runtime, 'cc-police-move', '2026-12-02');
    const other = (
      await runtime.booking.capacity.listSlots({
        hallId: 'citizen-centre',
        serviceId: 'cc-police-move',
        fromDay: '2026-12-03',
        toDay: '2026-12-03',
      })
    )[0]!;
    await call(
      'get',
      '/slots',
      '/slots?hall=citizen-centre&service=cc-police-move&from=2026-12-02&to=2026-12-02',
    );
    await call('get', '/slots', '/slots?hall=citizen-centre&service=nothing');
    await call(
      'get',
      '/slots',
      '/slots?hall=citizen-centre&service=cc-police-move&from=2026-13-01',
    );
    const hold = await call('post', '/holds', '/holds', { key, body: { slotId: slot.id } });
    await call('post', '/holds', '/holds', { body: { slotId: slot.id } });
    await call('delete', '/holds/{id}', `/holds/${hold.body.id}`, { key });
    await call('delete', '/holds/{id}', '/holds/00000000-0000-4000-8000-000000000000', { key });
    const person = buildBookingBody({
      slotId: slot.id,
      idNumber: buildIdNumber(),
      phone: buildMobile(),
    });
    const made = await call('post', '/bookings', '/bookings', {
      key,
      body: person,
      idempotencyKey: 'openapi-1',
    });
    await call('post', '/bookings', '/bookings', {
      key,
      body: { ...person, idNumber: '123' },
      idempotencyKey: 'openapi-2',
    });
    await call('post', '/bookings', '/bookings', {
      key,
      body: person,
      idempotencyKey: 'openapi-3',
    });
    await call(
      'get',
      '/bookings/{code}',
      `/bookings/${made.body.code}?last4=${String(person.phone).slice(-4)}`,
      { key },
    );
    await call('get', '/bookings/{code}', `/bookings/${made.body.code}?last4=0000`, { key });
    await call('post', '/bookings/{id}/reschedule', `/bookings/${made.body.id}/reschedule`, {
      key,
      body: { slotId: other.id },
    });
    await call('post', '/bookings/{id}/check-in', `/bookings/${made.body.id}/check-in`, { key });
    await call('post', '/bookings/{id}/cancel', `/bookings/${made.body.id}/cancel`, { key });
    await call('post', '/bookings/{id}/reschedule', `/bookings/${made.body.id}/reschedule`, {
      key,
      body: { slotId: slot.id },
    });

    const feed = buildCsvFeed([
      {
        booking_id: 'W-1',
        hall: 'citizen-centre',
        service: 'cc-police-move',
        slot_start: '2026-12-02T08:30:00+08:00',
        id_number: buildIdNumber(),
        phone: buildMobile(),
        status: 'booked',
      },
    ]);
    for (const answer of [
      await postFeed(url, key, feed, 'csv', '?from=2026-12-01&to=2026-12-02'),
      await postFeed(url, key, feed, 'csv', '?from=2026-12-01&to=2026-12-02'),
      await postFeed(
        url,
        key,
        feed.replace('booked', 'maybe'),
        'csv',
        '?from=2026-12-01&to=2026-12-02',
      ),
    ]) {
      validate('post', '/channel-feeds', answer.status, answer.body);
    }
    assert.deepEqual([...seen].filter((s) => s.startsWith('post /channel-feeds')).sort(), [
      'post /channel-feeds 200',
      'post /channel-feeds 201',
      'post /channel-feeds 422',
    ]);
    assert.ok(seen.size >= 20, [...seen].join('\n'));
  });
});
