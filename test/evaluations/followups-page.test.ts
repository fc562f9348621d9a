import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { createFixedClock } from '../../src/platform/clock.js';
import type { Runtime } from '../../src/runtime.js';
import { readTwiml } from '../../src/telephony/twiml-reader.js';
import { createAgent, startTwilioMock, type TwilioMock } from '../agents/agents-support.js';
import { browserPresent, launchChromium, openWatchedPage } from '../support/browser.js';
import { createTestRuntime, PUBLIC_BASE_URL, startTestServer, testRun } from '../support/env.js';
import { randomHex } from '../support/random.js';
import { buildCallSid, postSigned } from '../support/twilio.js';

const SCREENSHOTS = 'test-artifacts/screenshots';

describe("the supervisors' follow-up page, in a real browser", function () {
  this.timeout(120_000);
  const clock = createFixedClock('2026-12-01T10:00:00+08:00');
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
        REDIS_PREFIX: `${testRun.redisPrefix}-fu-${randomHex(3)}`,
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

  it('when a caller pressed 5 after a call, then the supervisor sees the case, calls back, records the finding and closes it with the 追评', async () => {
    const line =
      runtime.catalogue.hotlines.find((h) => h.department === 'vo-license') ??
      runtime.catalogue.hotlines.find((h) => h.hall === 'vehicle-office')!;
    await runtime.evaluations.setEnabled(line.number, true, 'setup');
    const agent = await createAgent(runtime, { skills: [line.department], displayName: '吴刚' });
    const supervisor = await createAgent(runtime, {
      skills: [line.department],
      role: 'supervisor',
      displayName: '郑科长',
    });
    const callSid = buildCallSid();
    await runtime.ledger.recordArrival({
      callSid,
      from: '+8613904697788',
      to: line.number,
      hotline: { number: line.number, hall: line.hall, department: line.department },
    });
    await runtime.ledger.recordQueued(callSid, {
      skill: line.department,
      priority: 0,
      greenChannel: false,
      commissionerId: null,
    });
    const after = await postSigned(
      url,
      `/twilio/voice/agents/dial-result?${new URLSearchParams({ agent, call: callSid })}`,
      { CallSid: callSid, DialCallStatus: 'completed', CallStatus: 'in-progress' },
    );
    const menu = await postSigned(
      url,
      readTwiml(after.body)[0]!.text.trim().slice(PUBLIC_BASE_URL.length),
      { CallSid: callSid },
    );
    await postSigned(
      url,
      readTwiml(menu.body)[0]!.attributes.action!.slice(PUBLIC_BASE_URL.length),
      { CallSid: callSid, Digits: '5' },
    );

    const page = await openWatchedPage(browser, problems, { width: 1366, height: 1300 });
    await page.goto(`${url}/panel/`);
    await page.getByLabel('用户名').fill(supervisor);
    await page.getByLabel('密码').fill('correct horse battery');
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/wallboard\.html$/);
    await page.getByRole('link', { name: '差评回访' }).click();
    await page.waitForURL(/followups\.html$/);
    const row = page.locator('#cases tr', { hasText: '非常不满意' }).first();
    await row.waitFor();
    assert.match((await row.textContent())!, /吴刚.*139\*\*\*\*7788.*2026-12-22.*办理中/);
    await row.getByRole('button', { name: '处理' }).click();
    await page.getByRole('button', { name: '回访来电人（生成回电任务）' }).click();
    await page.locator('#call-back-message', { hasText: '已生成回电任务' }).waitFor();
    await page.getByRole('button', { name: '办结工单' }).click();
    await page.locator('#close-message', { hasText: '请先保存核实结果' }).waitFor();
    await page.getByLabel('属实', { exact: true }).check();
    await page.getByLabel('整改情况').fill('对驾驶证窗口人员批评教育，材料清单在窗口和网上公示');
    await page.getByLabel('答复来电人的内容').fill('已致歉，告知补领驾驶证可在交管12123网上办理');
    await page.getByRole('button', { name: '保存核实结果' }).click();
    await page.locator('#case-steps tr', { hasText: '登记核实结果与整改' }).waitFor();
    await page.locator('#re-evaluation').selectOption({ label: '满意' });
    await page.getByRole('button', { name: '办结工单' }).click();
    await page.locator('#case-summary', { hasText: '追评：满意' }).waitFor();
    await page.locator('#cases tr', { hasText: '已办结' }).first().waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/followup-closed.png`, fullPage: true });
    const steps = await page.locator('#case-steps tr td:nth-child(2)').allTextContents();
    assert.deepEqual(steps, [
      '差评生成回访工单',
      '发起回访电话',
      '登记核实结果与整改',
      '办结',
      '群众追评',
    ]);
    const text = await page.evaluate(() => document.body.innerText);
    assert.doesNotMatch(text, /\b(?:undefined|null|error)\b/i);
    await page.context().close();
  });

  it('then no page broke the content security policy or threw', () => {
    assert.deepEqual(problems, []);
  });
});
