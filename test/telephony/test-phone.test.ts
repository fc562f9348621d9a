import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startJobs } from '../../src/jobs.js';
import { assertTwilioConformant } from '../agents/agents-support.js';
import { expectAllValidTwiml } from '../ivr/ivr-support.js';
import { openWatchedPage } from '../support/browser.js';
import { ownDatabase } from '../support/env.js';
import { fillDeskBooking } from '../support/desk-booking.js';
import { eventually } from '../support/poll.js';
import {
  agentAndSupervisor,
  callToDesk,
  freeOnDesk,
  launchWithFakeMedia,
  logIn,
  peerPackets,
  SCREENSHOTS,
  watchPeers,
} from './browser-calls.js';
import { closeProviderRuntimes, providerRuntime } from './telephony-support.js';

/** Audio packets the page's last open peer connection sent and received. */
const audioPackets = async (page: Page) =>
  (await peerPackets(page)).at(-1) ?? { sent: 0, received: 0 };

/** Waits until the desk and the test phone each sent and received audio packets. */
async function audioBothWays(desk: Page, phone: Page): Promise<void> {
  for (const [name, page] of [
    ['desk', desk],
    ['test phone', phone],
  ] as const) {
    await eventually(
      async () => {
        const packets = await audioPackets(page);
        return packets.sent > 0 && packets.received > 0 && packets;
      },
      `audio packets both ways on the ${name}`,
      20_000,
    );
  }
}

describe('the test phone and the desk on the built-in provider, in a real browser', function () {
  this.timeout(120_000);
  let browser: Browser;
  const problems: string[] = [];

  before(async function () {
    browser = await launchWithFakeMedia(this);
  });
  after(async () => {
    await browser?.close();
    await closeProviderRuntimes();
  });

  /** The built-in provider at a pace people can follow, on a database of its own, with 王丽 (an agent) and 张伟 (a supervisor). */
  async function stage(database: string) {
    const provider = await providerRuntime(
      { DATABASE_URL: await ownDatabase(database) },
      { instant: false, paceScale: 0.02 },
    );
    return { ...provider, ...(await agentAndSupervisor(provider.runtime)) };
  }

  /** The agent books the caller a slot on the desk's 预约 tab; returns the booking code. */
  async function bookFromDesk(desk: Page, callerMobile: string): Promise<string> {
    await desk.getByRole('tab', { name: '预约' }).click();
    const form = await fillDeskBooking(desk, callerMobile, '23050219700101123');
    await form.getByRole('button', { name: '确认预约' }).click();
    const saved = await desk.locator('#outcome-saved', { hasText: '预约成功' }).textContent();
    const code = /预约码 (\d{8})/.exec(saved ?? '')?.[1];
    assert.ok(code, saved ?? '');
    return code;
  }

  it("when a caller dials a hotline on the test phone and presses for a person, then the agent answers on the desk, both pages show the call connected with audio both ways, the agent books a slot whose confirmation SMS reaches the test phone's inbox, and the hang-up ends it into the day's statistics, with no request to any Twilio host", async () => {
    const { runtime, url, logLines, rest, twiml, agent, supervisor } = await stage('test-phone');
    await runtime.booking.capacity.releaseSlots();
    // The worker's jobs too, as `npm start` runs them: the booking's SMS is sent by a job.
    const jobs = await startJobs(runtime);

    const desk = await openWatchedPage(browser, problems);
    const phone = await openWatchedPage(browser, problems);
    const outside: string[] = [];
    for (const page of [desk, phone]) {
      await watchPeers(page.context());
      page.on('request', (request) => {
        if (!new URL(request.url()).host.startsWith('127.0.0.1')) outside.push(request.url());
      });
    }

    await freeOnDesk(desk, url, agent);

    await logIn(phone, url, supervisor);
    const callSid = await callToDesk(phone, desk);

    await audioBothWays(desk, phone);
    await phone.screenshot({ path: `${SCREENSHOTS}/test-phone-connected.png`, fullPage: true });
    await desk.screenshot({ path: `${SCREENSHOTS}/desk-local-call.png`, fullPage: true });

    // The caller's own number, as the test phone dials from it (+86 139…): the agent types it as 手机号码.
    const callerNumber = await phone.getByLabel('来电号码').inputValue();
    const code = await bookFromDesk(desk, callerNumber.replace(/^\+86/, ''));
    const booking = await runtime.booking.service.findBookingByCode(code);
    assert.equal(booking?.channel, 'phone');
    await phone.locator('#inbox li', { hasText: `预约码${code}` }).waitFor({ timeout: 20_000 });
    assert.match(
      (await phone.locator('#inbox li', { hasText: `预约码${code}` }).textContent()) ?? '',
      /预约成功：双鸭山市市民服务中心“一窗通办综合受理”/,
    );
    // Saved while still talking: the card stays for the rest of the call, the forms go.
    await desk.locator(`#call-card[data-call-sid="${callSid}"]`).waitFor();
    assert.equal(await desk.locator('#outcome').isHidden(), true);
    await desk.screenshot({ path: `${SCREENSHOTS}/desk-local-booking.png`, fullPage: true });
    await phone.screenshot({ path: `${SCREENSHOTS}/test-phone-inbox.png`, fullPage: true });

    // Hold and resume on the local softphone: the caller hears the hold loop, then the agent again.
    const musicBefore = await phone.locator('#captions li.music').count();
    await desk.getByRole('button', { name: '保持' }).click();
    await desk.locator('#hold-timer', { hasText: /^保持中 \d\d:\d\d$/ }).waitFor();
    await eventually(
      async () => (await phone.locator('#captions li.music').count()) > musicBefore,
      'the held caller hears the hold music',
    );
    await desk.getByRole('button', { name: '恢复通话' }).click();
    await desk.locator('#hold-timer').waitFor({ state: 'hidden' });
    await phone.locator('#call-status[data-state="connected"]').waitFor();
    await desk.locator('#agent-state[data-state="on_call"]').waitFor();
    // The resumed leg is a new peer connection on the desk, carrying audio both ways again.
    const deskPeers = await desk.evaluate(
      () => (window as unknown as { peers: RTCPeerConnection[] }).peers.length,
    );
    assert.ok(deskPeers >= 2, `${deskPeers} peer connections on the desk`);
    await eventually(
      async () => {
        const packets = await audioPackets(desk);
        return packets.sent > 0 && packets.received > 0 && packets;
      },
      'audio both ways after the resume',
      20_000,
    );

    await phone.getByRole('button', { name: '挂断' }).click();
    await phone.locator('#call-status[data-state="ended"]').waitFor();
    await desk.locator('#agent-state[data-state="wrap_up"]').waitFor();
    await desk.locator('#call-hint', { hasText: '通话结果已保存' }).waitFor();
    await eventually(
      async () => (await runtime.ledger.find(callSid))?.endedAt != null,
      'the call ended in the ledger',
    );

    const day = await runtime.reports.period('2026-03-02', '2026-03-02');
    const row = day.byHotline.find((h) => h.hotline === '+864694226101');
    assert.equal(row?.answered, 1, JSON.stringify(day.total));
    assert.deepEqual(outside, [], 'no page asked anything of another host');
    assert.deepEqual(
      logLines.filter((line) => /twilio\.com|twiliocdn\.com|ENOTFOUND/.test(line)),
      [],
    );
    assert.deepEqual(problems, []);
    await jobs.close();
    // What the provider was asked and what it executed are Twilio's: the REST requests against its
    // OpenAPI description, the documents against its TwiML schema.
    assert.ok(
      rest.some((r) => /\/Messages\.json$/.test(r.path)),
      'the SMS went by REST',
    );
    for (const request of rest) assertTwilioConformant(request);
    assert.ok(twiml.length >= 4, `${twiml.length} TwiML documents`);
    await expectAllValidTwiml(twiml);
    for (const page of [desk, phone]) {
      const text = await page.locator('body').innerText();
      assert.doesNotMatch(
        text,
        /CA[0-9a-f]{32}|QU[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-/,
        'no ids on the page',
      );
    }
  });

  it("when the agent dials the test phone's number from the desk (外呼), then the desk rings first, the test phone rings with the hotline's number, both connect with audio, and the hang-up ends it in wrap-up and an outcome", async () => {
    const { runtime, url, rest, agent, supervisor } = await stage('test-phone-outbound');
    const desk = await openWatchedPage(browser, problems);
    const phone = await openWatchedPage(browser, problems);
    for (const page of [desk, phone]) await watchPeers(page.context());

    await logIn(phone, url, supervisor);
    await phone.waitForURL(/wallboard\.html$/);
    await phone.goto(`${url}/panel/test-phone.html`);
    await phone.locator('#call-status[data-listening="+8613904691234"]').waitFor();

    await logIn(desk, url, agent);
    await desk.waitForURL(/desk\.html$/);
    await desk.locator('#softphone-status', { hasText: '软电话已连接（本机电话服务）' }).waitFor();
    await desk.getByRole('button', { name: '空闲' }).click();
    await desk.locator('#agent-state[data-state="available"]').waitFor();

    await desk.getByLabel('市民号码').fill('12345');
    await desk.getByRole('button', { name: '外呼' }).click();
    await desk.locator('#dial-number-error', { hasText: '请填写正确的电话号码' }).waitFor();
    await desk.getByLabel('市民号码').fill('139 0469 1234');
    await desk.getByRole('button', { name: '外呼' }).click();
    await desk.locator('#dial-out-message', { hasText: '正在外呼' }).waitFor();
    const create = rest.find((r) => r.method === 'POST' && r.path.endsWith('/Calls.json'));
    assert.deepEqual(
      [create?.params.To, create?.params.From],
      [`client:${agent}`, '+864694226101'],
      "the agent's softphone rung with the hotline as caller ID",
    );
    await desk.getByRole('button', { name: '接听' }).click();
    await desk.locator('#agent-state[data-state="on_call"]').waitFor();
    // The card names the citizen rung, not the hotline's own number.
    await desk.locator('#call-from', { hasText: '139****1234' }).waitFor();
    assert.deepEqual(
      [
        await desk.locator('#call-title').textContent(),
        await desk.locator('#call-from-label').textContent(),
      ],
      ['当前外呼', '外呼号码'],
    );

    await phone
      .locator('#call-status[data-state="incoming"]', { hasText: '+864694226101' })
      .waitFor();
    await phone.getByRole('button', { name: '接听' }).click();
    await phone.locator('#call-status[data-state="answered"]').waitFor();
    await audioBothWays(desk, phone);
    await desk.screenshot({ path: `${SCREENSHOTS}/desk-outbound-call.png`, fullPage: true });
    await phone.screenshot({ path: `${SCREENSHOTS}/test-phone-outbound.png`, fullPage: true });

    await phone.getByRole('button', { name: '挂断' }).click();
    await phone.locator('#call-status[data-state="ended"]').waitFor();
    await desk.locator('#agent-state[data-state="wrap_up"]').waitFor();
    const { callSid } = await runtime.routing.store.agent(agent);
    const form = desk.locator('form[data-kind="consultation"]');
    await form.getByLabel('咨询主题').fill('回访');
    await form.getByLabel('群众问题').fill('回访上次咨询的公积金提取');
    await form.getByLabel('答复内容').fill('市民表示已办理完毕。');
    await form.getByLabel('处理结果').selectOption('resolved');
    await form.getByRole('button', { name: '保存咨询结果' }).click();
    await desk.locator('#outcome-saved', { hasText: '通话结果已保存' }).waitFor();
    const row = await runtime.ledger.find(callSid);
    assert.deepEqual([row?.direction, row?.toNumber], ['outbound', '+8613904691234']);
    const [outcome] = await runtime.desk.outcomes.list(callSid, { id: agent, role: 'agent' });
    assert.equal(outcome?.kind, 'consultation');
    assert.deepEqual(problems, []);
  });
});
