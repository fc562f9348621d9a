import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { Runtime } from '../../src/runtime.js';
import { browserPresent, launchChromium } from '../support/browser.js';
import {
  closeRoutingRuntimes,
  createAgent,
  routingRuntime,
  serveRouting,
  startTwilioMock,
  type TwilioMock,
} from './agents-support.js';

const PASSWORD = 'correct horse battery';

describe("the panel on a hall's network (plain HTTP, a host name that is not localhost)", function () {
  this.timeout(60_000);
  let mock: TwilioMock;
  let runtime: Runtime;
  let lanUrl: string;
  let browser: Browser;

  before(async function () {
    if (!browserPresent()) this.skip();
    mock = await startTwilioMock();
    runtime = await routingRuntime(mock, undefined, { PUBLIC_BASE_URL: 'http://hall-pc.test' });
    const port = new URL(await serveRouting(runtime)).port;
    lanUrl = `http://hall-pc.test:${port}`;
    // Stands in for the hall's DNS: the panel is reached by a LAN name over plain HTTP.
    browser = await launchChromium(['--host-resolver-rules=MAP hall-pc.test 127.0.0.1']);
  });
  after(async () => {
    await browser?.close();
    await closeRoutingRuntimes();
    await mock?.close();
  });

  it('when an agent opens the panel by its LAN address over HTTP, then its scripts and styles load and the agent logs in', async () => {
    const agent = await createAgent(runtime, { skills: ['cc-fund'] });
    const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    const refused: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) refused.push(message.text());
    });
    page.on('requestfailed', (request) =>
      refused.push(`${request.url()}: ${request.failure()?.errorText}`),
    );
    const response = await page.goto(`${lanUrl}/panel/`);
    assert.doesNotMatch(
      response!.headers()['content-security-policy'] ?? '',
      /upgrade-insecure-requests/,
    );
    await page.getByLabel('用户名').fill(agent);
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/desk\.html$/);
    await page.locator('#agent-state[data-state="offline"]').waitFor();
    assert.deepEqual(
      refused.filter((line) => !/twilio\.com/.test(line)),
      [],
    );
    await context.close();
  });

  it('when the login script fails to load, then submitting the form never puts the password in a URL', async () => {
    const agent = await createAgent(runtime, { skills: ['cc-fund'] });
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    await page.route('**/login.js', (route) => route.abort());
    const visited: string[] = [];
    page.on('request', (request) => visited.push(request.url()));
    await page.goto(`${lanUrl}/panel/`);
    await page.getByLabel('用户名').fill(agent);
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByText('页面脚本未能加载').waitFor();
    assert.ok(
      visited.every(
        (address) =>
          !address.includes(encodeURIComponent(PASSWORD)) && !address.includes('password'),
      ),
      visited.join('\n'),
    );
    assert.ok(!page.url().includes('password'));
    await context.close();
  });
});
