import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { createFixedClock } from '../../src/platform/clock.js';
import type { Runtime } from '../../src/runtime.js';
import { browserPresent, launchChromium, openWatchedPage } from '../support/browser.js';
import {
  closeRoutingRuntimes,
  createAgent,
  queueCall,
  routingRuntime,
  serveRouting,
  startTwilioMock,
  type TwilioMock,
} from './agents-support.js';

const PASSWORD = 'correct horse battery';

describe('agent panel and wallboard in a real browser', function () {
  this.timeout(60_000);
  let mock: TwilioMock;
  let runtime: Runtime;
  let url: string;
  let browser: Browser;
  const problems: string[] = [];

  before(async function () {
    if (!browserPresent()) this.skip();
    mock = await startTwilioMock();
    runtime = await routingRuntime(mock, createFixedClock('2026-03-02T02:00:00Z'));
    url = await serveRouting(runtime);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await closeRoutingRuntimes();
    await mock?.close();
  });

  const openPage = (): Promise<Page> => openWatchedPage(browser, problems);

  async function logIn(page: Page, username: string, password = PASSWORD): Promise<void> {
    await page.goto(`${url}/panel/`);
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(password);
    await page.getByRole('button', { name: '登录' }).click();
  }

  it('when the password is wrong, then the login page says so and stays', async () => {
    const agent = await createAgent(runtime, { skills: ['cc-fund'] });
    const page = await openPage();
    await logIn(page, agent, 'not the password');
    await page.locator('#login-error', { hasText: '用户名或密码错误' }).waitFor();
    assert.match(page.url(), /\/panel\/$/);
    await page.context().close();
  });

  it('when an agent logs in, goes available and is offered a call, then the card shows it and the outcome form records it after showing the 422 field messages', async () => {
    const agent = await createAgent(runtime, { skills: ['cc-fund'] });
    const page = await openPage();
    const response = await page.goto(`${url}/panel/`);
    const csp = response!.headers()['content-security-policy'] ?? '';
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline[^;]*;?\s*$|script-src[^;]*unsafe-inline/);

    await logIn(page, agent);
    await page.waitForURL(/desk\.html$/);
    await page.locator('#frame-user', { hasText: agent }).waitFor();
    await page.locator('#agent-state[data-state="offline"]').waitFor();
    // Twilio cannot be reached from here: the softphone says so and the desk goes on.
    await page
      .locator('#softphone-status', { hasText: '软电话未连接' })
      .waitFor({ timeout: 20_000 });

    await page.getByRole('button', { name: '空闲' }).click();
    await page.locator('#agent-state[data-state="available"]').waitFor();
    assert.equal((await runtime.routing.presence.snapshot(agent)).state, 'available');

    const { callSid, queued } = await queueCall(runtime, { skill: 'cc-fund', notify: false });
    await runtime.ledger.recordSteps(callSid, [
      { nodeId: 'main', kind: 'choice', input: '2' },
      { nodeId: 'consult-menu', kind: 'operator', input: '0' },
    ]);
    await runtime.routing.acd.callQueued(queued);
    await page.locator(`#call-card[data-call-sid="${callSid}"]`).waitFor();
    await page.locator('#agent-state[data-state="reserved"]').waitFor();
    assert.deepEqual(await page.locator('#call-path li').allTextContents(), [
      '主菜单：按 2（业务咨询）',
      '业务咨询：转人工（按 0）',
    ]);
    assert.equal(
      await page.locator('#call-from').textContent(),
      '139****1234',
      'the caller number is masked',
    );
    const hotline =
      runtime.catalogue.hotlines.find((h) => h.department === 'cc-fund') ??
      runtime.catalogue.hotlines[0]!;
    assert.match(
      (await page.locator('#call-hotline').textContent()) ?? '',
      new RegExp(`${hotline.name}（${hotline.number.slice(3)}）`),
    );

    // What Twilio tells routing when the agent's leg is answered.
    await runtime.routing.acd.agentLegStatus(agent, callSid, 'in-progress');
    await page.locator('#agent-state[data-state="on_call"]').waitFor();

    const form = page.locator('form[data-kind="consultation"]');
    await form.getByRole('button', { name: '保存咨询结果' }).click();
    await form.locator('[data-error-for="topic"]', { hasText: '必填' }).waitFor();
    assert.notEqual(await form.locator('[data-error-for="answer"]').textContent(), '');
    assert.equal(
      await form.locator('[data-error-for="serviceId"]').textContent(),
      '',
      'an optional field left empty is not an error',
    );
    assert.equal(await form.locator('[data-error-for="answer"]').textContent(), '必填');
    await page.screenshot({ path: '/tmp/panel-desk.png', fullPage: true });

    await form.getByLabel('咨询主题').fill('公积金提取');
    assert.equal(
      await form.locator('[data-error-for="topic"]').textContent(),
      '',
      'editing a field clears its message',
    );
    await form.getByLabel('群众问题').fill('离职后如何提取住房公积金？');
    await form.getByLabel('答复内容').fill('携带身份证和离职证明到公积金窗口办理。');
    await form.getByLabel('处理结果').selectOption('resolved');
    await form.getByRole('button', { name: '保存咨询结果' }).click();
    await page.locator('#outcome-saved', { hasText: '通话结果已保存' }).waitFor();

    const outcomes = await runtime.desk.outcomes.list(callSid, { id: agent, role: 'agent' });
    assert.equal(outcomes.length, 1);
    assert.equal(outcomes[0]!.kind, 'consultation');
    assert.equal(outcomes[0]!.agentId, agent);
    assert.deepEqual(outcomes[0]!.details, {
      topic: '公积金提取',
      question: '离职后如何提取住房公积金？',
      answer: '携带身份证和离职证明到公积金窗口办理。',
      resolution: 'resolved',
    });
    await page.context().close();
  });

  it('when a call is completed by phone, then the nested delivery fields post as one object and their 422s land under the right inputs', async () => {
    const agent = await createAgent(runtime, { skills: ['cc-fund'] });
    const page = await openPage();
    await logIn(page, agent);
    await page.waitForURL(/desk\.html$/);
    await page.getByRole('button', { name: '空闲' }).click();
    await page.locator('#agent-state[data-state="available"]').waitFor();
    const { callSid } = await queueCall(runtime, { skill: 'cc-fund' });
    await page.locator(`#call-card[data-call-sid="${callSid}"]`).waitFor();
    await runtime.routing.acd.agentLegStatus(agent, callSid, 'in-progress');

    await page.getByRole('tab', { name: '电话办结' }).click();
    const form = page.locator('form[data-kind="completed-by-phone"]');
    await form.getByLabel('办理的事项（输入名称搜索）').fill('办事指南');
    await form.locator('ul.suggestions button', { hasText: '办事指南咨询' }).click();
    await form.getByLabel('办理结果').fill('已办结');
    await form.getByLabel('送达方式').selectOption('post');
    await form.locator('[name="delivery.recipient"]').fill('赵敏');
    await form.getByLabel('收件人电话').fill('13904692222');
    await form.getByLabel('区/县').fill('尖山区');
    await form.getByLabel('街道及门牌号').fill('新兴大街296号');
    await form.getByLabel('快递单号（可稍后在通话记录中补填）').fill('EMS-1');
    await form.getByRole('button', { name: '保存办结结果' }).click();
    await form
      .locator('[data-error-for="delivery.trackingNumber"]', {
        hasText: '快递单号为8至30位字母或数字',
      })
      .waitFor();
    assert.match(
      (await form.locator('[data-error-for="referenceNumber"]').textContent()) ?? '',
      /必填/,
    );

    await form.getByLabel('办件编号').fill('SYS-2026-000124');
    await form.getByLabel('快递单号（可稍后在通话记录中补填）').fill('');
    await form.getByRole('button', { name: '保存办结结果' }).click();
    await page.locator('#outcome-saved', { hasText: '通话结果已保存' }).waitFor();
    const [outcome] = await runtime.desk.outcomes.list(callSid, { id: agent, role: 'agent' });
    assert.equal(outcome?.kind, 'completed_by_phone');
    assert.deepEqual(outcome?.details, {
      serviceId: 'cc-general-guide',
      referenceNumber: 'SYS-2026-000124',
      result: '已办结',
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
    await page.context().close();
  });

  it('when a supervisor opens the wallboard, then they see agents with their states, queues and calls lacking an outcome, and it follows a state change live', async () => {
    const agent = await createAgent(runtime, { skills: ['cc-general'] });
    await runtime.routing.presence.setState(agent, 'available');
    const supervisor = await createAgent(runtime, { skills: ['cc-general'], role: 'supervisor' });
    // A call answered by another agent whose wrap-up ran out with no outcome.
    const forgetful = await createAgent(runtime, { skills: ['cc-tax'] });
    await runtime.routing.presence.setState(forgetful, 'available');
    const { callSid } = await queueCall(runtime, { skill: 'cc-tax' });
    await runtime.routing.acd.agentLegStatus(forgetful, callSid, 'in-progress');
    await runtime.routing.acd.startWrapUp(forgetful, callSid, 'cc-tax');
    await runtime.routing.presence.wrapUpEnded(forgetful, callSid);
    const page = await openPage();
    await logIn(page, supervisor);
    await page.waitForURL(/wallboard\.html$/);
    const row = page.locator(`tr[data-agent="${agent}"]`);
    await row.locator('.badge', { hasText: '空闲' }).waitFor();
    await page.locator('tr[data-queue="cc-general"]', { hasText: '综合受理导办窗口' }).waitFor();
    await page.locator(`tr[data-call="${callSid}"]`, { hasText: forgetful }).waitFor();
    assert.match(
      (await row.locator('td').first().getAttribute('title')) ?? '',
      /综合受理导办窗口/,
      'skills by name; the routing-only skill agent:<id> is not shown',
    );
    assert.doesNotMatch((await row.locator('td').first().getAttribute('title')) ?? '', /agent:/);

    await runtime.routing.presence.setState(agent, 'break', '用餐');
    await row.locator('.badge', { hasText: '小休（用餐）' }).waitFor({ timeout: 5000 });
    await page.screenshot({ path: '/tmp/panel-wallboard.png', fullPage: true });
    await page.context().close();
  });

  it('when the desk is open, then it beats every 20 s, takes a break with its reason, and logging out ends the session', async () => {
    const agent = await createAgent(runtime, { skills: ['cc-fund'] });
    const page = await openPage();
    await page.clock.install();
    await logIn(page, agent);
    await page.waitForURL(/desk\.html$/);
    await page.locator('#agent-state[data-state="offline"]').waitFor();
    const beat = page.waitForRequest(
      (request) =>
        request.url().endsWith('/api/agents/me/heartbeat') && request.method() === 'POST',
    );
    await page.clock.runFor(20_000);
    assert.equal((await (await beat).response())?.status(), 204);

    await page.getByLabel('小休原因').selectOption('用餐');
    await page.getByRole('button', { name: '小休' }).click();
    await page.locator('#agent-state[data-state="break"]', { hasText: '小休（用餐）' }).waitFor();
    const snapshot = await runtime.routing.presence.snapshot(agent);
    assert.deepEqual([snapshot.state, snapshot.reason], ['break', '用餐']);

    await page.getByRole('button', { name: '退出登录' }).click();
    await page.waitForURL(/\/panel\/index\.html$/);
    const me = await page.evaluate(async () => (await fetch('/api/agents/me')).status);
    assert.equal(me, 401);
    await page.context().close();
  });

  it('when the SDK hands the Device an incoming call, then 接听 accepts it, 静音 mutes it and 挂断 disconnects it (a stand-in Device served at the vendor URL)', async () => {
    const agent = await createAgent(runtime, { skills: ['cc-fund'] });
    const page = await openPage();
    // Twilio cannot be reached from here: this Device behaves like the SDK's, registering at once and ringing on demand.
    await page.route('**/panel/vendor/twilio.min.js', (route) =>
      route.fulfill({
        contentType: 'application/javascript',
        body: `window.Twilio = { Device: class {
          constructor(token) { this.token = token; this.handlers = {}; window.standIn = this; }
          on(name, handler) { (this.handlers[name] ??= []).push(handler); }
          emit(name, ...args) { for (const handler of this.handlers[name] ?? []) handler(...args); }
          async register() { this.emit('registered'); }
          destroy() {}
          ring() {
            const call = { state: 'pending', muted: false, log: [], handlers: {},
              on(name, handler) { (this.handlers[name] ??= []).push(handler); },
              emit(name) { for (const handler of this.handlers[name] ?? []) handler(); },
              status() { return this.state; }, isMuted() { return this.muted; },
              accept() { this.state = 'open'; this.log.push('accept'); this.emit('accept'); },
              mute(flag) { this.muted = flag; this.log.push(flag ? 'mute' : 'unmute'); this.emit('mute'); },
              reject() { this.state = 'closed'; this.log.push('reject'); this.emit('reject'); },
              disconnect() { this.state = 'closed'; this.log.push('disconnect'); this.emit('disconnect'); } };
            window.standInCall = call;
            this.emit('incoming', call);
          } } };`,
      }),
    );
    await logIn(page, agent);
    await page.waitForURL(/desk\.html$/);
    await page.locator('#softphone-status', { hasText: '软电话已连接' }).waitFor();
    const token = await page.evaluate(
      () => (window as unknown as { standIn: { token: string } }).standIn.token,
    );
    assert.equal(
      JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')).grants.identity,
      agent,
      "the Device gets the agent's own token",
    );
    assert.equal(await page.getByRole('button', { name: '接听' }).isDisabled(), true);

    await page.evaluate(() => (window as unknown as { standIn: { ring(): void } }).standIn.ring());
    await page.getByRole('button', { name: '接听' }).click();
    await page.getByRole('button', { name: '静音' }).click();
    await page.getByRole('button', { name: '取消静音' }).waitFor();
    await page.getByRole('button', { name: '挂断' }).click();
    assert.deepEqual(
      await page.evaluate(
        () => (window as unknown as { standInCall: { log: string[] } }).standInCall.log,
      ),
      ['accept', 'mute', 'disconnect'],
    );
    assert.equal(await page.getByRole('button', { name: '挂断' }).isDisabled(), true);
    await page.context().close();
  });

  it("when the desk starts the Twilio Device, then it is given the app's own sounds and fetches none from Twilio's CDN", async () => {
    const agent = await createAgent(runtime, { skills: ['cc-fund'] });
    const page = await openPage();
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    const ring = page.waitForResponse(
      (r) => r.url().endsWith('/panel/vendor/sounds/incoming.wav'),
      { timeout: 20_000 },
    );
    await logIn(page, agent);
    await page.waitForURL(/desk\.html$/);
    // The real SDK bundle: it loads every sound as the Device is made, before Twilio answers (or not).
    const response = await ring;
    assert.equal(response.status(), 200);
    assert.equal(response.headers()['content-type'], 'audio/wav');
    await page
      .locator('#softphone-status', { hasText: '软电话未连接' })
      .waitFor({ timeout: 20_000 });
    const sounds = requested.filter((u) => /\.(mp3|ogg|wav)(\?|$)/.test(u));
    assert.ok(sounds.length >= 15, `every sound is loaded: ${sounds.join(' ')}`);
    for (const sound of sounds) assert.equal(new URL(sound).origin, url, sound);
    assert.deepEqual(
      requested.filter((u) => /sdk\.twilio\.com|twiliocdn\.com/.test(u)),
      [],
      "no request to Twilio's CDN",
    );
    const seconds = await page.evaluate(async () => {
      const file = await fetch('/panel/vendor/sounds/incoming.wav');
      return (await new AudioContext().decodeAudioData(await file.arrayBuffer())).duration;
    });
    assert.equal(seconds, 2.5, 'the ring decodes in the browser: two rings and a pause');
    await page.context().close();
  });

  it('when a sound is asked of the panel, then a WAV for the names the SDK uses and 404 for others', async () => {
    for (const name of ['incoming', 'outgoing', 'disconnect', 'dtmf0', 'dtmfh', 'dtmfs']) {
      const response = await fetch(`${url}/panel/vendor/sounds/${name}.wav`);
      assert.equal(response.status, 200, name);
      assert.equal(response.headers.get('content-type'), 'audio/wav', name);
      const body = Buffer.from(await response.arrayBuffer());
      assert.equal(body.subarray(0, 4).toString('ascii'), 'RIFF', name);
      assert.equal(body.subarray(8, 12).toString('ascii'), 'WAVE', name);
      assert.ok(body.length > 44 + 8000 * 2 * 0.1, `${name} lasts at least 0.1 s`);
    }
    assert.equal((await fetch(`${url}/panel/vendor/sounds/cowbell.wav`)).status, 404);
    assert.equal((await fetch(`${url}/panel/vendor/sounds/..%2Fdesk.wav`)).status, 404);
  });

  it('then no page broke the content security policy or threw', () => {
    assert.deepEqual(problems, []);
  });
});
