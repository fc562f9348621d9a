import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { createAgent } from '../agents/agents-support.js';
import { browserPresent, launchChromium, openWatchedPage } from '../support/browser.js';
import { ownDatabase } from '../support/env.js';
import { eventually } from '../support/poll.js';
import { closeProviderRuntimes, providerRuntime } from '../telephony/telephony-support.js';

describe("the wallboard's 培训来电 section in a real browser", function () {
  this.timeout(120_000);
  let browser: Browser;
  const problems: string[] = [];

  before(async function () {
    if (!browserPresent()) this.skip();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await closeProviderRuntimes();
  });

  it('when a supervisor picks a department by its Chinese name and starts two callers, then the section shows the session by names only, and the callers leave when their patience runs out', async () => {
    const { runtime, url } = await providerRuntime({
      DATABASE_URL: await ownDatabase('training'),
    });
    const supervisor = await createAgent(runtime, {
      skills: [],
      role: 'supervisor',
      displayName: '赵班长',
    });
    const page = await openWatchedPage(browser, problems);
    await page.goto(`${url}/panel/`);
    await page.getByLabel('用户名').fill(supervisor);
    await page.getByLabel('密码').fill('correct horse battery');
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/wallboard\.html$/);

    const section = page.locator('#training-section');
    await section.getByLabel('双鸭山市市民服务中心 · 综合受理导办窗口').check();
    await section.getByLabel('来电总数').fill('2');
    await section.getByLabel('平均耐心（秒）').fill('30');
    await section.getByRole('button', { name: '开始培训' }).click();
    await eventually(
      async () =>
        /已结束（赵班长 发起，双鸭山市市民服务中心 · 综合受理导办窗口）：已来电 2\/2，坐席接听 0，已挂机 2/.test(
          (await section.locator('#training-status').textContent()) ?? '',
        ),
      'the section shows the finished session',
      30_000,
    );
    const text = (await section.textContent()) ?? '';
    assert.doesNotMatch(text, /cc-|CA[0-9a-f]{8}|agent_/, 'no ids on the page');
    assert.equal(await section.getByRole('button', { name: '停止培训' }).isDisabled(), true);
    assert.deepEqual(problems, []);
  });
});
