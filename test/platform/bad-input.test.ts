import assert from 'node:assert/strict';
import { gzipSync as gzipBuffer } from 'node:zlib';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { createApp } from '../../src/app.js';
import { createFixedClock } from '../../src/platform/clock.js';
import { queryRows, sql } from '../../src/platform/db.js';
import { ValidationError } from '../../src/platform/errors.js';
import type { Runtime } from '../../src/runtime.js';
import {
  buildBookingBody,
  buildIdNumber,
  buildMobile,
  firstSlot,
  MONDAY_9AM,
} from '../booking/booking-support.js';
import { createAgent } from '../agents/agents-support.js';
import { buildCsvFeed, postFeed } from '../reconciliation/reconciliation-support.js';
import { createTestRuntime, startTestServer } from '../support/env.js';
import { listAppRoutes } from '../support/routes.js';
import { buildCallSid, buildIncomingParams, postSigned } from '../support/twilio.js';

/**
 * Rows per table. Idempotency keys are left out: a refused booking keeps its answer under its
 * key by design, so that a retry gets the same refusal. The audit log too: a refused read of
 * personal data (a call's outcomes) is audited by design.
 */
async function rowCounts(runtime: Runtime): Promise<Record<string, number>> {
  const tables = await queryRows<{ name: string }>(
    runtime.database.db,
    sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not in ('idempotency_keys', 'audit_log') order by 1`,
  );
  // jsonb_build_object takes at most 100 arguments (50 tables): one object per 40 tables, merged.
  const chunks = Array.from({ length: Math.ceil(tables.length / 40) }, (_, n) =>
    tables.slice(n * 40, n * 40 + 40),
  );
  const select = chunks
    .map(
      (chunk) =>
        `jsonb_build_object(${chunk.map((t) => `'${t.name}', (select count(*) from "${t.name}")`).join(', ')})`,
    )
    .join(' || ');
  const [row] = await queryRows<{ counts: Record<string, number> }>(
    runtime.database.db,
    sql.raw(`select ${select} as counts`),
  );
  return row!.counts;
}

/** A raw request: headers and body exactly as given. A live event stream is answered by its status alone (its body never ends). */
async function send(
  url: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string | Uint8Array<ArrayBuffer> } = {},
) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: options.headers ?? {},
    ...(options.body === undefined ? {} : { body: options.body }),
  });
  if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
    await response.body?.cancel();
    return { status: response.status, text: '' };
  }
  return { status: response.status, text: await response.text() };
}

/** Gzip as a body fetch accepts. */
const gzipSync = (data: string) => new Uint8Array(gzipBuffer(data));

/** The fast-check seed: FC_SEED to replay a run, otherwise a fixed one; printed either way. */
const seed = Number(process.env.FC_SEED ?? 20261201);

describe('bad input gets a 4xx, never a 500, and nothing is stored', () => {
  let runtime: Runtime;
  let url: string;
  let webKey: string;
  let deskKey: string;
  let cookie: string;

  before(async function () {
    this.timeout(60_000);
    // A database of its own: generated requests take holds and places that other files must not see.
    runtime = await createTestRuntime({
      clock: createFixedClock(MONDAY_9AM),
      database: 'bad-input',
      env: { BOOKING_HORIZON_DAYS: '7', BOOKING_PHONE_SHARE: '0' },
    });
    await runtime.booking.capacity.releaseSlots();
    url = (await startTestServer(runtime)).url;
    webKey = (await runtime.booking.apiKeys.create('web', '政务服务网')).key;
    deskKey = (await runtime.booking.apiKeys.create('walk_in', '现场窗口')).key;
    const supervisor = await createAgent(runtime, { skills: ['cc-general'], role: 'supervisor' });
    supervisorId = supervisor;
    cookie = await signIn();
  });

  let supervisorId: string;
  let logins = 0;
  /** A fresh supervisor session (a generated request may log the last one out), from an address of its own each time. */
  const signIn = async () =>
    `sid=${(await runtime.staff.login(supervisorId, 'correct horse battery', `127.0.1.${(logins += 1)}`)).token}`;

  after(() => runtime.close());

  it('finding 4: a JSON body in latin1, with an unknown or corrupt encoding, or too large gets 415, 415, 400 and 413', async () => {
    const json = JSON.stringify({ slotId: 1 });
    const auth = { authorization: `Bearer ${webKey}` };
    const latin1 = await send(url, 'POST', '/api/holds', {
      headers: { ...auth, 'content-type': 'application/json; charset=latin1' },
      body: json,
    });
    const unknown = await send(url, 'POST', '/api/holds', {
      headers: { ...auth, 'content-type': 'application/json', 'content-encoding': 'x-snappy' },
      body: json,
    });
    const corrupt = await send(url, 'POST', '/api/holds', {
      headers: { ...auth, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(json).subarray(0, 12),
    });
    const large = await send(url, 'POST', '/api/holds', {
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ slotId: 1, pad: 'x'.repeat(200_000) }),
    });
    assert.deepEqual(
      [latin1.status, unknown.status, corrupt.status, large.status],
      [415, 415, 400, 413],
    );
    assert.match(JSON.parse(latin1.text).error.message, /UTF-8/);
    assert.equal(JSON.parse(unknown.text).error.code, 'unsupported_encoding');
  });

  it('finding 4: days that are not in the calendar or out of range get 422 from /api/slots and the reports', async () => {
    const slots = (query: string) =>
      send(url, 'GET', `/api/slots?hall=citizen-centre&service=cc-police-move&${query}`);
    for (const query of [
      'from=2026-02-30',
      'from=0000-01-01',
      'from=9999-12-31',
      'to=2026-13-45',
      'from=2026-12-05&to=2026-12-01',
    ]) {
      const answer = await slots(query);
      assert.equal(answer.status, 422, `${query}: ${answer.text}`);
    }
    assert.equal((await slots('from=2026-12-01&to=2026-12-02')).status, 200);
    const reports = (path: string) => send(url, 'GET', path, { headers: { cookie } });
    for (const path of [
      '/api/reports/period?from=0000-01-01&to=2026-01-01',
      '/api/reports/period?from=2026-02-30&to=2026-03-01',
      '/api/reports/daily/0000-01-01.csv',
      '/api/reports/daily/2026-02-30.xlsx',
    ]) {
      const answer = await reports(path);
      assert.equal(answer.status, 422, `${path}: ${answer.text}`);
    }
  });

  it('finding 4: admin commands refuse days out of range before PostgreSQL sees them (capacity, closures, report exports)', async () => {
    const refused = (error: unknown) =>
      error instanceof ValidationError && /2000-01-01/.test(error.message);
    await assert.rejects(
      runtime.booking.capacity.limitCapacity({
        hallId: 'citizen-centre',
        from: '0000-01-01',
        to: '2026-12-01',
        percent: 50,
        reason: '限流',
        createdBy: 'test',
      }),
      refused,
    );
    await assert.rejects(
      runtime.calendar.addClosure({
        hallId: 'citizen-centre',
        startsOn: '2026-12-01',
        endsOn: '9999-12-31',
        reason: '消杀',
        createdBy: 'test',
      }),
      refused,
    );
    await assert.rejects(runtime.reports.exportDay('0000-01-01'), refused);
  });

  it('finding 4: an announcement, a closure reason or a capacity reason with control, bidi-override or only invisible characters is refused', async () => {
    const before = await rowCounts(runtime);
    const invalid = (error: unknown) =>
      error instanceof ValidationError && /control|bidirectional|visible/.test(error.message);
    await assert.rejects(
      runtime.announcements.add({
        text: '来厅请佩戴口罩\u0000',
        startsAt: new Date('2026-12-01T00:00:00Z'),
        endsAt: new Date('2026-12-31T00:00:00Z'),
        createdBy: 'test',
      }),
      invalid,
    );
    await assert.rejects(
      runtime.calendar.addClosure({
        hallId: 'citizen-centre',
        startsOn: '2026-12-01',
        endsOn: '2026-12-01',
        reason: '\u202e毒消',
        createdBy: 'test',
      }),
      invalid,
    );
    await assert.rejects(
      runtime.booking.capacity.limitCapacity({
        hallId: 'citizen-centre',
        from: '2026-12-01',
        to: '2026-12-01',
        percent: 50,
        reason: '\u200b\u200b',
        createdBy: 'test',
      }),
      invalid,
    );
    assert.deepEqual(await rowCounts(runtime), before);
  });

  it('finding 4: a name with U+0000, only zero-width characters or a bidi override is refused with 422 and nothing is stored', async () => {
    const slot = await firstSlot(runtime, 'cc-police-move', '2026-12-02');
    const before = await rowCounts(runtime);
    for (const name of ['张\u0000三', '\u200b\u200c\u200d', '\u202e三张', '李\u2066四']) {
      const answer = await send(url, 'POST', '/api/bookings', {
        headers: {
          authorization: `Bearer ${webKey}`,
          'content-type': 'application/json',
          'idempotency-key': `name-${name.codePointAt(1)}`,
        },
        body: JSON.stringify(buildBookingBody({ slotId: slot.id, name })),
      });
      assert.equal(answer.status, 422, answer.text);
      assert.equal(JSON.parse(answer.text).error.details.fields[0].field, 'name');
    }
    assert.deepEqual(await rowCounts(runtime), before);
  });

  it('finding 4: a 10,000-digit Digits value is cut to a bounded length before anything stores it', async () => {
    const incoming = buildIncomingParams();
    await postSigned(url, '/twilio/voice/incoming', incoming);
    const answer = await postSigned(
      url,
      '/twilio/voice/ivr/input?menu=citizen-centre&node=main&attempt=0',
      { ...incoming, Digits: '7'.repeat(10_000) },
    );
    assert.equal(answer.status, 200);
    assert.match(answer.body, /输入有误/);
    // The path waits in Redis until the call's summary writes it to call_steps: both are read.
    const longest = Math.max(
      ...(await runtime.ledger.steps(incoming.CallSid!)).map((step) => step.input?.length ?? 0),
    );
    assert.ok(longest > 0 && longest <= 32, `longest stored input: ${longest}`);
  });

  it('finding 4: an IVR node named __proto__ or toString is no such node: the caller is told politely and hears the main menu', async () => {
    const incoming = buildIncomingParams();
    await postSigned(url, '/twilio/voice/incoming', incoming);
    for (const path of [
      '/twilio/voice/ivr/node?menu=citizen-centre&node=__proto__',
      '/twilio/voice/ivr/input?menu=citizen-centre&node=toString&attempt=0',
      '/twilio/voice/ivr/node?menu=citizen-centre&node=constructor',
    ]) {
      const answer = await postSigned(url, path, { ...incoming, Digits: '1' });
      assert.equal(answer.status, 200);
      assert.match(answer.body, /没有这个选项/, `${path}: ${answer.body}`);
      assert.match(answer.body, /<Gather[^>]*action="[^"]*node=main/, 'the main menu follows');
    }
  });

  it('finding 5: a webhook whose body cannot be read (junk, latin1, corrupt gzip) gets 403 and stores nothing', async () => {
    const before = await rowCounts(runtime);
    const form = 'application/x-www-form-urlencoded';
    const answers = await Promise.all([
      send(url, 'POST', '/twilio/voice/incoming', {
        headers: { 'content-type': form },
        body: `CallSid=${buildCallSid()}&junk=${'%'.repeat(70_000)}`,
      }),
      send(url, 'POST', '/twilio/voice/incoming', {
        headers: { 'content-type': `${form}; charset=latin1` },
        body: `CallSid=${buildCallSid()}`,
      }),
      send(url, 'POST', '/twilio/voice/status', {
        headers: { 'content-type': form, 'content-encoding': 'gzip' },
        body: gzipSync('CallSid=CA1').subarray(0, 9),
      }),
    ]);
    assert.deepEqual(
      answers.map((a) => a.status),
      [403, 403, 403],
    );
    assert.ok(
      answers.every((a) => !a.text.includes('<Response')),
      'no apology TwiML',
    );
    assert.deepEqual(await rowCounts(runtime), before);
  });

  it('issue 26 finding 5: a session cookie that is not valid percent-encoding is no session: public routes answer, protected ones 401, never 500', async () => {
    for (const bad of [
      'sid=%E0%A4%A',
      'sid=%',
      'sid=%zz; other=1',
      'other=%E0%A4%A; sid=%E0%A4%A',
    ]) {
      const headers = { cookie: bad, 'x-requested-with': 'XMLHttpRequest' };
      const answers = await Promise.all([
        send(url, 'GET', '/api/services', { headers }),
        send(url, 'GET', '/api/hotlines', { headers }),
        send(url, 'GET', '/api/agents/me', { headers }),
        send(url, 'POST', '/api/auth/logout', { headers }),
      ]);
      assert.deepEqual(
        answers.map((a) => a.status),
        [200, 200, 401, 401],
        `${bad}: ${answers.map((a) => a.text.slice(0, 120)).join(' | ')}`,
      );
    }
  });

  describe('issue 26 finding 6: NUL, control, bidi-override and unpaired-surrogate text gets 422 before PostgreSQL sees it, and nothing is stored', () => {
    const badTexts = ['W\u0000-1', 'W\u0007-1', '\u202eW-1', 'W-\ud800'];
    const badQueries = [
      '\u0000',
      'citizen\u0001centre',
      '\u202ecitizen-centre',
      'citizen\u0085centre',
    ];
    let runId: number;

    before(async () => {
      runId = (await runtime.reconciliation.service.run('2026-11-30', '2026-12-01', 'test')).id;
    });

    it("when a feed's booking id has such a character (CSV and JSON), then 422 feed_invalid naming booking_id", async () => {
      const slot = await firstSlot(runtime, 'cc-police-move', '2026-12-02');
      const start = DateTime.fromJSDate(slot.startsAt, { zone: 'Asia/Shanghai' }).toISO({
        suppressMilliseconds: true,
      })!;
      const before = await rowCounts(runtime);
      for (const [i, bookingId] of badTexts.entries()) {
        const row = {
          booking_id: bookingId,
          hall: 'citizen-centre',
          service: 'cc-police-move',
          slot_start: start,
          id_number: buildIdNumber(),
          phone: buildMobile(),
          status: 'booked',
        };
        const csv = await postFeed(
          url,
          webKey,
          buildCsvFeed([row]),
          'csv',
          `?from=2026-12-01&to=2026-12-0${2 + (i % 2)}`,
        );
        const json = await postFeed(
          url,
          webKey,
          JSON.stringify({
            from: '2026-12-01',
            to: '2026-12-02',
            bookings: [
              {
                bookingId,
                hall: row.hall,
                service: row.service,
                slotStart: start,
                idNumber: row.id_number,
                phone: row.phone,
                status: 'booked',
              },
            ],
          }),
          'json',
        );
        for (const [format, answer] of [
          ['csv', csv],
          ['json', json],
        ] as const) {
          assert.equal(
            answer.status,
            422,
            `${format} ${JSON.stringify(bookingId)}: ${JSON.stringify(answer.body)}`,
          );
          assert.equal(answer.body.error.code, 'feed_invalid');
          assert.deepEqual(
            answer.body.error.details.problems.map((p: { field: string }) => p.field),
            ['booking_id'],
          );
        }
      }
      assert.deepEqual(await rowCounts(runtime), before);
    });

    it("when ?hall= has such a character on a reconciliation, its open items' CSV or the flagged bookings, then 422", async () => {
      for (const hall of badQueries) {
        const query = `hall=${encodeURIComponent(hall)}`;
        for (const path of [
          `/api/reconciliations/${runId}?${query}`,
          `/api/reconciliations/${runId}/open.csv?${query}`,
          `/api/bookings/flagged?${query}`,
        ]) {
          const answer = await send(url, 'GET', path, { headers: { cookie } });
          assert.equal(answer.status, 422, `${path}: ${answer.text}`);
        }
      }
      assert.equal(
        (
          await send(url, 'GET', `/api/reconciliations/${runId}/open.csv?hall=citizen-centre`, {
            headers: { cookie },
          })
        ).status,
        200,
      );
    });

    it('when a login username has such a character, then 422, and nothing is stored', async () => {
      const before = await rowCounts(runtime);
      for (const username of [...badTexts, `${supervisorId}\u0000`]) {
        const answer = await send(url, 'POST', '/api/auth/login', {
          headers: { 'content-type': 'application/json', 'x-requested-with': 'XMLHttpRequest' },
          body: JSON.stringify({ username, password: 'correct horse battery' }),
        });
        assert.equal(answer.status, 422, `${JSON.stringify(username)}: ${answer.text}`);
      }
      assert.deepEqual(await rowCounts(runtime), before);
    });
  });

  describe('finding 4: generated input (fast-check)', () => {
    before(() => console.log(`      fast-check seed ${seed} (replay with FC_SEED=${seed})`));

    const oddString = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.string({ unit: 'grapheme', maxLength: 20 }),
      fc.constantFrom(
        '',
        '__proto__',
        'toString',
        '0000-01-01',
        '2026-02-30',
        '9999-12-31',
        '\u0000',
        'citizen\u0000centre',
        '\u0085',
        '\u202e',
        '\u200b',
        '\ud800',
        '\ufffd',
        '-1',
        '1e309',
        'NaN',
        '../..',
        '%00',
        '99999999',
        '00000000',
      ),
      fc.string({ unit: fc.constantFrom('1', '9', '#', '*'), minLength: 100, maxLength: 400 }),
    );
    const jsonBody = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.record(
        {
          slotId: fc.oneof(fc.integer(), oddString),
          holdId: oddString,
          name: oddString,
          phone: oddString,
          idNumber: oddString,
        },
        { requiredKeys: [] },
      ),
      fc.record(
        {
          state: fc.constantFrom('available', 'break', 'offline', 'on_call', ''),
          reason: oddString,
        },
        { requiredKeys: [] },
      ),
      fc.record(
        {
          topic: oddString,
          question: oddString,
          answer: oddString,
          resolution: oddString,
          department: oddString,
          agent: oddString,
          username: oddString,
          password: oddString,
        },
        { requiredKeys: [] },
      ),
    );

    /** Percent-encodes; an unpaired surrogate (which encodeURIComponent refuses) is sent as the bytes of no UTF-8 character. */
    const encode = (value: string) => {
      try {
        return encodeURIComponent(value);
      } catch {
        return '%ED%A0%80';
      }
    };

    it('when every route of the app (listed from its router) gets generated paths, queries, bodies, charsets and credentials, then no 5xx and a refusal stores nothing', async function () {
      this.timeout(360_000);
      const routes = listAppRoutes(createApp(runtime)).map(
        (route) => [route.method, route.path] as [method: string, template: string],
      );
      // The list comes from the app itself: a sample of known routes proves it is not empty or partial.
      for (const known of [
        'GET /api/bookings/flagged',
        'GET /api/reconciliations/:id/open.csv',
        'POST /api/auth/login',
        'POST /api/channel-feeds',
        'GET /api/calls/:callSid/outcomes',
        'GET /healthz',
      ]) {
        assert.ok(
          routes.some(([method, path]) => `${method} ${path}` === known),
          `${known} is listed: ${routes.length} routes`,
        );
      }
      console.log(`      ${routes.length} routes listed from the app`);
      const request = fc.record({
        route: fc.constantFrom(...routes),
        params: fc.array(oddString, { minLength: 3, maxLength: 3 }),
        query: fc.dictionary(
          fc.constantFrom(
            'hall',
            'service',
            'from',
            'to',
            'last4',
            'code',
            'full',
            'class',
            'status',
            'day',
            'x',
          ),
          oddString,
          { maxKeys: 4 },
        ),
        body: fc.oneof(
          jsonBody.map((value) => JSON.stringify(value)),
          oddString,
        ),
        contentType: fc.constantFrom(
          'application/json',
          'application/json; charset=utf-8',
          'application/json; charset=latin1',
          'text/plain',
          'application/x-www-form-urlencoded',
        ),
        encoding: fc.constantFrom(undefined, undefined, 'gzip', 'identity', 'x-unknown'),
        who: fc.constantFrom('none', 'web', 'desk', 'staff'),
        idempotencyKey: fc.option(
          oddString.filter((s) => /^[\x21-\x7e]*$/.test(s) && s.length > 0),
        ),
      });
      await fc.assert(
        fc.asyncProperty(request, async (r) => {
          let params = 0;
          const path = r.route[1].replace(/[:*]\w+/g, () => encode(r.params[params++] ?? ''));
          const query = Object.entries(r.query)
            .map(([name, value]) => `${name}=${encode(value)}`)
            .join('&');
          const headers: Record<string, string> = {
            'content-type': r.contentType,
            'x-requested-with': 'XMLHttpRequest',
          };
          if (r.encoding) headers['content-encoding'] = r.encoding;
          if (r.who === 'web') headers.authorization = `Bearer ${webKey}`;
          if (r.who === 'desk') headers.authorization = `Bearer ${deskKey}`;
          if (r.who === 'staff') headers.cookie = cookie;
          if (r.idempotencyKey) headers['idempotency-key'] = r.idempotencyKey;
          const hasBody = r.route[0] !== 'GET';
          const body = hasBody ? (r.encoding === 'gzip' ? gzipSync(r.body) : r.body) : undefined;
          const before = await rowCounts(runtime);
          const answer = await send(url, r.route[0], `${path}${query ? `?${query}` : ''}`, {
            headers,
            ...(body === undefined ? {} : { body }),
          });
          // The readiness probe answers 503 by design while no worker has written the job schedule (none runs here).
          const notReady =
            r.route[1] === '/readyz' &&
            answer.status === 503 &&
            JSON.parse(answer.text).status === 'not ready';
          assert.ok(
            answer.status < 500 || notReady,
            `${r.route[0]} ${path}?${query} -> ${answer.status} ${answer.text}`,
          );
          if (answer.status >= 400)
            assert.deepEqual(
              await rowCounts(runtime),
              before,
              `${r.route[0]} ${path} refused with ${answer.status} but stored rows`,
            );
          // A generated request may have logged the supervisor out.
          if (r.who === 'staff' && r.route[1] === '/api/auth/logout') cookie = await signIn();
        }),
        { seed, numRuns: 500, endOnFailure: true },
      );
    });

    const webhookPaths = [
      '/twilio/voice/incoming',
      '/twilio/voice/fallback',
      '/twilio/voice/status',
      '/twilio/voice/ivr/node?menu=:m&node=:n',
      '/twilio/voice/ivr/input?menu=:m&node=:n&attempt=:a',
      '/twilio/voice/ivr/operator?menu=:m',
      '/twilio/voice/ivr/choice?menu=:m&reason=closed&skill=:n&attempt=:a',
      '/twilio/voice/ivr/commissioner?menu=:m',
      '/twilio/voice/queue/wait?menu=:m&skill=:n',
      '/twilio/voice/queue/wait-input?menu=:m&skill=:n',
      '/twilio/voice/queue/result?menu=:m&skill=:n',
      '/twilio/voice/agents/connect?agent=:n&call=:c',
      '/twilio/voice/agents/dial-result?agent=:n&call=:c',
      '/twilio/voice/agents/leg-status?agent=:n&call=:c',
      '/twilio/voice/agents/queue-wait?call=:c&menu=:m&skill=:n',
      '/twilio/voice/agents/transfer-enqueue?call=:c&menu=:m&skill=:n',
      '/twilio/voice/agents/callback/connect?request=:a&agent=:n',
      '/twilio/voice/agents/callback/result?request=:a&agent=:n',
      '/twilio/voice/agents/callback/status?request=:a&agent=:n',
      '/twilio/voice/booking/start?menu=:m&node=:n',
      '/twilio/voice/booking/service?menu=:m&node=:n',
      '/twilio/voice/booking/day?menu=:m&node=:n',
      '/twilio/voice/booking/period?menu=:m&node=:n',
      '/twilio/voice/booking/slot?menu=:m&node=:n',
      '/twilio/voice/booking/id?menu=:m&node=:n',
      '/twilio/voice/booking/confirm?menu=:m&node=:n',
      '/twilio/voice/booking/again?menu=:m&node=:n',
      '/twilio/voice/booking/lookup?menu=:m&node=:n',
      '/twilio/voice/booking/lookup/choice?menu=:m&node=:n',
      '/twilio/voice/booking/lookup/code?menu=:m&node=:n',
      '/twilio/voice/booking/lookup/pick?menu=:m&node=:n&ids=:c',
      '/twilio/voice/booking/lookup/cancel?menu=:m&node=:n&booking=:c',
      '/twilio/voice/booking/lookup/confirm?menu=:m&node=:n&booking=:c',
    ];

    it('when every webhook gets generated, correctly signed parameters, then no 5xx and a refusal stores nothing', async function () {
      this.timeout(240_000);
      const twilioValue = fc.oneof(
        oddString,
        fc.constantFrom(
          '+8613904691234',
          '+864694226101',
          'completed',
          'in-progress',
          '999999999999',
          '-5',
          'bridged',
          'leave',
        ),
      );
      const request = fc.record({
        path: fc.constantFrom(...webhookPaths),
        menu: fc.oneof(fc.constantFrom('citizen-centre', 'cc-police'), oddString),
        node: fc.oneof(
          fc.constantFrom('main', 'book-general', 'lookup', 'cc-general', '__proto__'),
          oddString,
        ),
        attempt: fc.oneof(fc.constantFrom('0', '1', '2'), oddString),
        callRef: oddString,
        callSid: fc.oneof(fc.constant(undefined), fc.constant('fresh'), oddString),
        params: fc.dictionary(
          fc.constantFrom(
            'From',
            'To',
            'Digits',
            'SpeechResult',
            'Confidence',
            'CallStatus',
            'CallDuration',
            'SequenceNumber',
            'Timestamp',
            'QueueResult',
            'QueueTime',
            'QueuePosition',
            'QueueSid',
            'DialCallStatus',
            'ErrorCode',
          ),
          twilioValue,
          { maxKeys: 6 },
        ),
      });
      await fc.assert(
        fc.asyncProperty(request, async (r) => {
          const path = r.path
            .replace(':m', encode(r.menu))
            .replace(':n', encode(r.node))
            .replace(/:a/g, encode(r.attempt))
            .replace(/:c/g, encode(r.callRef));
          const params: Record<string, string> = {
            AccountSid: 'AC00000000000000000000000000000000',
            ...r.params,
          };
          if (r.callSid !== undefined)
            params.CallSid = r.callSid === 'fresh' ? buildCallSid() : r.callSid;
          const before = await rowCounts(runtime);
          const answer = await postSigned(url, path, params);
          assert.ok(
            answer.status < 500,
            `${path} ${JSON.stringify(params)} -> ${answer.status} ${answer.body}`,
          );
          if (answer.status >= 400)
            assert.deepEqual(
              await rowCounts(runtime),
              before,
              `${path} refused with ${answer.status} but stored rows`,
            );
        }),
        { seed, numRuns: 300, endOnFailure: true },
      );
    });
  });
});
