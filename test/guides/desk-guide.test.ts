import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { queuedCallOf } from '../../src/calls/index.js';
import { createFixedClock } from '../../src/platform/clock.js';
import type { Runtime } from '../../src/runtime.js';
import { browserPresent, launchChromium, openWatchedPage } from '../support/browser.js';
import { createTestRuntime, startTestServer, testRun } from '../support/env.js';
import { randomHex } from '../support/random.js';
import { buildCallSid } from '../support/twilio.js';
import {
  buildQueueSid,
  createAgent,
  eventually,
  startTwilioMock,
  type TwilioMock,
} from '../agents/agents-support.js';

const SCREENSHOTS = 'test-artifacts/screenshots';
const PASSWORD = 'correct horse battery';

describe('the guide on the desk, in a real browser', function () {
  this.timeout(120_000);
  const clock = createFixedClock('2026-12-01T09:00:00+08:00');
  let mock: TwilioMock;
  let runtime: Runtime;
  let url: string;
  let browser: Browser;
  const problems: string[] = [];

  before(async function () {
    if (!browserPresent()) this.skip();
    mkdirSync(SCREENSHOTS, { recursive: true });
    mock = await startTwilioMock();
    runtime = await createTestRuntime({
      clock,
      env: {
        REDIS_PREFIX: `${testRun.redisPrefix}-guide-${randomHex(3)}`,
        TWILIO_API_BASE_URL: mock.url,
      },
    });
    url = (await startTestServer(runtime)).url;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await mock?.close();
  });

  async function logIn(page: Page, username: string): Promise<void> {
    await page.goto(`${url}/panel/`);
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
  }

  it('when a caller who pressed 电话办理 then 贷款额度测算 is answered, then the card shows that guide; the search finds 住房公积金提取, its SMS is sent and the consultation records the guide', async () => {
    const agent = await createAgent(runtime, { skills: ['hf-loan'], displayName: '赵敏' });
    const desk = await openWatchedPage(browser, problems, { width: 1366, height: 1400 });
    await logIn(desk, agent);
    await desk.waitForURL(/desk\.html$/);
    await desk.locator('#agent-state[data-state]').waitFor();
    await desk.getByRole('button', { name: '空闲' }).click();
    await desk.locator('#agent-state[data-state="available"]').waitFor();

    const callSid = buildCallSid();
    const line = runtime.catalogue.hotlines.find((h) => h.department === 'hf-withdraw')!;
    await runtime.ledger.recordArrival({
      callSid,
      from: '+8613904691234',
      to: line.number,
      hotline: { number: line.number, hall: line.hall, department: line.department },
      steps: [
        { nodeId: 'main', kind: 'choice', input: '3' },
        { nodeId: 'phone-menu', kind: 'choice', input: '2' },
      ],
    });
    await runtime.ledger.recordQueued(callSid, {
      skill: 'hf-loan',
      priority: 0,
      greenChannel: false,
      commissionerId: null,
    });
    await runtime.routing.acd.callQueued(
      queuedCallOf((await runtime.ledger.find(callSid))!, buildQueueSid())!,
    );
    await desk.locator(`#call-card[data-call-sid="${callSid}"]`).waitFor();
    await runtime.routing.acd.agentLegStatus(agent, callSid, 'in-progress');
    await desk.locator('#agent-state[data-state="on_call"]').waitFor();

    await desk.locator('#guide-view[data-service="hf-loan-quote"]').waitFor();
    assert.equal(await desk.locator('#guide-name').textContent(), '贷款额度测算咨询');
    assert.match(
      (await desk.locator('#guide-reason').textContent())!,
      /按来电人在语音导航中的选择：贷款额度测算/,
    );
    await desk
      .locator('#guide-panel')
      .screenshot({ path: `${SCREENSHOTS}/desk-guide-arriving-call.png` });

    await desk.locator('#guide-search').fill('公积金提取');
    // The call's suggestions are listed before the search answers: wait for the search's own list.
    await desk.locator('#guide-hits[data-query="公积金提取"] button').first().waitFor();
    assert.equal(await desk.locator('#guide-hits button').first().textContent(), '住房公积金提取');
    await desk.locator('#guide-hits button').first().click();
    await desk.locator('#guide-view[data-service="cc-fund-withdraw"]').waitFor();
    const materials = await desk.locator('#guide-materials li').allTextContents();
    assert.deepEqual(materials, [
      '本人身份证（原件）',
      '本人银行卡（原件）',
      '购房合同或租赁合同等提取证明材料（原件及复印件）',
    ]);
    await desk.getByRole('button', { name: '短信发送给来电人' }).click();
    await desk.locator('#guide-message', { hasText: '已发送短信' }).waitFor();
    await desk
      .locator('#guide-panel')
      .screenshot({ path: `${SCREENSHOTS}/desk-guide-search-sms.png` });
    const [sms] = await runtime.guides.smsOfCall(callSid);
    assert.equal(sms?.serviceId, 'cc-fund-withdraw');
    assert.equal(sms?.agentId, agent);

    await runtime.routing.acd.dialEnded(agent, callSid, 'completed', 'completed');
    await desk.locator('#agent-state[data-state="wrap_up"]').waitFor();
    const form = desk.locator('form[data-kind="consultation"]');
    await form.locator('[name="question"]').fill('公积金提取要带什么材料');
    await form
      .locator('[name="answer"]')
      .fill('按办事指南带身份证、银行卡和购房或租房合同，已短信发送材料清单');
    await form.locator('[name="resolution"]').selectOption('resolved');
    await eventually(
      async () =>
        (await form.locator('[name="guideServiceId"]').inputValue()) === 'cc-fund-withdraw',
      'the SMS marked the guide as the answer',
    );
    await form.getByRole('button', { name: '保存咨询结果' }).click();
    await desk.locator('#outcome-saved', { hasText: '通话结果已保存' }).waitFor();
    const [outcome] = await runtime.desk.outcomes.list(callSid, { id: agent, role: 'agent' });
    assert.equal(outcome?.kind, 'consultation');
    assert.equal(
      (outcome?.details as { guideServiceId?: string }).guideServiceId,
      'cc-fund-withdraw',
    );
    assert.equal(outcome?.serviceId, 'cc-fund-withdraw');
    await desk.context().close();
  });

  it('when a supervisor edits a guide on the guides page, then it is saved as a new version with the change listed', async () => {
    const supervisor = await createAgent(runtime, {
      skills: ['hf-withdraw'],
      role: 'supervisor',
      displayName: '钱主任',
    });
    const page = await openWatchedPage(browser, problems, { width: 1366, height: 1600 });
    await logIn(page, supervisor);
    await page.waitForURL(/wallboard\.html$/);
    await page.goto(`${url}/panel/guides.html`);
    await page.locator('#guide-search').fill('退休提公积金');
    await page.locator('#guide-list a').first().click();
    await page.locator('#guide-title', { hasText: '离退休销户提取（第' }).waitFor();
    const before = Number(
      /第 (\d+) 版/.exec((await page.locator('#guide-title').textContent())!)![1],
    );
    const materials = page.locator('[name="materials"]');
    await materials.fill(`${await materials.inputValue()}\n单位出具的退休证明｜原件｜1`);
    await page.locator('[name="note"]').fill('增加单位出具的退休证明');
    await page.getByRole('button', { name: '保存为新版本' }).click();
    await page.locator('#saved', { hasText: `已保存为第 ${before + 1} 版` }).waitFor();
    const row = page.locator('#guide-history tr', { hasText: '增加单位出具的退休证明' });
    await row.waitFor();
    assert.match((await row.textContent())!, /钱主任/);
    await page.screenshot({ path: `${SCREENSHOTS}/guides-edit.png`, fullPage: true });
    assert.equal(
      (await runtime.guides.get('hf-wd-retire')).materials.at(-1)?.name,
      '单位出具的退休证明',
    );
    await page.context().close();
  });

  it('then no page broke the content security policy or threw', () => {
    assert.deepEqual(problems, []);
  });
});
