import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { createFixedClock } from '../../src/platform/clock.js';
import type { Runtime } from '../../src/runtime.js';
import { browserPresent, launchChromium, openWatchedPage } from '../support/browser.js';
import { startSipStandIn, type SipStandIn } from '../support/sip-stand-in.js';
import { postSigned } from '../support/twilio.js';
import { assertTwimlCore } from '../support/twiml-core.js';
import {
  closeRoutingRuntimes,
  createAgent,
  eventually,
  queueCall,
  routingRuntime,
  serveRouting,
  startTwilioMock,
  type TwilioMock,
} from './agents-support.js';

/** Where the screenshots go (git-ignored); the README names it. */
const SCREENSHOTS = 'test-artifacts/screenshots';
const DOMAIN = 'hotline.sip.example.cn';
const SIP_PASSWORD = 'sip-secret-for-the-stand-in';

describe('agent panel under TELEPHONY_PROFILE=twiml-core: the SIP softphone in a real browser', function () {
  this.timeout(60_000);
  let mock: TwilioMock;
  let sip: SipStandIn;
  let runtime: Runtime;
  let url: string;
  let browser: Browser;
  const passwords = new Map<string, string>();
  const problems: string[] = [];

  before(async function () {
    if (!browserPresent()) this.skip();
    mock = await startTwilioMock();
    sip = await startSipStandIn({ domain: DOMAIN, passwords });
    runtime = await routingRuntime(mock, createFixedClock('2026-03-02T02:00:00Z'), {
      TELEPHONY_PROFILE: 'twiml-core',
      SIP_WS_URL: sip.url,
      SIP_DOMAIN: DOMAIN,
    });
    url = await serveRouting(runtime);
    browser = await launchChromium();
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await closeRoutingRuntimes();
    await sip?.close();
    await mock?.close();
  });

  const openPage = (): Promise<Page> => openWatchedPage(browser, problems);

  it('when an agent with a SIP address and password logs in, then the softphone registers with their credentials, and a caller connected to their SIP address shows on the call card and rings the softphone', async () => {
    const agent = await createAgent(runtime, { skills: ['cc-general'] });
    const aor = `sip:${agent}@${DOMAIN}`;
    await runtime.staff.setPhone(agent, { sipAddress: aor, sipPassword: SIP_PASSWORD });
    passwords.set(aor, SIP_PASSWORD);
    const stored = await runtime.staff.findUser(agent);
    assert.ok(
      stored?.sipPasswordSealed && !stored.sipPasswordSealed.includes(SIP_PASSWORD),
      'the SIP password is stored encrypted',
    );

    const page = await openPage();
    const response = await page.goto(`${url}/panel/`);
    assert.match(
      response!.headers()['content-security-policy'] ?? '',
      new RegExp(`connect-src [^;]*${sip.url.replace(/[.]/g, '\\.')}`),
    );
    await page.getByLabel('用户名').fill(agent);
    await page.getByLabel('密码').fill('correct horse battery');
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/desk\.html$/);

    await page
      .locator('#softphone-status', { hasText: '软电话已注册' })
      .waitFor({ timeout: 20_000 });
    const registered = sip.registrations.filter((r) => r.aor === aor);
    assert.ok(registered.length >= 1, `REGISTER for ${aor}`);
    assert.deepEqual(
      { username: registered.at(-1)!.username, digestValid: registered.at(-1)!.digestValid },
      { username: agent, digestValid: true },
    );
    assert.match(sip.received[0]!, /^REGISTER sip:hotline\.sip\.example\.cn SIP\/2\.0\r\n/);
    assert.doesNotMatch(
      sip.received[0]!,
      /\r\nAuthorization:/,
      'the first REGISTER is challenged (401) before it carries a digest',
    );

    await page.getByRole('button', { name: '空闲' }).click();
    await page.locator('#agent-state[data-state="available"]').waitFor();

    const { callSid } = await queueCall(runtime, { skill: 'cc-general' });
    // Routing re-points the live call over REST: the provider then fetches the connect URL.
    const update = await eventually(
      async () =>
        mock.requests.find(
          (r) => r.method === 'POST' && r.path.endsWith(`/Calls/${callSid}.json`) && r.params.Url,
        ),
      'the REST update of the live call',
    );
    const connect = new URL(String(update.params.Url));
    assert.equal(connect.searchParams.get('agent'), agent);
    const answer = await postSigned(url, `${connect.pathname}${connect.search}`, {
      AccountSid: 'AC00000000000000000000000000000000',
      CallSid: callSid,
      From: '+8613904691234',
      To: '+864694226101',
    });
    assertTwimlCore(answer.body, 'connect');
    assert.match(answer.body, new RegExp(`<Sip>${aor}</Sip>`));

    await page.locator(`#call-card[data-call-sid="${callSid}"]`).waitFor();
    assert.equal(await page.locator('#call-from').textContent(), '139****1234');
    // What the provider's <Dial><Sip> does: an INVITE to the registered softphone, which rings on the panel.
    sip.invite(aor);
    await eventually(
      async () => (await page.locator('#answer').isEnabled()) || undefined,
      'the answer button enabled by the ringing softphone',
    );
    await page.screenshot({ path: `${SCREENSHOTS}/panel-sip-softphone.png`, fullPage: true });
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('when an agent has no SIP password, then the softphone says in Chinese that it is not set up, and the API gives no credentials', async () => {
    const agent = await createAgent(runtime, { skills: ['cc-general'] });
    await runtime.staff.setPhone(agent, { sipAddress: `sip:${agent}@${DOMAIN}` });
    const page = await openPage();
    await page.goto(`${url}/panel/`);
    await page.getByLabel('用户名').fill(agent);
    await page.getByLabel('密码').fill('correct horse battery');
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/desk\.html$/);
    await page
      .locator('#softphone-status', { hasText: '软电话未连接：未配置软电话账号' })
      .waitFor();
    const softphone = await page.evaluate(async () =>
      (await fetch('/api/agents/me/softphone')).json(),
    );
    assert.deepEqual(softphone, { kind: 'none' });
    await page.context().close();
  });
});
