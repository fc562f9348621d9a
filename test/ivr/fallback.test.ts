import assert from 'node:assert/strict';
import { createScheduleRecovery } from '../../src/jobs.js';
import type { Runtime } from '../../src/runtime.js';
import { createTestRuntime, startTestServer } from '../support/env.js';
import { buildIncomingParams, postSigned } from '../support/twilio.js';
import { expectValidTwiml } from '../support/twiml.js';

describe('when PostgreSQL and Redis are both unreachable', () => {
  let runtime: Runtime;
  let url: string;

  before(async () => {
    runtime = await createTestRuntime();
    url = (await startTestServer(runtime)).url;
    await runtime.database.close();
    runtime.redis.disconnect();
  });

  it('then the fallback URL answers an apology with the hall and a goodbye, valid TwiML', async () => {
    const response = await postSigned(url, '/twilio/voice/fallback', {
      ...buildIncomingParams(),
      ErrorCode: '11200',
      ErrorUrl: 'https://hotline.example.test/twilio/voice/incoming',
    });
    assert.equal(response.status, 200);
    await expectValidTwiml(response.body);
    assert.match(response.body, /<Say language="cmn-CN"[^>]*>[^<]*抱歉/);
    assert.ok(
      response.body.includes(runtime.catalogue.prompts.say('city.fallback')),
      "the city's fallback sentence, from the prompts catalogue",
    );
    assert.match(response.body, /<Hangup\/>/);
  });

  it('then the fallback answers even for an unknown number', async () => {
    const response = await postSigned(
      url,
      '/twilio/voice/fallback',
      buildIncomingParams({ To: '+864690000000' }),
    );
    assert.equal(response.status, 200);
    await expectValidTwiml(response.body);
  });

  it('then the main webhook still answers 200 with TwiML, never a 5xx', async () => {
    const response = await postSigned(url, '/twilio/voice/incoming', buildIncomingParams());
    assert.equal(response.status, 200);
    await expectValidTwiml(response.body);
  });

  it('then /readyz says not ready and /healthz stays alive', async () => {
    const ready = await fetch(`${url}/readyz`);
    assert.equal(ready.status, 503);
    const body = (await ready.json()) as { checks: Record<string, { ok: boolean }> };
    assert.equal(body.checks.postgres?.ok, false);
    assert.equal(body.checks.redis?.ok, false);
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
  });
});

describe('GET /readyz', () => {
  it('when PostgreSQL and Redis answer and a worker has built the job schedule, then 200 ready', async () => {
    const runtime = await createTestRuntime();
    await createScheduleRecovery(runtime).check();
    const { url } = await startTestServer(runtime);
    const response = await fetch(`${url}/readyz`);
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as { status: string }).status, 'ready');
  });
});
