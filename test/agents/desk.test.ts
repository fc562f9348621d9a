import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { idCheckCharacter } from '../../src/booking/index.js';
import * as callbackRepository from '../../src/callbacks/callbacks-repository.js';
import {
  createHttpTransport,
  placeCall,
  type CallerInput,
  type CallerTransport,
} from '../../tools/caller/caller.js';
import { createFixedClock } from '../../src/platform/clock.js';
import { DEV_AUTH_TOKEN } from '../../src/platform/config.js';
import type { Runtime } from '../../src/runtime.js';
import { browserPresent, launchChromium, openWatchedPage } from '../support/browser.js';
import { createTestRuntime, PUBLIC_BASE_URL, startTestServer, testRun } from '../support/env.js';
import { fillDeskBooking } from '../support/desk-booking.js';
import { randomHex, randomInt } from '../support/random.js';
import { buildCallSid } from '../support/twilio.js';
import {
  createAgent,
  eventually,
  queueCall,
  startTwilioMock,
  type TwilioMock,
} from './agents-support.js';

/** Where the screenshots go (git-ignored); the README names it. */
const SCREENSHOTS = 'test-artifacts/screenshots';
const CITIZEN_CENTRE = '+864694226101';
const PASSWORD = 'correct horse battery';
const keys = (...list: string[]): CallerInput[] => list.map((digits) => ({ kind: 'dtmf', digits }));

/** What no person should read on a page: catalogue ids, UUIDs, call SIDs, English error text. */
const NOT_FOR_PEOPLE = [
  /\b(?:cc|ss|hf|tax|vo|ee|er|ms|csc)-[a-z0-9-]+/,
  /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i,
  /\bCA[0-9a-f]{32}\b/,
  /\b(?:error|invalid|required|expected|undefined|null|not found|failed|forbidden|unauthorized)\b/i,
];

async function assertNothingForMachines(page: Page, where: string): Promise<void> {
  const text = await page.evaluate(() => document.body.innerText);
  for (const pattern of NOT_FOR_PEOPLE)
    assert.doesNotMatch(text, pattern, `${where} shows something only a machine should read`);
}

describe("the agents' desk and the supervisors' wallboard, in a real browser", function () {
  this.timeout(120_000);
  const clock = createFixedClock('2026-12-01T09:00:00+08:00');
  let mock: TwilioMock;
  let runtime: Runtime;
  let url: string;
  let browser: Browser;
  let transport: CallerTransport;
  const problems: string[] = [];

  before(async function () {
    if (!browserPresent()) this.skip();
    mkdirSync(SCREENSHOTS, { recursive: true });
    mock = await startTwilioMock();
    runtime = await createTestRuntime({
      clock,
      database: 'desk',
      env: {
        REDIS_PREFIX: `${testRun.redisPrefix}-desk-${randomHex(3)}`,
        TWILIO_API_BASE_URL: mock.url,
      },
    });
    await runtime.booking.capacity.releaseSlots();
    url = (await startTestServer(runtime)).url;
    transport = createHttpTransport({
      publicBaseUrl: PUBLIC_BASE_URL,
      targetBaseUrl: url,
      authToken: DEV_AUTH_TOKEN,
    });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await mock?.close();
  });

  const openPage = (): Promise<Page> =>
    openWatchedPage(browser, problems, { width: 1366, height: 768 });

  async function logIn(page: Page, username: string): Promise<void> {
    await page.goto(`${url}/panel/`);
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
  }

  const randomMobile = () => `+86139${String(randomInt(1e8)).padStart(8, '0')}`;

  it("when a caller who booked by keypad calls again and waits, then the wallboard shows the wait live and the agent's card shows the IVR path in words with the earlier call and booking", async () => {
    const from = randomMobile();
    const first17 = `23050219600101${String(randomInt(1000)).padStart(3, '0')}`;
    // Book (1), the general desks (1), general intake (1), its first service (1), tomorrow morning (3), the ID number, confirm (1).
    const booked = await placeCall(
      transport,
      PUBLIC_BASE_URL,
      {
        to: CITIZEN_CENTRE,
        from,
        inputs: keys(
          '1',
          '1',
          '1',
          '1',
          '3',
          `${`${first17}${idCheckCharacter(first17)}`.replace('X', '*')}#`,
          '1',
        ),
      },
      null,
    );
    const code = /预约码是：([\d，]+)/.exec(booked.lines.join('\n'))?.[1]?.replace(/，/g, '');
    assert.ok(code, booked.lines.join('\n'));

    const supervisor = await createAgent(runtime, {
      skills: ['cc-general'],
      role: 'supervisor',
      displayName: '赵班长',
    });
    const agent = await createAgent(runtime, { skills: ['cc-general'], displayName: '王丽' });
    const board = await openPage();
    await logIn(board, supervisor);
    await board.waitForURL(/wallboard\.html$/);
    const queueRow = board.locator('tr[data-queue="cc-general"]');
    // Nobody signed in for it and no call today: the queue waits behind 显示全部.
    await board.locator('#totals tr').waitFor();
    assert.equal(await queueRow.count(), 0);

    // Consult (2), general guidance (1): the caller waits in the general desk's queue; nobody is free.
    const waiting = await placeCall(
      transport,
      PUBLIC_BASE_URL,
      {
        to: CITIZEN_CENTRE,
        from,
        inputs: keys('2', '1'),
        waitRounds: 1,
        stopAt: (next) => next.includes('/queue/result'),
      },
      null,
    );
    const callSid = waiting.requests[0]!.params.CallSid!;
    await queueRow.locator('td.waiting', { hasText: /^1$/ }).waitFor({ timeout: 10_000 });
    assert.match((await queueRow.locator('td').first().textContent()) ?? '', /市民服务中心.*综合/);
    clock.advance(45_000);
    await queueRow.locator('td.longest', { hasText: '45 秒' }).waitFor({ timeout: 10_000 });
    await queueRow.locator('td.level', { hasText: '暂无' }).waitFor();

    const desk = await openPage();
    await logIn(desk, agent);
    await desk.waitForURL(/desk\.html$/);
    await desk.locator('#frame-user', { hasText: '王丽' }).waitFor();
    await desk.locator('#agent-state[data-state]').waitFor();
    await desk.getByRole('button', { name: '空闲' }).click();
    await desk.locator(`#call-card[data-call-sid="${callSid}"]`).waitFor();
    const path = await desk.locator('#call-path li').allTextContents();
    assert.ok(
      path.some((step) => /主菜单：按 2（业务咨询）/.test(step)),
      path.join(' | '),
    );
    assert.ok(
      path.some((step) => /进入排队/.test(step)),
      path.join(' | '),
    );
    assert.equal(
      await desk.locator('#call-from').textContent(),
      `${from.slice(3, 6)}****${from.slice(-4)}`,
    );
    await desk.locator('#history-calls tr', { hasText: '自助办结' }).waitFor();
    await desk.locator('#history-bookings tr', { hasText: code }).waitFor();
    assert.match(
      (await desk.locator('#history-bookings tr', { hasText: code }).textContent()) ?? '',
      /已预约/,
    );
    await desk.screenshot({ path: `${SCREENSHOTS}/desk-call-card.png` });
    await assertNothingForMachines(desk, 'the desk with a call card');

    await runtime.routing.acd.agentLegStatus(agent, callSid, 'in-progress');
    await board
      .locator(`tr[data-agent="${agent}"]`, { hasText: '王丽' })
      .locator('.badge', { hasText: '通话中' })
      .waitFor();
    await queueRow.locator('td.waiting', { hasText: /^0$/ }).waitFor();
    // Answered after 45 s against a 20 s target: the service level is 0 % and red.
    await queueRow
      .locator('.level-badge.level-red', { hasText: '0%' })
      .waitFor({ timeout: 10_000 });
    await board.screenshot({ path: `${SCREENSHOTS}/wallboard.png`, fullPage: true });
    await assertNothingForMachines(board, 'the wallboard');
    const audit = await runtime.database.db.execute(
      `select count(*)::int as n from audit_log where subject = '${callSid}' and action = 'read-call-card'` as never,
    );
    assert.ok(
      Number((audit as unknown as Array<{ n: number }>)[0]?.n ?? 0) >= 1,
      'reading the card is audited',
    );
    await desk.context().close();
    await board.context().close();
  });

  it("when the agent transfers a call to a department from the directory, then the call goes to that department's queue", async () => {
    const agent = await createAgent(runtime, { skills: ['cc-general'], displayName: '李强' });
    const desk = await openPage();
    await logIn(desk, agent);
    await desk.waitForURL(/desk\.html$/);
    // The state buttons work once the desk has read the agent's state.
    await desk.locator('#agent-state[data-state]').waitFor();
    await desk.getByRole('button', { name: '空闲' }).click();
    await desk.locator('#agent-state[data-state="available"]').waitFor();
    const { callSid } = await queueCall(runtime, { skill: 'cc-general' });
    await desk.locator(`#call-card[data-call-sid="${callSid}"]`).waitFor();
    await runtime.routing.acd.agentLegStatus(agent, callSid, 'in-progress');
    await desk.locator('#agent-state[data-state="on_call"]').waitFor();
    const tax = runtime.catalogue.department('cc-tax')!;
    await eventually(
      async () => (await desk.locator('#transfer-target option').count()) > 3,
      'the directory loaded',
    );
    const label = await desk
      .locator('#transfer-target option', {
        hasText: `${tax.hall.name} · ${tax.department.name}（空闲`,
      })
      .textContent();
    await desk.locator('#transfer-target').selectOption({ label: label! });
    await desk.getByRole('button', { name: '转接', exact: true }).click();
    await desk.locator('#outcome-saved', { hasText: '已转接' }).waitFor();
    const routed = await runtime.routing.store.call(callSid);
    assert.ok(routed?.skills.includes('cc-tax'), 'the call waits for the tax desk');
    await mock.waitFor(`/Calls/${callSid}.json`);
    await desk.locator('#agent-state[data-state="wrap_up"]').waitFor();
    await desk.locator('#wrap-up-countdown', { hasText: '话后整理剩余' }).waitFor();
    await desk.context().close();
  });

  /** An agent logged in, available, and on a call of `skill`; returns the page and the call. */
  async function onACall(
    displayName: string,
    skill = 'cc-general',
  ): Promise<{ desk: Page; agent: string; callSid: string }> {
    const agent = await createAgent(runtime, { skills: [skill], displayName });
    const desk = await openPage();
    await logIn(desk, agent);
    await desk.waitForURL(/desk\.html$/);
    // The state buttons work once the desk has read the agent's state.
    await desk.locator('#agent-state[data-state]').waitFor();
    await desk.getByRole('button', { name: '空闲' }).click();
    await desk.locator('#agent-state[data-state="available"]').waitFor();
    const { callSid } = await queueCall(runtime, { skill });
    await desk.locator(`#call-card[data-call-sid="${callSid}"]`).waitFor();
    await runtime.routing.acd.agentLegStatus(agent, callSid, 'in-progress');
    await desk.locator('#agent-state[data-state="on_call"]').waitFor();
    return { desk, agent, callSid };
  }

  it("when the agent books by clicking a free slot in the calendar, then the place is held, read back, confirmed on the phone channel and recorded as the call's outcome", async () => {
    const { desk, agent, callSid } = await onACall('陈静');
    await desk.getByRole('tab', { name: '预约' }).click();
    const form = desk.locator('form[data-kind="booking"]');
    await form.getByRole('button', { name: '确认预约' }).click();
    await form.locator('[data-error-for="serviceId"]', { hasText: '请从列表中选择事项' }).waitFor();
    await fillDeskBooking(
      desk,
      '13904691111',
      `23050219700101${String(randomInt(1000)).padStart(3, '0')}`,
    );
    await desk.screenshot({ path: `${SCREENSHOTS}/desk-booking-form.png` });
    await assertNothingForMachines(desk, 'the booking form');
    await form.getByRole('button', { name: '确认预约' }).click();
    const saved = await desk.locator('#outcome-saved', { hasText: '预约成功' }).textContent();
    const code = /预约码 (\d{8})/.exec(saved ?? '')?.[1];
    assert.ok(code, saved ?? '');
    const booking = await runtime.booking.service.findBookingByCode(code);
    assert.equal(booking?.channel, 'phone');
    assert.equal(booking?.serviceId, 'cc-general-intake');
    const [outcome] = await runtime.desk.outcomes.list(callSid, { id: agent, role: 'agent' });
    assert.equal(outcome?.kind, 'booking');
    assert.equal(outcome?.details.bookingCode, code);
    await desk.locator('#my-figures', { hasText: '预约 1' }).waitFor({ timeout: 10_000 });
    await desk.context().close();
  });

  it('when an item completed by phone is sent by post, then the form asks in Chinese for what is missing and records recipient, address and phone', async () => {
    const { desk, agent, callSid } = await onACall('刘洋');
    await desk.getByRole('tab', { name: '电话办结' }).click();
    const form = desk.locator('form[data-kind="completed-by-phone"]');
    await form.getByLabel('办理的事项（输入名称搜索）').fill('办事指南');
    await form.locator('ul.suggestions button', { hasText: '办事指南咨询' }).click();
    await form.getByLabel('办件编号').fill('SYS-2026-000124');
    await form.getByLabel('办理结果').fill('已办结，结果邮寄送达');
    await form.getByLabel('送达方式').selectOption('post');
    await form.getByRole('button', { name: '保存办结结果' }).click();
    await form.locator('[data-error-for="delivery.recipient"]', { hasText: '必填' }).waitFor();
    await form.locator('[data-error-for="delivery.street"]', { hasText: '必填' }).waitFor();
    await form.locator('[name="delivery.recipient"]').fill('赵敏');
    await form.getByLabel('收件人电话').fill('12345');
    await form.getByLabel('区/县').fill('尖山区');
    await form.getByLabel('街道及门牌号').fill('新兴大街296号');
    await form.getByRole('button', { name: '保存办结结果' }).click();
    await form
      .locator('[data-error-for="delivery.phone"]', { hasText: '请填写正确的电话号码' })
      .waitFor();
    await form.getByLabel('收件人电话').fill('13904692222');
    await assertNothingForMachines(desk, 'the postal form');
    await form.getByRole('button', { name: '保存办结结果' }).click();
    await desk.locator('#outcome-saved', { hasText: '通话结果已保存' }).waitFor();
    const [outcome] = await runtime.desk.outcomes.list(callSid, { id: agent, role: 'agent' });
    assert.deepEqual(outcome?.details, {
      serviceId: 'cc-general-guide',
      referenceNumber: 'SYS-2026-000124',
      result: '已办结，结果邮寄送达',
      delivery: {
        method: 'post',
        recipient: '赵敏',
        phone: '13904692222',
        province: '黑龙江省',
        city: '双鸭山市',
        district: '尖山区',
        street: '新兴大街296号',
      },
    });
    await desk.context().close();

    // The courier's number comes later: a supervisor adds it from the call's record.
    const supervisor = await createAgent(runtime, {
      skills: ['cc-general'],
      role: 'supervisor',
      displayName: '钱班长',
    });
    const record = await openPage();
    await logIn(record, supervisor);
    await record.waitForURL(/wallboard\.html$/);
    await record.goto(`${url}/panel/call.html?call=${callSid}`);
    await record.getByLabel('快递单号').fill('EMS1234567890');
    await record.getByRole('button', { name: '保存快递单号' }).click();
    await record.locator('.outcome', { hasText: '已保存' }).waitFor();
    await record.locator('#recording-list', { hasText: '本通话没有录音' }).waitFor();
    assert.equal(
      await record
        .locator('#call-facts')
        .getByText(/^\+86139/)
        .count(),
      1,
      'the supervisor sees the full number',
    );
    await assertNothingForMachines(record, 'the call record');
    const [updated] = await runtime.desk.outcomes.list(callSid, {
      id: supervisor,
      role: 'supervisor',
    });
    assert.equal(
      (updated?.details.delivery as { trackingNumber?: string }).trackingNumber,
      'EMS1234567890',
    );
    await record.context().close();
  });

  it('when a supervisor creates an agent and an announcement from the browser, then the agent can log in under their name and callers hear the announcement', async () => {
    const supervisor = await createAgent(runtime, {
      skills: ['cc-general'],
      role: 'supervisor',
      displayName: '孙班长',
    });
    const page = await openPage();
    await logIn(page, supervisor);
    await page.waitForURL(/wallboard\.html$/);
    await page.getByRole('link', { name: '人员管理' }).click();
    await page.waitForURL(/staff\.html$/);
    const form = page.locator('#create-staff');
    await form.getByRole('button', { name: '创建账号' }).click();
    await form.locator('[data-error-for="displayName"]', { hasText: '必填' }).waitFor();
    const username = `desk_${randomHex(3)}`;
    await form.getByLabel('姓名（显示名）').fill('周敏');
    await form.getByLabel('用户名（登录用，小写字母开头）').fill(username);
    await form.getByLabel('初始密码（至少10位）').fill('short');
    const general = runtime.catalogue.department('cc-general')!;
    await form
      .getByLabel('技能（可接听的部门，按住 Ctrl 多选）')
      .selectOption({ label: `${general.hall.name} · ${general.department.name}` });
    await form.getByRole('button', { name: '创建账号' }).click();
    await form.locator('[data-error-for="password"]', { hasText: '密码至少10位' }).waitFor();
    await form.getByLabel('初始密码（至少10位）').fill(PASSWORD);
    await form.getByRole('button', { name: '创建账号' }).click();
    await page.locator('#created', { hasText: '已创建：周敏' }).waitFor();
    await page.locator(`tr[data-user="${username}"]`, { hasText: '综合受理导办窗口' }).waitFor();
    const created = await runtime.staff.findUser(username);
    assert.deepEqual(
      [created?.displayName, created?.role, created?.skills],
      ['周敏', 'agent', ['cc-general']],
    );
    await page.screenshot({ path: `${SCREENSHOTS}/manage-staff.png`, fullPage: true });
    await assertNothingForMachines(page, 'the staff page');

    await page.getByRole('link', { name: '语音公告' }).click();
    await page.waitForURL(/announcements\.html$/);
    const add = page.locator('#add-announcement');
    await add.getByLabel('公告内容').fill('来厅办事请佩戴口罩，并出示绿色健康码。');
    await add.getByLabel('开始时间（留空为立即）').fill('2026-12-01T18:00');
    await add.getByLabel('结束时间').fill('2026-12-01T08:00');
    await add.locator('.written-date', { hasText: '2026年12月1日 18:00' }).waitFor();
    await add.getByRole('button', { name: '添加公告' }).click();
    await add.locator('[data-error-for="endsAt"]', { hasText: '结束时间须晚于开始时间' }).waitFor();
    await add.getByLabel('开始时间（留空为立即）').fill('');
    await add.getByLabel('结束时间').fill('2026-12-01T18:00');
    await add.getByRole('button', { name: '添加公告' }).click();
    await page
      .locator('#announcements tr', { hasText: '来厅办事请佩戴口罩' })
      .locator('td', { hasText: '播放中' })
      .waitFor();
    const hotline = runtime.catalogue.hotline(CITIZEN_CENTRE)!;
    assert.deepEqual(await runtime.announcements.current(hotline), [
      '来厅办事请佩戴口罩，并出示绿色健康码。',
    ]);
    await page.screenshot({ path: `${SCREENSHOTS}/manage-announcements.png`, fullPage: true });
    await assertNothingForMachines(page, 'the announcements page');
    await page
      .locator('#announcements tr', { hasText: '来厅办事请佩戴口罩' })
      .getByRole('button', { name: '立即结束' })
      .click();
    await page.locator('#announcements td', { hasText: '暂无公告' }).waitFor();

    // Closing the citizen centre for today flags the booking made by phone earlier; the supervisor sees whom to call back.
    await page.goto(`${url}/panel/capacity.html`);
    const limit = page.locator('#limit');
    await limit
      .getByLabel('大厅')
      .selectOption({ label: runtime.catalogue.hall(hotline.hall)!.name });
    await limit.getByLabel('开始日期').fill('2026-12-01');
    await limit.getByLabel('结束日期').fill('2026-12-01');
    assert.equal(
      await limit.locator('.written-date', { hasText: '2026年12月1日 星期二' }).count(),
      2,
      'the days as a person writes them, whatever language the browser is in',
    );
    await limit.getByLabel('保留的接待能力（%）').fill('0');
    await limit.getByRole('button', { name: '确认调整' }).click();
    await limit.locator('[data-error-for="reason"]', { hasText: '必填' }).waitFor();
    await limit.getByLabel('原因').fill('疫情防控限流');
    await limit.getByRole('button', { name: '确认调整' }).click();
    await page.locator('#limited', { hasText: '需回访预约' }).waitFor();
    await page.locator('#flagged tr', { hasText: '13904691111' }).waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/manage-capacity.png`, fullPage: true });
    await assertNothingForMachines(page, 'the capacity page');
    await page.context().close();
  });

  it('when the agent places a callback from My work, then a refusal reads in Chinese beside the button and, once available, the call is placed for them', async () => {
    const agent = await createAgent(runtime, { skills: ['tj-declare'], displayName: '赵敏' });
    const { row: request } = await callbackRepository.insertCallbackRequest(runtime.database.db, {
      callSid: buildCallSid(),
      hotlineNumber: '+864694212366',
      hallId: 'tax-jianshan',
      skill: 'tj-declare',
      phone: randomMobile(),
      priority: 0,
      queuedAt: new Date(clock.now().getTime() - 30 * 60_000),
      requestedAt: new Date(clock.now().getTime() - 29 * 60_000),
      notBefore: new Date(clock.now().getTime() - 29 * 60_000),
    });
    const desk = await openPage();
    await logIn(desk, agent);
    await desk.waitForURL(/desk\.html$/);
    await desk.locator('#agent-state[data-state]').waitFor();
    await desk.getByRole('button', { name: '小休' }).click();
    await desk.locator('#agent-state[data-state="break"]').waitFor();
    const row = desk
      .locator('#my-callbacks tr')
      .filter({ has: desk.locator('button.place-callback') });
    await row.getByText('待回电').waitFor();
    await row.getByRole('button', { name: '立即回电' }).click();
    await row.getByText('无法回电：您当前不是空闲状态，请先切换为「空闲」再回电').waitFor();
    await desk.screenshot({ path: `${SCREENSHOTS}/desk-callback-refused.png` });

    await desk.getByRole('button', { name: '空闲' }).click();
    await desk.locator('#agent-state[data-state="available"]').waitFor();
    await row.getByRole('button', { name: '立即回电' }).click();
    await row.getByText('正在回拨：请在软电话上接听').waitFor();
    await row.getByText('回拨中').waitFor();
    await desk.locator('#agent-state[data-state="reserved"]').waitFor();
    const placed = await callbackRepository.findCallbackRequest(runtime.database.db, request.id);
    assert.deepEqual([placed?.status, placed?.agentId], ['dialing', agent]);
    assert.equal(
      (await runtime.queues.get('callback-place').getJobs(['waiting', 'delayed', 'active'])).filter(
        (job) => job?.data.requestId === request.id,
      ).length,
      1,
    );
    await desk.locator('#my-work').screenshot({ path: `${SCREENSHOTS}/desk-callback-placing.png` });
    await assertNothingForMachines(desk, 'the desk with a callback placed');
    await desk.context().close();
  });

  it('when the agent puts the caller on hold, then the desk shows 保持中 with a running timer, and Alt+P resumes', async () => {
    const { desk, callSid } = await onACall('孙立');
    await desk.getByRole('button', { name: '保持' }).click();
    await desk.locator('#hold-timer', { hasText: /^保持中 \d\d:\d\d$/ }).waitFor();
    await eventually(
      async () =>
        mock.requests.some(
          (r) =>
            r.path.endsWith(`/Calls/${callSid}.json`) &&
            String(r.params.Url).includes('/agents/hold?'),
        ),
      'the caller moved to the hold loop',
    );
    await desk.screenshot({ path: `${SCREENSHOTS}/desk-hold.png` });
    await assertNothingForMachines(desk, 'the desk on hold');
    clock.advance(75_000);
    await desk.keyboard.press('Alt+P');
    await desk.locator('#hold-timer').waitFor({ state: 'hidden' });
    await desk.getByRole('button', { name: '保持' }).waitFor();
    await eventually(
      async () =>
        mock.requests.some(
          (r) =>
            r.path.endsWith(`/Calls/${callSid}.json`) &&
            String(r.params.Url).includes('/agents/resume?'),
        ),
      'the caller back to the agent',
    );
    await desk.context().close();

    const supervisor = await createAgent(runtime, {
      skills: [],
      role: 'supervisor',
      displayName: '周主任',
    });
    const page = await openPage();
    await logIn(page, supervisor);
    await page.waitForURL(/wallboard\.html$/);
    await page.goto(`${url}/panel/call.html?call=${callSid}`);
    await page.getByText('保持 1 次，共 1 分 15 秒').waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/call-record-hold.png` });
    await assertNothingForMachines(page, 'the call record with a hold');
    await page.context().close();
  });

  it('then no page broke the content security policy or threw', () => {
    assert.deepEqual(problems, []);
  });
});
