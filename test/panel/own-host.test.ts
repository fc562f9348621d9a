import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { createAgent } from '../agents/agents-support.js';
import { openWatchedPage } from '../support/browser.js';
import { ownDatabase } from '../support/env.js';
import { launchWithFakeMedia } from '../telephony/browser-calls.js';
import { closeProviderRuntimes, providerRuntime } from '../telephony/telephony-support.js';

/** Every page in the frame's navigation, and the login page. */
const PAGES = [
  'index.html',
  'desk.html',
  'wallboard.html',
  'reports.html',
  'reconciliation.html',
  'capacity.html',
  'staff.html',
  'announcements.html',
  'guides.html',
  'followups.html',
  'test-phone.html',
];

describe('the staff pages on the built-in provider ask nothing of another host', function () {
  this.timeout(120_000);
  let browser: Browser;
  const problems: string[] = [];

  before(async function () {
    // The desk's softphone asks for the microphone: a fake one, as a hall's PC would grant it.
    browser = await launchWithFakeMedia(this);
  });
  after(async () => {
    await browser?.close();
    await closeProviderRuntimes();
  });

  it("when a supervisor opens every page (the desk's softphone included), then every request goes to the app's own host: no CDN, no Twilio, no font or script from outside", async () => {
    const { runtime, url } = await providerRuntime({
      DATABASE_URL: await ownDatabase('test-phone'),
    });
    const supervisor = await createAgent(runtime, {
      skills: ['cc-general'],
      role: 'supervisor',
      displayName: '钱主任',
    });
    const page = await openWatchedPage(browser, problems);
    const own = new URL(url).host;
    const outside: string[] = [];
    const seen = new Set<string>();
    page.on('request', (request) => {
      const requested = new URL(request.url());
      if (requested.protocol === 'data:' || requested.protocol === 'blob:') return;
      seen.add(requested.pathname);
      if (requested.host !== own) outside.push(request.url());
    });
    await page.goto(`${url}/panel/`);
    await page.getByLabel('用户名').fill(supervisor);
    await page.getByLabel('密码').fill('correct horse battery');
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/wallboard\.html$/);
    for (const file of PAGES) {
      await page.goto(`${url}/panel/${file}`);
      await page.waitForLoadState('networkidle');
    }
    await page.goto(`${url}/panel/desk.html`);
    await page.locator('#softphone-status', { hasText: '软电话已连接（本机电话服务）' }).waitFor();
    assert.deepEqual(outside, []);
    // The check saw the pages' own assets, so it reads what the pages fetch.
    for (const asset of ['/panel/panel.css', '/panel/layout.js', '/panel/local-softphone.js'])
      assert.ok(seen.has(asset), `${asset} was requested`);
    assert.deepEqual(problems, []);
  });
});
