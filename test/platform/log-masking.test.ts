import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createFixedClock } from '../../src/platform/clock.js';
import { createLogger, maskPersonalNumbers } from '../../src/platform/logger.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { startTestServer, testConfig, testRun } from '../support/env.js';
import { buildCallSid, buildIncomingParams, postSigned } from '../support/twilio.js';

/** Any full phone or ID number a log line must never carry. */
const FULL_NUMBER =
  /(?<![0-9A-Fa-f])(?:\+?86)?1[3-9]\d{9}(?!\d)|\+86\d{6,}|(?<![0-9A-Fa-f])\d{17}[\dXx](?![\dXx])/;

/** A TCP relay to PostgreSQL that can be cut, so that the database goes down in the middle of a call. */
async function startRelay(target: { host: string; port: number }) {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => socket.destroy());
      socket.on('close', () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    /** Closes the port and every open connection: PostgreSQL is unreachable from now on. */
    cut: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

describe('logs carry no phone or ID number', () => {
  it('when a text holds phone and ID numbers, then each is masked and ids stay readable', () => {
    const text =
      'Failed query: insert into calls values ($1, $2) params: +8613904691234,CA13904691234aa13904691234bbbbbbbbbb,13904691234,230502199001011234,0469-4221001';
    const masked = maskPersonalNumbers(text);
    assert.doesNotMatch(masked, FULL_NUMBER, masked);
    assert.ok(
      masked.includes('CA13904691234aa13904691234bbbbbbbbbb'),
      'a call SID is not a phone number',
    );
    assert.ok(masked.includes('+86*******1234') && masked.includes('2305**********1234'), masked);
  });

  it('finding 3: a number inside an error message, its cause, its stack, a nested field or the message itself is masked', () => {
    const lines: string[] = [];
    const logger = createLogger(
      'info',
      new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }),
    );
    const cause = new Error(
      'Failed query: insert into calls params: +8613904691234,230502199001011234',
    );
    const error = new Error('could not book for 13904691234', { cause });
    logger.child({ component: 'test' }).error(
      {
        err: error,
        nested: { deep: [{ value: '230502199001011234' }], caller: '8613904691234' },
      },
      'request for +8613904691234 failed',
    );
    const line = lines.join('');
    assert.doesNotMatch(line, FULL_NUMBER, line);
    assert.match(line, /could not book for \*+1234/, 'the message keeps its last digits');
    assert.match(line, /2305\*{10}1234/, 'the cause and the nested ID number are masked');
    assert.match(line, /request for \+86\*+1234 failed/);
  });

  describe('finding 3: PostgreSQL down during a call, then failing paths log masked numbers only', () => {
    let runtime: Runtime;
    let url: string;
    const lines: string[] = [];
    let relay: Awaited<ReturnType<typeof startRelay>>;

    before(async function () {
      this.timeout(30_000);
      const target = new URL(testRun.databaseUrl);
      relay = await startRelay({ host: target.hostname, port: Number(target.port || 5432) });
      target.host = `127.0.0.1:${relay.port}`;
      const config = testConfig({ DATABASE_URL: target.toString(), LOG_LEVEL: 'info' });
      const sink = new Writable({
        write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()),
      });
      runtime = await createRuntime(config, {
        clock: createFixedClock('2026-03-02T02:00:00Z'),
        logger: createLogger('info', sink),
      });
      url = (await startTestServer(runtime)).url;
      await relay.cut();
    });

    after(() => runtime.close());

    it('when the incoming call and status callbacks fail and an ID number is keyed in, then the log names the failures and no full number', async function () {
      this.timeout(30_000);
      const idNumber = '230502199001011234';
      const incoming = buildIncomingParams({ From: '+8613904691234', Caller: '+8613904691234' });
      const answer = await postSigned(url, '/twilio/voice/incoming', incoming);
      assert.equal(answer.status, 200, 'Twilio still gets TwiML');
      // The keyed-in digits wait with the call's path in Redis (the summary writes them): the
      // step needs no database and answers as usual; the leak check below covers the ID number.
      const step = await postSigned(
        url,
        '/twilio/voice/ivr/input?menu=citizen-centre&node=main&attempt=0',
        { ...incoming, Digits: idNumber },
      );
      assert.equal(step.status, 200, 'the IVR step still answers with TwiML');
      await postSigned(url, '/twilio/voice/status', {
        AccountSid: incoming.AccountSid!,
        CallSid: incoming.CallSid!,
        CallStatus: 'completed',
        SequenceNumber: '3',
        CallDuration: '30',
        From: '+8613904691234',
        To: incoming.To!,
        Direction: 'inbound',
      });
      await postSigned(url, '/twilio/voice/status', {
        CallSid: buildCallSid(),
        CallStatus: 'exploded',
        From: '+8613904691234',
        Caller: '13904691234',
        To: incoming.To!,
      });
      await postSigned(url, '/twilio/voice/fallback', {
        ...incoming,
        ErrorCode: '11200',
        ErrorUrl: `https://hotline.example.test/twilio/voice/incoming?from=${incoming.From!}`,
      });

      const output = lines.join('');
      assert.match(
        output,
        /could not record the call arrival/,
        'the failed incoming call is logged',
      );
      assert.match(output, /status not stored/, 'the failed status callback is logged');
      assert.match(output, /unreadable status callback/, 'the bad status callback is logged');
      assert.ok(
        output.includes('+86*******1234'),
        'the caller appears masked (the number was in the errors)',
      );
      const leaks = lines.filter((line) => FULL_NUMBER.test(line));
      assert.deepEqual(leaks, [], `log lines with a full number:\n${leaks.join('')}`);
    });
  });
});
