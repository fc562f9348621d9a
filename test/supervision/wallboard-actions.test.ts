import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { createFixedClock } from '../../src/platform/clock.js';
import { listAudit } from '../../src/platform/audit-repository.js';
import type { Runtime } from '../../src/runtime.js';
import {
  assertTwilioConformant,
  createAgent,
  eventually,
  queueCall,
  type TwilioMock,
} from '../agents/agents-support.js';
import { closeWallboardSetup, openWallboardSetup, SCREENSHOTS } from './wallboard-browser.js';
import { openWatchedPage } from '../support/browser.js';

describe('the 班长席 actions on the wallboard, in a real browser', function () {
  this.timeout(120_000);
  let mock: TwilioMock;
  let runtime: Runtime;
  let url: string;
  let browser: Browser;
  const clock = createFixedClock('2026-06-17T02:00:00Z');
  const problems: string[] = [];

  before(async function () {
    ({ mock, runtime, url, browser } = await openWallboardSetup(this, clock));
  });
  after(() => closeWallboardSetup({ browser, mock }));

  async function logIn(username: string, landing: RegExp): Promise<Page> {
    const page = await openWatchedPage(browser, problems, { width: 1366, height: 768 });
    await page.goto(`${url}/panel/`);
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill('correct horse battery');
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(landing);
    return page;
  }

  /** Clicks an act on the agent's wallboard row and answers the confirm dialog, which must name them. */
  async function act(
    wallboard: Page,
    agent: string,
    button: string,
    question: string,
    answer: '确定' | '取消',
  ): Promise<void> {
    await wallboard
      .locator(`tr[data-agent="${agent}"]`)
      .getByRole('button', { name: button })
      .click();
    const dialog = wallboard.locator('dialog#confirm-action[open]');
    await dialog.waitFor();
    assert.equal(await dialog.locator('#confirm-text').textContent(), question);
    await dialog.getByRole('button', { name: answer }).click();
    await wallboard.locator('dialog#confirm-action[open]').waitFor({ state: 'detached' });
  }

  it("when a supervisor forces an agent's state from the wallboard, then after a confirm naming them the agent's desk shows it live; on a call 示闲 is refused with the reason; 强拆 ends the call over REST", async () => {
    const supervisor = await createAgent(runtime, {
      skills: ['cc-general'],
      role: 'supervisor',
      displayName: '李建国',
    });
    const wang = await createAgent(runtime, { skills: ['cc-tax'], displayName: '王丽' });
    const zhang = await createAgent(runtime, { skills: ['cc-general'], displayName: '张伟' });

    const desk = await logIn(wang, /desk\.html$/);
    await desk.locator('body[data-live="yes"]').waitFor();
    await desk.getByRole('button', { name: '空闲' }).click();
    await desk.locator('#agent-state[data-state="available"]').waitFor();

    await runtime.routing.presence.setState(zhang, 'available');
    const { callSid } = await queueCall(runtime, { skill: 'cc-general' });
    await eventually(
      async () => (await runtime.routing.presence.snapshot(zhang)).state === 'reserved',
      'the call offered to 张伟',
    );
    await runtime.routing.acd.agentLegStatus(zhang, callSid, 'in-progress');

    const wallboard = await logIn(supervisor, /wallboard\.html$/);
    const wangRow = wallboard.locator(`tr[data-agent="${wang}"]`);
    await wangRow.waitFor();
    assert.deepEqual(await wangRow.locator('td.row-actions button').allTextContents(), [
      '示忙',
      '签出',
    ]);
    assert.deepEqual(
      await wallboard.locator(`tr[data-agent="${zhang}"] td.row-actions button`).allTextContents(),
      ['示闲', '示忙', '签出', '监听', '耳语', '强插', '强拆'],
    );

    await act(wallboard, wang, '示忙', '确定对「王丽」强制示忙吗？', '确定');
    await wallboard
      .locator('#action-result[data-outcome="done"]', { hasText: '已强制示忙：王丽' })
      .waitFor();
    await desk
      .locator('#agent-state[data-state="break"]', { hasText: '小休（班长示忙）' })
      .waitFor();
    await wangRow.locator('.badge.state-break', { hasText: '小休（班长示忙）' }).waitFor();
    await wallboard.screenshot({ path: `${SCREENSHOTS}/wallboard-force-break.png` });
    await desk.screenshot({ path: `${SCREENSHOTS}/desk-forced-break.png` });

    await act(wallboard, wang, '签出', '确定对「王丽」强制签出吗？', '取消');
    assert.equal((await runtime.routing.presence.snapshot(wang)).state, 'break');
    await act(wallboard, wang, '签出', '确定对「王丽」强制签出吗？', '确定');
    await wallboard.locator('#action-result', { hasText: '已强制签出：王丽' }).waitFor();
    await desk.locator('#agent-state[data-state="offline"]').waitFor();

    await act(wallboard, zhang, '示闲', '确定对「张伟」强制示闲吗？', '确定');
    await wallboard
      .locator('#action-result[data-outcome="refused"]', {
        hasText: '张伟正在通话中，不能强制示闲；请在通话结束后再试',
      })
      .waitFor();
    assert.equal((await runtime.routing.presence.snapshot(zhang)).state, 'on_call');
    await wallboard.screenshot({ path: `${SCREENSHOTS}/wallboard-force-refused.png` });

    mock.requests.length = 0;
    await act(
      wallboard,
      zhang,
      '强拆',
      '确定强拆「张伟」正在进行的通话吗？通话将立即挂断。',
      '确定',
    );
    await wallboard.locator('#action-result', { hasText: '已强拆「张伟」的通话' }).waitFor();
    const update = await mock.waitFor(`/Calls/${callSid}.json`);
    assert.deepEqual(update.params, { Status: 'completed' });
    assertTwilioConformant(update);

    assert.deepEqual(
      (await listAudit(runtime.database.db, `staff:${wang}`)).map((row) => [
        row.actorId,
        row.action,
        row.detail,
      ]),
      [
        [supervisor, 'force-break', { from: 'available', to: 'break', outcome: 'done' }],
        [supervisor, 'force-offline', { from: 'break', to: 'offline', outcome: 'done' }],
      ],
    );
    assert.deepEqual(
      (await listAudit(runtime.database.db, callSid)).map((row) => [row.actorId, row.action]),
      [[supervisor, 'end-call']],
    );
    assert.deepEqual(
      (await listAudit(runtime.database.db, `staff:${zhang}`)).map((row) => row.detail.outcome),
      ['refused'],
      'the refused attempt is audited as such',
    );
    await wallboard.context().close();
    await desk.context().close();
  });

  it('then no page broke the content security policy or threw', () => {
    assert.deepEqual(problems, []);
  });
});
