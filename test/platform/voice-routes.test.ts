import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { createVoiceRoutes, voiceDispatcher } from '../../src/platform/voice-routes.js';

describe('voice webhooks served by one dispatcher', () => {
  it('when a path is listed twice, across components or in one, then building the routes fails at start', () => {
    const ivr = createVoiceRoutes();
    ivr.post('/incoming', () => undefined);
    assert.throws(() => ivr.post('/incoming', () => undefined), /defined twice/);
    const other = createVoiceRoutes();
    other.post('/INCOMING', () => undefined);
    assert.throws(
      () =>
        voiceDispatcher(
          [ivr, other],
          (_req, _res, next) => next(),
          () => undefined,
        ),
      /served twice/,
    );
  });

  it('when requests come, then only voice paths are guarded; a handler is found whatever the case or a trailing slash; failures reach the error handler; the rest goes on', async () => {
    const guarded: string[] = [];
    const guard: RequestHandler = (req, res, next) => {
      guarded.push(req.url);
      if (req.header('x-refuse')) res.status(403).send('refused');
      else next();
    };
    const onError: ErrorRequestHandler = (error: Error, _req, res, _next) => {
      res.status(200).type('text/xml').send(`<Response><Say>${error.message}</Say></Response>`);
    };
    const routes = createVoiceRoutes();
    routes.post('/ivr/input', (req, res) => {
      res.type('text/xml').send(`<Response><Say>${String(req.query.node)}</Say></Response>`);
    });
    routes.post('/throws', () => {
      throw new Error('sync failure');
    });
    routes.post('/rejects', async () => {
      throw new Error('async failure');
    });
    const app = express();
    app.use(voiceDispatcher([routes], guard, onError));
    app.use((req, res) => {
      res.status(404).send(`not found: ${req.method} ${req.path}`);
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const send = async (method: string, path: string, headers: Record<string, string> = {}) => {
      const response = await fetch(`${base}${path}`, { method, headers });
      return `${response.status} ${await response.text()}`;
    };
    try {
      assert.equal(
        await send('POST', '/twilio/voice/ivr/input?node=main'),
        '200 <Response><Say>main</Say></Response>',
      );
      assert.equal(
        await send('POST', '/twilio/voice/IVR/Input/?node=menu'),
        '200 <Response><Say>menu</Say></Response>',
      );
      assert.equal(
        await send('POST', '/twilio/voice/throws'),
        '200 <Response><Say>sync failure</Say></Response>',
      );
      assert.equal(
        await send('POST', '/twilio/voice/rejects'),
        '200 <Response><Say>async failure</Say></Response>',
      );
      assert.equal(
        await send('POST', '/twilio/voice/ivr/input', { 'x-refuse': '1' }),
        '403 refused',
      );
      assert.equal(
        await send('POST', '/twilio/voice/nowhere'),
        '404 not found: POST /twilio/voice/nowhere',
      );
      assert.equal(
        await send('GET', '/twilio/voice/ivr/input'),
        '404 not found: GET /twilio/voice/ivr/input',
      );
      assert.equal(await send('POST', '/api/ivr/input'), '404 not found: POST /api/ivr/input');
      assert.equal(
        await send('POST', '/twilio/voiceover'),
        '404 not found: POST /twilio/voiceover',
      );
      assert.deepEqual(guarded, [
        '/twilio/voice/ivr/input?node=main',
        '/twilio/voice/IVR/Input/?node=menu',
        '/twilio/voice/throws',
        '/twilio/voice/rejects',
        '/twilio/voice/ivr/input',
        '/twilio/voice/nowhere',
        '/twilio/voice/ivr/input',
      ]);
    } finally {
      server.close();
    }
  });
});
