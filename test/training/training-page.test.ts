import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { client, createAgent } from '../agents/agents-support.js';
import { firstSlot } from '../booking/booking-support.js';
import { openWatchedPage } from '../support/browser.js';
import { fillDeskBooking } from '../support/desk-booking.js';
import { ownDatabase } from '../support/env.js';
import { eventually } from '../support/poll.js';
import { launchWithFakeMedia } from '../telephony/browser-calls.js';
import { closeProviderRuntimes, providerRuntime } from '../telephony/telephony-support.js';

describe("the wallboard's 培训来电 section in a real browser", function () {
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

  it('when a trainee books on the desk for a simulated caller, then the desk says it was practice, nothing is booked and the held place goes back', async () => {
    // In real time (faster): the trainee's desk rings for as long as an agent's phone rings.
    const { runtime, url } = await providerRuntime(
      { DATABASE_URL: await ownDatabase('training') },
      { instant: false, paceScale: 0.02 },
    );
    await runtime.booking.capacity.releaseSlots();
    const slot = await firstSlot(runtime, 'cc-general-intake', '2026-03-03');
    const counters = async () => {
      const row = await runtime.booking.capacity.findSlot(slot.id);
      return { booked: row?.booked, held: row?.held };
    };
    const before = await counters();
    const trainee = await createAgent(runtime, { skills: ['cc-general'], displayName: '新坐席' });
    const supervisor = await createAgent(runtime, { skills: [], role: 'supervisor' });

    const desk = await openWatchedPage(browser, problems);
    await desk.goto(`${url}/panel/`);
    await desk.getByLabel('用户名').fill(trainee);
    await desk.getByLabel('密码').fill('correct horse battery');
    await desk.getByRole('button', { name: '登录' }).click();
    await desk.waitForURL(/desk\.html$/);
    await desk.locator('#softphone-status', { hasText: '软电话已连接（本机电话服务）' }).waitFor();
    await desk.getByRole('button', { name: '空闲' }).click();
    await desk.locator('#agent-state[data-state="available"]').waitFor();

    const room = client(url);
    await room.login(supervisor);
    const started = await room.request('POST', '/api/supervisor/training', {
      departments: ['双鸭山市市民服务中心 · 综合受理导办窗口'],
      perMinute: 6,
      calls: 1,
      patienceSeconds: 1800,
      seed: 5,
    });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    await desk.locator('#call-card[data-call-sid]').waitFor({ timeout: 30_000 });
    await desk.getByRole('button', { name: '接听' }).click();
    await desk.locator('#agent-state[data-state="on_call"]').waitFor();
    await desk.locator('#training-answers').waitFor();

    await desk.getByRole('tab', { name: '预约' }).click();
    const form = await fillDeskBooking(desk, '13904691234', '23050219700101123');
    await form.getByRole('button', { name: '确认预约' }).click();
    await desk.locator('#outcome-saved', { hasText: '练习预约完成' }).waitFor();
    assert.match(
      (await desk.locator('#outcome-saved').textContent()) ?? '',
      /^练习预约完成（培训来电，未真正预约，号源已释放），通话结果已保存$/,
    );
    await desk.screenshot({ path: 'test-artifacts/screenshots/desk-training-booking.png' });
    assert.deepEqual(await counters(), before, 'nothing booked, no place held');
    await room.request('POST', '/api/supervisor/training/stop');
    assert.deepEqual(problems, []);
  });
});
