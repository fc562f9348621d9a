import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { DateTime } from 'luxon';
import type { Browser, Page } from 'playwright-core';
import { createFixedClock, ZONE } from '../../src/platform/clock.js';
import type { Runtime } from '../../src/runtime.js';
import { playCall, type AgentLeg, type CallScript } from '../../tools/history/call-player.js';
import { createAgent } from '../agents/agents-support.js';
import { browserPresent, launchChromium, openWatchedPage } from '../support/browser.js';
import { createTestRuntime, startTestServer } from '../support/env.js';
import { buildCallSid } from '../support/twilio.js';

const PASSWORD = 'correct horse battery';
const SCREENSHOTS = 'test-artifacts/screenshots';
const HOTLINE = '+864694226101';
const SERVICE = 'cc-general-guide';
const at = (local: string) => DateTime.fromISO(local, { zone: ZONE }).toJSDate();

describe('statistics page: loading, empty and full states in a real browser', function () {
  this.timeout(180_000);
  let runtime: Runtime;
  let url: string;
  let browser: Browser;
  let supervisor: string;
  const problems: string[] = [];

  before(async function () {
    if (!browserPresent()) this.skip();
    const clock = createFixedClock(at('2020-03-02T08:00'));
    runtime = await createTestRuntime({ clock, database: 'reports-page-states' });
    const agent = await createAgent(runtime, {
      skills: ['cc-general'],
      id: `page_agent_${process.pid}`,
    });
    clock.set(at('2020-03-02T08:30'));
    await runtime.routing.presence.setState(agent, 'available');
    const playing = Object.assign(runtime, { clock });
    const leg = (outcome?: AgentLeg['outcome']): AgentLeg => ({
      agentId: agent,
      waitSeconds: 12,
      talkSeconds: 150,
      wrapUpSeconds: 20,
      outcome,
    });
    const call = (
      arrive: string,
      rest: Omit<CallScript, 'callSid' | 'hotline' | 'from' | 'arrivedAt'>,
    ): CallScript => ({
      callSid: buildCallSid(),
      hotline: HOTLINE,
      from: '+8613904691234',
      arrivedAt: at(arrive),
      ...rest,
    });
    const consultation = {
      path: 'consultation' as const,
      body: {
        serviceId: SERVICE,
        topic: '办事指南',
        question: '需要什么材料',
        answer: '身份证',
        resolution: 'resolved',
      },
    };
    // 2 March: answered calls with outcomes, an abandon, a caller served by the keypad.
    for (const script of [
      call('2020-03-02T09:00', {
        ivrSeconds: 30,
        ivr: 'queue',
        queue: { skill: 'cc-general', legs: [leg(consultation)] },
      }),
      call('2020-03-02T09:40', {
        ivrSeconds: 30,
        ivr: 'queue',
        queue: { skill: 'cc-general', legs: [leg(consultation)] },
      }),
      call('2020-03-02T10:10', {
        ivrSeconds: 20,
        ivr: 'queue',
        queue: { skill: 'cc-general', leftAfterSeconds: 40 },
      }),
      call('2020-03-02T10:30', { ivrSeconds: 90, ivr: 'self-served' }),
      // 3 March: answered, but no outcome recorded (the wrap-up ran out).
      call('2020-03-03T09:00', {
        ivrSeconds: 30,
        ivr: 'queue',
        queue: { skill: 'cc-general', legs: [leg()] },
      }),
      call('2020-03-03T09:30', {
        ivrSeconds: 30,
        ivr: 'queue',
        queue: { skill: 'cc-general', legs: [leg()] },
      }),
    ]) {
      await playCall(playing, script);
    }
    clock.set(at('2020-03-10T09:00'));
    ({ url } = await startTestServer(runtime));
    supervisor = await createAgent(runtime, { skills: [], role: 'supervisor' });
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  /** Holds the reports' answers until released: the page is caught while it loads. */
  function holdReports(page: Page): { release(): void } {
    let release = () => undefined as void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    void page.route('**/api/reports/**', async (route) => {
      await gate;
      await route.continue();
    });
    return {
      release() {
        release();
        void page.unroute('**/api/reports/**');
      },
    };
  }

  const settled = (page: Page) =>
    page
      .locator('body[data-state="ready"], body[data-state="empty"], body[data-state="error"]')
      .waitFor();
  const chartDrawn = (page: Page, id: string) =>
    page.evaluate(
      (chartId) =>
        Boolean(
          (
            window as unknown as { echarts: { getInstanceByDom(el: Element): unknown } }
          ).echarts.getInstanceByDom(document.getElementById(chartId)!),
        ),
      id,
    );

  async function choose(
    page: Page,
    kind: 'day' | 'range',
    from: string,
    to?: string,
  ): Promise<void> {
    await page.locator('#kind').selectOption(kind);
    await page.locator('#from').fill(from);
    if (to) await page.locator('#to').fill(to);
    await page.getByRole('button', { name: '查询' }).click();
  }

  it('when periods are chosen one after another, then each load shows a loading line, the last figures stay marked as the last, empty periods say why and no chart is drawn from zeros', async () => {
    const page = await openWatchedPage(browser, problems);
    await page.goto(`${url}/panel/`);
    await page.getByLabel('用户名').fill(supervisor);
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/wallboard/);

    // First load: a loading line, and no empty chart boxes under it.
    let held = holdReports(page);
    await page.goto(`${url}/panel/reports.html?from=2020-03-02&to=2020-03-03`);
    await page.locator('body[data-state="loading"]').waitFor();
    assert.match(
      (await page.locator('#status').textContent())!,
      /^正在加载2020年3月2日至3月3日的统计数据……$/,
    );
    assert.equal(
      await page.locator('#chart-half-hours').isVisible(),
      false,
      'no chart box before there are figures',
    );
    await page.screenshot({ path: `${SCREENSHOTS}/reports-state-loading.png`, fullPage: true });
    held.release();
    await settled(page);
    assert.equal(await page.locator('body').getAttribute('data-state'), 'ready');
    assert.equal(await page.locator('#status').isVisible(), false);
    assert.equal(await page.locator('[data-kpi="呼入量"] b').textContent(), '6');
    for (const id of [
      'chart-half-hours',
      'chart-days',
      'chart-service-level',
      'chart-outcomes',
      'chart-hotlines',
      'chart-staffing',
    ])
      assert.ok(await chartDrawn(page, id), `${id} drawn`);
    await page.screenshot({ path: `${SCREENSHOTS}/reports-state-full.png`, fullPage: true });

    // Another period: the figures on screen stay, faded and named as the last ones, until the new ones come.
    held = holdReports(page);
    await choose(page, 'day', '2020-03-03');
    await page.locator('body[data-state="loading"][data-stale]').waitFor();
    assert.match(
      (await page.locator('#status').textContent())!,
      /^正在加载2020年3月3日的统计数据……下方灰色的是上次查询（2020年3月2日至3月3日）的数据$/,
    );
    assert.equal(await page.locator('#figures').getAttribute('aria-busy'), 'true');
    assert.equal(
      await page
        .locator('#chart-days')
        .evaluate((el) => getComputedStyle(el.closest('section')!).opacity),
      '0.4',
    );
    await page.screenshot({
      path: `${SCREENSHOTS}/reports-state-loading-last-figures.png`,
      fullPage: true,
    });
    held.release();
    await settled(page);
    assert.equal(
      await page
        .locator('#chart-days')
        .evaluate((el) => getComputedStyle(el.closest('section')!).opacity),
      '1',
    );
    // Answered calls without an outcome: the donut says so, instead of four equal slices of nothing.
    assert.equal(await chartDrawn(page, 'chart-outcomes'), false);
    assert.equal(await page.locator('#chart-outcomes').textContent(), '该期间没有登记的通话结果');
    assert.ok(await chartDrawn(page, 'chart-days'));
    await page.screenshot({ path: `${SCREENSHOTS}/reports-state-no-outcomes.png`, fullPage: true });

    // A day inside the history without calls: the reason, the recorded span and a way to it; no chart boxes.
    await choose(page, 'day', '2020-03-05');
    await page.locator('body[data-state="empty"]').waitFor();
    assert.equal(
      await page.locator('#empty-reason').textContent(),
      '2020年3月5日没有来电，也没有预约和号源。有记录的来电在2020年3月2日至3月3日之间。',
    );
    assert.equal(await page.locator('#chart-half-hours').isVisible(), false);
    assert.equal(await page.locator('#kpis .kpi').count(), 0);
    await page.screenshot({
      path: `${SCREENSHOTS}/reports-state-empty-no-calls.png`,
      fullPage: true,
    });
    await page.getByRole('button', { name: '查看有记录的全部期间' }).click();
    await page.locator('body[data-state="ready"]').waitFor();
    assert.match(page.url(), /from=2020-03-02&to=2020-03-03$/);

    // Before the first recorded day: the reason from the service, as an empty page, not an error.
    await choose(page, 'day', '2020-02-20');
    await page.locator('body[data-state="empty"]').waitFor();
    assert.equal(
      await page.locator('#empty-reason').textContent(),
      '2020年2月20日早于有记录的第一天（2020年3月2日），没有统计数据',
    );
    assert.equal(await page.locator('#error').isVisible(), false);
    assert.equal(await page.locator('#chart-half-hours').isVisible(), false);
    await page.screenshot({
      path: `${SCREENSHOTS}/reports-state-empty-before-history.png`,
      fullPage: true,
    });
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});
