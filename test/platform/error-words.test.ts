import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import { ConflictError, ValidationError } from '../../src/platform/errors.js';
import { jsonErrorHandler } from '../../src/platform/http.js';

/** A bare app whose routes throw what the components throw, behind the one JSON error handler. */
async function serveThrowing(): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  app.use(express.json());
  app.get('/full', () => {
    throw new ConflictError('the slot is fully booked', 'slot_full');
  });
  app.get('/invalid', () => {
    throw new ValidationError('invalid request: phone: not a mobile', {
      fields: [{ field: 'phone', reason: 'not a mobile' }],
    });
  });
  app.get('/unknown-code', () => {
    throw new ConflictError('something new', 'some_new_code');
  });
  app.get('/crash', () => {
    throw new Error('a bug');
  });
  app.post('/json', (_req, res) => {
    res.json({});
  });
  app.use(jsonErrorHandler(pino({ level: 'silent' })));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('API errors in Chinese beside the code', () => {
  let served: Awaited<ReturnType<typeof serveThrowing>>;
  before(async () => {
    served = await serveThrowing();
  });
  after(() => served.close());

  const read = async (path: string, init?: RequestInit) => {
    const response = await fetch(`${served.url}${path}`, init);
    return {
      status: response.status,
      body: (await response.json()) as {
        error: { code: string; message: string; messageZh: string; details?: unknown };
      },
    };
  };

  it('when a known error is thrown, then the body keeps its English code and message and adds the Chinese sentence', async () => {
    assert.deepEqual(await read('/full'), {
      status: 409,
      body: {
        error: {
          code: 'slot_full',
          message: 'the slot is fully booked',
          messageZh: '该时段已约满，请另选时段',
        },
      },
    });
    const invalid = await read('/invalid');
    assert.equal(invalid.status, 422);
    assert.equal(invalid.body.error.messageZh, '填写的内容有误，请按提示更正');
    assert.deepEqual(invalid.body.error.details, {
      fields: [{ field: 'phone', reason: 'not a mobile' }],
    });
  });

  it('when the code has no words yet, a body cannot be read or the server fails, then messageZh is still Chinese', async () => {
    assert.equal((await read('/unknown-code')).body.error.messageZh, '请求未被接受，请检查后重试');
    const broken = await read('/json', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":',
    });
    assert.deepEqual(
      [broken.status, broken.body.error.code, broken.body.error.messageZh],
      [400, 'bad_request', '请求格式有误，无法读取'],
    );
    const crash = await read('/crash');
    assert.deepEqual(crash, {
      status: 500,
      body: {
        error: {
          code: 'internal',
          message: 'internal error',
          messageZh: '服务器暂时无法处理，请稍后重试',
        },
      },
    });
  });
});
