import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import express from 'express';
import fc from 'fast-check';
import { sendJsonPaced } from '../../src/platform/json-response.js';
import { testSeed } from '../support/random.js';

describe('paced JSON answers', () => {
  it('when any JSON value (long lists, nested objects, dates, undefined fields) is sent piece by piece, then the client reads what res.json would have sent', async () => {
    let value: unknown;
    const app = express();
    app.get('/paced', (_req, res) => sendJsonPaced(res, value));
    app.get('/plain', (_req, res) => {
      res.json(value);
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const leaf = fc.oneof(
        fc.jsonValue({ maxDepth: 2 }),
        fc.date({ noInvalidDate: true }),
        fc.constant(undefined),
      );
      const long = fc.array(
        fc.record({
          id: fc.integer(),
          name: fc.string(),
          when: fc.date({ noInvalidDate: true }),
          gone: fc.constant(undefined),
        }),
        { minLength: 101, maxLength: 400 },
      );
      const shape = fc.record({
        id: fc.integer(),
        items: fc.dictionary(fc.string(), fc.oneof(long, fc.array(leaf))),
        note: leaf,
      });
      await fc.assert(
        fc.asyncProperty(shape, async (generated) => {
          value = generated;
          const [paced, plain] = await Promise.all([
            fetch(`${base}/paced`),
            fetch(`${base}/plain`),
          ]);
          assert.equal(paced.headers.get('content-type'), plain.headers.get('content-type'));
          assert.equal(await paced.text(), await plain.text());
        }),
        { numRuns: 40, seed: testSeed },
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
