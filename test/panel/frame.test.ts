import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { createFixedClock } from '../../src/platform/clock.js';
import type { Runtime } from '../../src/runtime.js';
import {
  closeRoutingRuntimes,
  createAgent,
  queueCall,
  routingRuntime,
  serveRouting,
  startTwilioMock,
  type TwilioMock,
} from '../agents/agents-support.js';
import { browserPresent, launchChromium, openWatchedPage } from '../support/browser.js';

const PASSWORD = 'correct horse battery';
const SCREENSHOTS = 'test-artifacts/screenshots';
const VIEWPORT = { width: 1366, height: 768 };

/** Every staff page a supervisor opens, with its heading. */
const SUPERVISOR_PAGES = [
  ['wallboard.html', '班长监控大屏'],
  ['desk.html', '坐席工作台'],
  ['reports.html', '统计报表'],
  ['reconciliation.html', '预约对账'],
  ['capacity.html', '接待能力与闭厅'],
  ['staff.html', '人员管理'],
  ['announcements.html', '语音公告'],
] as const;

/** The desk's two columns (left edge, visible sections), overlapping sections and the page's width. */
function deskLayout(page: Page) {
  // No named functions inside: the page runs this as written, without the test runner's helpers.
  return page.evaluate(() => {
    const main = document.querySelector('main.desk')!;
    const shownSections = [...main.querySelectorAll('section')].filter(
      (s) => s.getBoundingClientRect().height > 0,
    );
    const columns = [...main.children]
      .filter((c) => c.getBoundingClientRect().height > 0)
      .map((column) => ({
        left: Math.round(column.getBoundingClientRect().left),
        sections: shownSections.filter((s) => s.parentElement === column).length,
      }));
    const overlaps: string[] = [];
    for (const [i, a] of shownSections.entries())
      for (const b of shownSections.slice(i + 1)) {
        const [p, q] = [a.getBoundingClientRect(), b.getBoundingClientRect()];
        const apart =
          p.right <= q.left || q.right <= p.left || p.bottom <= q.top || q.bottom <= p.top;
        if (!apart && !a.contains(b) && !b.contains(a))
          overlaps.push(`${a.id || 'section'} / ${b.id || 'section'}`);
      }
    return { columns, overlaps, scrollWidth: document.documentElement.scrollWidth };
  });
}

describe('the shared frame of the staff pages in a real browser', function () {
  this.timeout(120_000);
  let mock: TwilioMock;
  let runtime: Runtime;
  let url: string;
  let browser: Browser;
  const problems: string[] = [];

  before(async function () {
    if (!browserPresent()) this.skip();
    mkdirSync(SCREENSHOTS, { recursive: true });
    mock = await startTwilioMock();
    runtime = await routingRuntime(mock, createFixedClock('2026-03-02T02:29:00Z'));
    url = await serveRouting(runtime);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await closeRoutingRuntimes();
    await mock?.close();
  });

  const openPage = (): Promise<Page> => openWatchedPage(browser, problems, VIEWPORT);

  async function logIn(page: Page, username: string): Promise<void> {
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
  }

  /** Ends the browser's session on the server, as its expiry does (the cookie stays in the browser). */
  async function expireSession(page: Page): Promise<void> {
    const cookie = (await page.context().cookies()).find((c) => c.name === 'sid');
    assert.ok(cookie, 'the browser holds a session cookie');
    await runtime.staff.logout(cookie.value);
  }

  it('when a supervisor opens each page, then every header shows their name and role in Chinese, the same navigation and 退出登录', async () => {
    const supervisor = await createAgent(runtime, {
      skills: ['cc-general'],
      role: 'supervisor',
      displayName: '李建国',
    });
    const page = await openPage();
    await page.goto(`${url}/panel/`);
    await logIn(page, supervisor);
    await page.waitForURL(/wallboard\.html$/);
    for (const [file, heading] of SUPERVISOR_PAGES) {
      await page.goto(`${url}/panel/${file}`);
      await page.locator('header h1', { hasText: heading }).waitFor();
      await page.locator('#frame-user', { hasText: '李建国（班长）' }).waitFor();
      assert.equal(
        await page.locator('#frame-user').getAttribute('title'),
        `用户名：${supervisor}`,
      );
      assert.deepEqual(
        await page.locator('header nav a').allTextContents(),
        [
          '坐席工作台',
          '监控大屏',
          '统计报表',
          '预约对账',
          '接待能力',
          '人员管理',
          '语音公告',
          '办事指南',
          '差评回访',
          '测试电话',
        ],
        file,
      );
      assert.equal(
        await page.locator('header nav a[aria-current="page"]').getAttribute('href'),
        file,
      );
      assert.equal(
        await page.getByRole('button', { name: '退出登录' }).count(),
        1,
        `${file}: one 退出登录`,
      );
      const box = await page.locator('#logout').boundingBox();
      assert.ok(
        box && box.x + box.width <= VIEWPORT.width,
        `${file}: 退出登录 is inside the window`,
      );
      await page.screenshot({ path: `${SCREENSHOTS}/frame-${file.replace('.html', '')}.png` });
    }
    const icon = await page.request.get(`${url}/favicon.ico`);
    assert.equal(icon.status(), 200);
    assert.match(icon.headers()['content-type'] ?? '', /image\/svg\+xml/);

    await page.getByRole('button', { name: '退出登录' }).click();
    await page.waitForURL(/\/panel\/index\.html$/);
    assert.equal((await page.request.get(`${url}/api/auth/me`)).status(), 401);
    await page.context().close();
  });

  it("when an agent opens the desk, then the header names them as 坐席 with no supervisors' pages", async () => {
    const agent = await createAgent(runtime, { skills: ['cc-fund'], displayName: '王丽' });
    const page = await openPage();
    await page.goto(`${url}/panel/`);
    await logIn(page, agent);
    await page.waitForURL(/desk\.html$/);
    await page.locator('#frame-user', { hasText: '王丽（坐席）' }).waitFor();
    // An agent has their desk and the test phone (to practise a call), none of the supervisors' pages.
    assert.deepEqual(await page.locator('header nav a').allTextContents(), [
      '坐席工作台',
      '测试电话',
    ]);
    await page.getByRole('button', { name: '退出登录' }).waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/frame-desk-agent.png` });
    await page.context().close();
  });

  it('when the session expires on the wallboard, then its next refresh goes to the login page, which brings the supervisor back', async () => {
    const supervisor = await createAgent(runtime, {
      skills: ['cc-general'],
      role: 'supervisor',
      displayName: '赵敏',
    });
    const page = await openPage();
    await page.goto(`${url}/panel/`);
    await logIn(page, supervisor);
    await page.waitForURL(/wallboard\.html$/);
    await page.locator('#frame-user', { hasText: '赵敏' }).waitFor();
    await expireSession(page);
    // The wallboard refreshes every 5 s on its own: no click, no reload.
    await page.waitForURL(/\/panel\/index\.html\?next=wallboard\.html$/, { timeout: 15_000 });
    await page.locator('#login-error', { hasText: '登录已过期，请重新登录' }).waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/frame-session-expired.png` });
    await logIn(page, supervisor);
    await page.waitForURL(/\/panel\/wallboard\.html$/);
    await page.locator('#frame-user', { hasText: '赵敏' }).waitFor();
    await page.context().close();
  });

  it('when the session expires on a page with a query, then the person comes back to that very page; a foreign next is ignored', async () => {
    const supervisor = await createAgent(runtime, { skills: ['cc-general'], role: 'supervisor' });
    const { callSid } = await queueCall(runtime, { skill: 'cc-general' });
    const page = await openPage();
    await page.goto(`${url}/panel/`);
    await logIn(page, supervisor);
    await page.waitForURL(/wallboard\.html$/);
    await expireSession(page);
    await page.goto(`${url}/panel/call.html?call=${callSid}`);
    await page.waitForURL(
      new RegExp(
        `index\\.html\\?next=${encodeURIComponent(`call.html?call=${callSid}`).replace(/[.?]/g, '\\$&')}$`,
      ),
    );
    await logIn(page, supervisor);
    await page.waitForURL(new RegExp(`/panel/call\\.html\\?call=${callSid}$`));
    await page.locator('header h1', { hasText: '通话记录' }).waitFor();

    await expireSession(page);
    await page.goto(
      `${url}/panel/index.html?next=${encodeURIComponent('https://example.com/x.html')}`,
    );
    await logIn(page, supervisor);
    await page.waitForURL(/\/panel\/wallboard\.html$/);
    await page.context().close();
  });

  it('when the reconciliation page lists a run started at 10:29 Beijing time, then it shows 10:29, not UTC', async () => {
    const supervisor = await createAgent(runtime, { skills: ['cc-general'], role: 'supervisor' });
    await runtime.reconciliation.service.run('2026-03-02', '2026-03-02', 'manual');
    const page = await openPage();
    await page.goto(`${url}/panel/`);
    await logIn(page, supervisor);
    await page.waitForURL(/wallboard\.html$/);
    await page.goto(`${url}/panel/reconciliation.html`);
    await page
      .locator('#run option', { hasText: '2026-03-02 10:29' })
      .waitFor({ state: 'attached' });
    await page.context().close();
  });

  it('when the desk is idle and then on a call, at 1366×768 and 1920×1080, then both halves of the screen hold work, and no section overlaps another or runs off the screen', async () => {
    // A queue of its own in this file: the other tests' agents take no call of it.
    const agent = await createAgent(runtime, { skills: ['cc-tax'], displayName: '周敏' });
    const page = await openPage();
    await page.goto(`${url}/panel/`);
    await logIn(page, agent);
    await page.waitForURL(/desk\.html$/);
    await page.locator('#agent-state[data-state]').waitFor();
    await page.getByRole('button', { name: '空闲' }).click();
    await page.locator('#agent-state[data-state="available"]').waitFor();
    await page.locator('#my-figures', { hasText: '接听' }).waitFor();

    const check = async (when: string) => {
      for (const size of [VIEWPORT, { width: 1920, height: 1080 }]) {
        await page.setViewportSize(size);
        const layout = await deskLayout(page);
        const where = `${when} at ${size.width}×${size.height}: ${JSON.stringify(layout)}`;
        assert.equal(layout.columns.length, 2, where);
        for (const column of layout.columns) assert.ok(column.sections > 0, where);
        assert.ok(layout.columns[1]!.left >= size.width * 0.35, where);
        assert.deepEqual(layout.overlaps, [], where);
        assert.ok(layout.scrollWidth <= size.width, where);
        await page.screenshot({
          path: `${SCREENSHOTS}/desk-${when}-${size.width}x${size.height}.png`,
        });
      }
    };
    await check('idle');
    const { callSid } = await queueCall(runtime, { skill: 'cc-tax' });
    await page.locator(`#call-card[data-call-sid="${callSid}"]`).waitFor();
    await runtime.routing.acd.agentLegStatus(agent, callSid, 'in-progress');
    await page.locator('#agent-state[data-state="on_call"]').waitFor();
    await page.locator('#outcome').waitFor();
    await check('on-call');
    await page.setViewportSize(VIEWPORT);
  });

  it('then no page broke the content security policy or threw', () => {
    assert.deepEqual(problems, []);
  });
});
