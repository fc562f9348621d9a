import assert from 'node:assert/strict';
import { createFixedClock } from '../../src/platform/clock.js';
import {
  client,
  createAgent,
  routingRuntime,
  serveRouting,
  useTwilioMockSuite,
} from './agents-support.js';

const DOMAIN = 'hotline.sip.example.cn';
const SIP_WS_URL = 'wss://sip.provider.example.cn:7443';

describe("GET /api/agents/me/softphone: what the panel's softphone registers with", function () {
  this.timeout(30_000);
  const mock = useTwilioMockSuite();
  const clock = () => createFixedClock('2026-03-02T02:00:00Z');

  it('when the profile is twiml-core, then each agent gets their own SIP account and password (not cached), one without a password gets none, and nobody logged out gets anything', async () => {
    const runtime = await routingRuntime(mock(), clock(), {
      TELEPHONY_PROFILE: 'twiml-core',
      SIP_WS_URL,
      SIP_DOMAIN: DOMAIN,
    });
    const url = await serveRouting(runtime);
    const [first, second, bare] = [
      await createAgent(runtime, { skills: ['cc-general'] }),
      await createAgent(runtime, { skills: ['cc-general'] }),
      await createAgent(runtime, { skills: ['cc-general'] }),
    ];
    await runtime.staff.setPhone(first, {
      sipAddress: `sip:${first}@${DOMAIN}`,
      sipPassword: 'first-secret',
    });
    await runtime.staff.setPhone(second, {
      sipAddress: `sip:${second}@${DOMAIN}`,
      sipPassword: 'second-secret',
    });
    await runtime.staff.setPhone(bare, { sipAddress: `sip:${bare}@${DOMAIN}` });

    const browser = client(url);
    assert.equal((await browser.request('GET', '/api/agents/me/softphone')).status, 401);
    await browser.login(first);
    const response = await fetch(`${url}/api/agents/me/softphone`, {
      headers: { cookie: browser.cookie },
    });
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.deepEqual(await response.json(), {
      kind: 'sip',
      wsUrl: SIP_WS_URL,
      uri: `sip:${first}@${DOMAIN}`,
      password: 'first-secret',
    });

    const other = client(url);
    await other.login(second);
    assert.equal(
      (await other.request('GET', '/api/agents/me/softphone')).body.password,
      'second-secret',
    );
    const none = client(url);
    await none.login(bare);
    assert.deepEqual((await none.request('GET', '/api/agents/me/softphone')).body, {
      kind: 'none',
    });

    // Clearing the password (an empty value) takes the account away.
    await runtime.staff.setPhone(first, { sipPassword: '' });
    assert.deepEqual((await browser.request('GET', '/api/agents/me/softphone')).body, {
      kind: 'none',
    });
  });

  it("when the profile is twilio, then the answer is the Voice SDK token as before, and the pages' CSP names no SIP server", async () => {
    const runtime = await routingRuntime(mock(), clock(), { SIP_WS_URL });
    const url = await serveRouting(runtime);
    const agent = await createAgent(runtime, { skills: ['cc-general'] });
    const browser = client(url);
    await browser.login(agent);
    const { body } = await browser.request('GET', '/api/agents/me/softphone');
    assert.equal(body.kind, 'twilio');
    assert.equal(body.identity, agent);
    assert.match(String(body.token), /^[\w-]+\.[\w-]+\.[\w-]+$/);
    const page = await fetch(`${url}/panel/`);
    assert.doesNotMatch(page.headers.get('content-security-policy') ?? '', /sip\.provider/);
  });
});
