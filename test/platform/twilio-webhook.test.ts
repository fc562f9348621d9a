import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import { DEV_AUTH_TOKEN } from '../../src/platform/config.js';
import { createLogger } from '../../src/platform/logger.js';
import { twilioBodyParser, twilioSignatureCheck } from '../../src/platform/twilio-webhook.js';
import { PUBLIC_BASE_URL } from '../support/env.js';

describe('Twilio webhook body and signature check', () => {
  it('finding 5: a body that cannot be read is refused with 403 and logged at warning level, not as an error', async () => {
    const lines: string[] = [];
    const logger = createLogger('info', new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }));
    const app = express();
    app.post('/hook', twilioBodyParser, twilioSignatureCheck({ authToken: DEV_AUTH_TOKEN, publicBaseUrl: PUBLIC_BASE_URL, logger }), (_req, res) => {
      res.status(200).send('reached');
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      const junk = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `a=${'%zz'.repeat(25_000)}` });
      const latin1 = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=latin1', 'x-twilio-signature': 'abc' }, body: 'CallSid=CA1' });
      assert.deepEqual([junk.status, latin1.status], [403, 403]);
      const levels = lines.map((line) => (JSON.parse(line) as { level: number; msg: string }));
      assert.deepEqual(levels.map((l) => [l.level, l.msg]), [
        [40, 'rejected a webhook whose body cannot be read'],
        [40, 'rejected a webhook whose body cannot be read'],
      ]);
    } finally {
      server.close();
    }
  });
});
