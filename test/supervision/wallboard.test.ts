import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { createFixedClock } from '../../src/platform/clock.js';
import type { Runtime } from '../../src/runtime.js';
import { createAgent, eventually, queueCall, type TwilioMock } from '../agents/agents-support.js';
import {
  closeWallboardSetup,
  openWallboardPage,
  openWallboardSetup,
  SCREENSHOTS,
} from './wallboard-browser.js';

describe('the wallboard (坐席监控/队列监控) in a real browser', function () {
  this.timeout(120_000);
  let mock: TwilioMock;
  let runtime: Runtime;
  let url: string;
  let browser: Browser;
  // A day no other test plays calls on: the wallboard's figures of the day read the run's shared database.
  const clock = createFixedClock('2026-06-16T02:00:00Z');
  const problems: string[] = [];

  before(async function () {
    ({ mock, runtime, url, browser } = await openWallboardSetup(this, clock));
  });
  after(() => closeWallboardSetup({ browser, mock }));

  const openWallboard = (supervisor: string) =>
    openWallboardPage({ browser, url }, supervisor, problems);

  const alertsShown = (page: Page) =>
    page
      .locator('#alerts li')
      .evaluateAll((items) =>
        items
          .map((item) => `${item.getAttribute('data-alert')} ${item.getAttribute('data-subject')}`)
          .sort(),
      );

  it('when a caller waits and an agent stays in wrap-up past their limits, then alerts fire; when the call is taken and wrap-up ends, they clear and the missed service level stays', async () => {
    const supervisor = await createAgent(runtime, {
      skills: ['cc-general'],
      role: 'supervisor',
      displayName: '李建国',
    });
    const general = await createAgent(runtime, { skills: ['cc-general'], displayName: '王丽' });
    const tax = await createAgent(runtime, { skills: ['cc-tax'], displayName: '张伟' });
    await runtime.routing.presence.setState(tax, 'available');
    const { callSid: waitingCall } = await queueCall(runtime, { skill: 'cc-general' });
    const { callSid: taxCall } = await queueCall(runtime, { skill: 'cc-tax' });
    await eventually(
      async () => (await runtime.routing.presence.snapshot(tax)).state === 'reserved',
      'the tax call offered to 张伟',
    );
    await runtime.routing.acd.agentLegStatus(tax, taxCall, 'in-progress');
    await runtime.routing.acd.startWrapUp(tax, taxCall, 'cc-tax');

    const page = await openWallboard(supervisor);
    await page.locator('tr[data-queue="cc-general"] td.waiting', { hasText: '1' }).waitFor();
    assert.equal(await page.locator('#alert-area').getAttribute('data-firing'), 'no');
    assert.equal(await page.locator('#alerts-none').textContent(), '当前无告警');
    // Only queues that are staffed or have calls today; the 27 others behind 显示全部.
    assert.deepEqual(
      (
        await page
          .locator('#queues tr')
          .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-queue')))
      ).sort(),
      ['cc-general', 'cc-tax'],
    );
    const taxRow = await page.locator('tr[data-queue="cc-tax"] td').allTextContents();
    assert.deepEqual(
      taxRow.slice(1, 9),
      ['0', '—', '1', '1', '0', '0%', '100%', '0 秒'],
      'waiting, longest, offered, answered, abandoned, abandon rate, service level, ASA',
    );
    assert.deepEqual(
      await page
        .locator('#totals td')
        .allTextContents()
        .then((cells) => cells.slice(0, 5)),
      ['1', '0 秒', '2', '1', '0'],
    );
    assert.deepEqual(
      await page.locator('#agents tr.group').allTextContents(),
      ['话后整理（1）'],
      'agents grouped by state, offline ones behind the filter',
    );

    clock.advance(310_000);
    await page.locator('#alert-area[data-firing="yes"]').waitFor({ timeout: 10_000 });
    await page.locator(`#alerts li[data-alert="wrap_up"][data-subject="agent:${tax}"]`).waitFor();
    assert.deepEqual(await alertsShown(page), [
      'longest_wait queue:cc-general',
      `wrap_up agent:${tax}`,
    ]);
    assert.equal(
      await page.locator('#alerts li[data-alert="longest_wait"]').textContent(),
      '「双鸭山市市民服务中心 · 综合受理导办窗口」最长等待 5 分 10 秒（阈值 2 分）',
    );
    assert.equal(
      await page.locator('#alerts li[data-alert="wrap_up"]').textContent(),
      '张伟 话后整理已 5 分 10 秒（上限 5 分）',
    );
    assert.match(
      (await page.locator(`tr[data-agent="${tax}"] td.in-state`).getAttribute('class')) ?? '',
      /\bover\b/,
    );
    await page.screenshot({ path: `${SCREENSHOTS}/wallboard-alerts-firing.png` });

    await runtime.routing.presence.setState(general, 'available');
    await eventually(
      async () => (await runtime.routing.presence.snapshot(general)).state === 'reserved',
      'the waiting call offered to 王丽',
    );
    await runtime.routing.acd.agentLegStatus(general, waitingCall, 'in-progress');
    await runtime.routing.presence.wrapUpEnded(tax, taxCall);
    await eventually(
      async () =>
        (await alertsShown(page)).join() === 'service_level queue:cc-general' || undefined,
      'the wait and wrap-up alerts cleared',
      12_000,
    );
    assert.equal(
      await page.locator('#alerts li').textContent(),
      '「双鸭山市市民服务中心 · 综合受理导办窗口」今日服务水平 0%，低于目标 80%',
    );
    await page.locator('tr[data-queue="cc-general"] .level-red', { hasText: '0%' }).waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/wallboard-alerts-cleared.png` });

    await page.getByLabel('显示全部').check();
    await page.locator('tr[data-queue="cc-fund"].quiet').waitFor();
    await page.locator('#agents tr.group[data-group="offline"]').waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/wallboard-show-all.png`, fullPage: true });
    await page.context().close();
  });

  it('when an agent was left on a break for days, then the wallboard shows a capped, flagged time and a break alert, never thousands of hours', async () => {
    const supervisor = await createAgent(runtime, {
      skills: ['cc-general'],
      role: 'supervisor',
      displayName: '周静',
    });
    const forgotten = await createAgent(runtime, { skills: ['cc-fund'], displayName: '孙悦' });
    await runtime.routing.presence.setState(forgotten, 'break', '用餐');
    clock.advance(2500 * 3600_000);
    const page = await openWallboard(supervisor);
    const time = page.locator(`tr[data-agent="${forgotten}"] td.in-state`);
    await time.waitFor();
    assert.equal(await time.textContent(), '超过 12 时 0 分');
    assert.equal(await time.getAttribute('title'), '状态长时间未变化，请核实');
    await page
      .locator(`#alerts li[data-subject="agent:${forgotten}"]`, {
        hasText: '孙悦 小休已超过 12 时 0 分（上限 30 分）',
      })
      .waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/wallboard-capped.png` });
    await page.context().close();
  });

  it('then no page broke the content security policy or threw', () => {
    assert.deepEqual(problems, []);
  });
});
