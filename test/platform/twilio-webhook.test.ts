import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express, { type ErrorRequestHandler } from 'express';
import fc from 'fast-check';
import { DEV_AUTH_TOKEN } from '../../src/platform/config.js';
import { createLogger } from '../../src/platform/logger.js';
import {
  signTwilioRequest,
  twilioBodyParser,
  twilioSignatureCheck,
} from '../../src/platform/twilio-webhook.js';
import { PUBLIC_BASE_URL } from '../support/env.js';

describe('Twilio webhook body and signature check', () => {
  it('finding 5: a body that cannot be read is refused with 403 and logged at warning level, not as an error', async () => {
    const lines: string[] = [];
    const logger = createLogger(
      'info',
      new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }),
    );
    const app = express();
    app.post(
      '/hook',
      twilioBodyParser,
      twilioSignatureCheck({ authToken: DEV_AUTH_TOKEN, publicBaseUrl: PUBLIC_BASE_URL, logger }),
      (_req, res) => {
        res.status(200).send('reached');
      },
    );
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      const junk = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `a=${'%zz'.repeat(25_000)}`,
      });
      const latin1 = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded; charset=latin1',
          'x-twilio-signature': 'abc',
        },
        body: 'CallSid=CA1',
      });
      assert.deepEqual([junk.status, latin1.status], [403, 403]);
      const levels = lines.map((line) => JSON.parse(line) as { level: number; msg: string });
      assert.deepEqual(
        levels.map((l) => [l.level, l.msg]),
        [
          [40, 'rejected a webhook whose body cannot be read'],
          [40, 'rejected a webhook whose body cannot be read'],
        ],
      );
    } finally {
      server.close();
    }
  });

  it("when Twilio's plain form is read directly, then it gives the parameters express.urlencoded gives, and refuses what it refuses", async () => {
    const seed = Number(process.env.FC_SEED ?? 20261202);
    const form = 'application/x-www-form-urlencoded';
    const app = express();
    // The reference: express.urlencoded as the general path uses it; a refusal answers 422.
    const refused: ErrorRequestHandler = (_error, _req, res, _next) => {
      res.status(422).json({ refused: true });
    };
    app.post('/reference', express.urlencoded({ extended: false, limit: '64kb' }), (req, res) => {
      res.json(req.body ?? {});
    });
    app.use(refused);
    app.post(
      '/hook',
      twilioBodyParser,
      twilioSignatureCheck({
        authToken: DEV_AUTH_TOKEN,
        publicBaseUrl: PUBLIC_BASE_URL,
        logger: createLogger('silent'),
      }),
      (req, res) => {
        res.json(req.body);
      },
    );
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // With a length the direct path reads it; streamed (chunked, no length) it goes through express.urlencoded.
    const post = (path: string, body: string, headers: Record<string, string>, streamed: boolean) =>
      fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': form, ...headers },
        body: streamed ? new Blob([body]).stream() : body,
        ...(streamed ? { duplex: 'half' } : {}),
      } as RequestInit);
    const key = fc.constantFrom(
      'CallSid',
      'Digits',
      'SpeechResult',
      'a',
      'a[b]',
      'a[]',
      'a%5Bb%5D',
      '__proto__',
      'constructor',
      '',
      '+',
      '%zz',
      '中文',
    );
    const value = fc.oneof(
      fc.string(),
      fc.constantFrom(
        '%E4%BD%A0%E5%A5%BD',
        '%zz',
        '%',
        '+1+2',
        'a%2Bb',
        '%F0%9F%98%80',
        '%C3',
        '&',
        '=',
      ),
    );
    const body = fc.oneof(
      fc
        .array(fc.tuple(key, value), { maxLength: 8 })
        .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&')),
      fc.string({ maxLength: 60 }),
      fc.constant(Array.from({ length: 1001 }, (_, i) => `p${i}=1`).join('&')),
    );
    try {
      await fc.assert(
        fc.asyncProperty(body, fc.boolean(), async (text, streamed) => {
          fc.pre(text.length > 0);
          const expected = await post('/reference', text, {}, false);
          const params = (await expected.json()) as Record<string, string>;
          const signature =
            expected.status === 200
              ? signTwilioRequest(DEV_AUTH_TOKEN, `${PUBLIC_BASE_URL}/hook`, params)
              : 'none';
          const answer = await post('/hook', text, { 'x-twilio-signature': signature }, streamed);
          if (expected.status === 200) {
            assert.equal(answer.status, 200, `${JSON.stringify(text)} was refused`);
            assert.deepEqual(await answer.json(), params);
          } else {
            assert.equal(answer.status, 403, `${JSON.stringify(text)} was read`);
            assert.match(await answer.text(), /unreadable webhook body/);
          }
        }),
        { seed, numRuns: 300, endOnFailure: true },
      );
    } finally {
      server.close();
    }
  });
});
