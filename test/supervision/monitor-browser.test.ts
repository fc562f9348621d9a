import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { listAudit } from '../../src/platform/audit-repository.js';
import { openWatchedPage } from '../support/browser.js';
import { ownDatabase } from '../support/env.js';
import { eventually } from '../support/poll.js';
import {
  agentAndSupervisor,
  callToDesk,
  freeOnDesk,
  launchWithFakeMedia,
  SCREENSHOTS,
  logIn,
  peerPackets,
  watchPeers,
} from '../telephony/browser-calls.js';
import { closeProviderRuntimes, providerRuntime } from '../telephony/telephony-support.js';

describe('监听 from the wallboard on the built-in provider, in a real browser', function () {
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

  /** Presses an act on the agent's row and confirms the dialog, which must ask `question`. */
  async function act(
    wallboard: Page,
    agent: string,
    button: string,
    question: string,
  ): Promise<void> {
    await wallboard
      .locator(`tr[data-agent="${agent}"]`)
      .getByRole('button', { name: button })
      .click();
    const dialog = wallboard.locator('dialog#confirm-action[open]');
    await dialog.waitFor();
    assert.equal(await dialog.locator('#confirm-text').textContent(), question);
    await dialog.getByRole('button', { name: '确定' }).click();
    await dialog.waitFor({ state: 'detached' });
  }

  it("when a caller on the test phone talks with an agent on the desk and the supervisor presses 监听, 耳语 and 强插 on the wallboard, then the supervisor's page receives both parties' audio and sends none, then is heard by the agent only, then by both, the call going on, each act audited", async () => {
    const { runtime, url } = await providerRuntime(
      { DATABASE_URL: await ownDatabase('monitor-browser') },
      { instant: false, paceScale: 0.02 },
    );
    const { agent, supervisor } = await agentAndSupervisor(runtime);

    const desk = await openWatchedPage(browser, problems);
    const phone = await openWatchedPage(browser, problems);
    const wallboard = await openWatchedPage(browser, problems, { width: 1366, height: 768 });
    for (const page of [desk, phone, wallboard]) await watchPeers(page.context());

    await freeOnDesk(desk, url, agent);

    await logIn(phone, url, supervisor);
    const callSid = await callToDesk(phone, desk);

    await logIn(wallboard, url, supervisor);
    await wallboard.waitForURL(/wallboard\.html$/);
    const row = wallboard.locator(`tr[data-agent="${agent}"]`);
    await row.getByRole('button', { name: '监听' }).waitFor();
    await act(
      wallboard,
      agent,
      '监听',
      '确定监听「王丽」正在进行的通话吗？您将听到市民和坐席，双方都听不到您。',
    );
    await wallboard
      .locator('#action-result[data-outcome="done"]', { hasText: '正在监听「王丽」的通话' })
      .waitFor();
    await wallboard
      .locator('#monitor-status', { hasText: '软电话已连接（本机电话服务）' })
      .waitFor();

    const heard = await eventually(
      async () => {
        const packets = await peerPackets(wallboard);
        return packets.filter((p) => p.received > 0).length >= 2 && packets;
      },
      "the caller's and the agent's audio received on the wallboard",
      20_000,
    );
    assert.ok(
      heard.every((p) => p.sent === 0),
      `listening sends nothing: ${JSON.stringify(heard)}`,
    );
    await wallboard.screenshot({ path: `${SCREENSHOTS}/wallboard-listen.png`, fullPage: true });
    assert.equal(await phone.locator('#call-status').getAttribute('data-state'), 'connected');
    assert.equal((await runtime.routing.store.agent(agent)).state, 'on_call');

    // 耳语: the supervisor's microphone goes to the agent's desk only, never to the caller's page.
    await act(
      wallboard,
      agent,
      '耳语',
      '确定对「王丽」耳语（辅导）吗？只有坐席能听到您，市民听不到。',
    );
    await wallboard.locator('#action-result', { hasText: '正在对「王丽」耳语' }).waitFor();
    await eventually(
      async () => {
        const packets = await peerPackets(wallboard);
        return (
          packets.filter((p) => p.received > 0).length >= 2 &&
          packets.filter((p) => p.sent > 0).length === 1
        );
      },
      'whispering: both heard, sent to one party',
      20_000,
    );
    assert.deepEqual(
      (await peerPackets(desk)).map((p) => p.received > 0),
      [true, true],
      'the desk hears the caller and the supervisor',
    );
    const [, callerFromSupervisor] = await peerPackets(phone);
    assert.equal(callerFromSupervisor?.received, 0, 'the caller does not hear the whisper');

    // 强插: everyone hears the supervisor.
    await act(wallboard, agent, '强插', '确定强插「王丽」的通话吗？市民和坐席都将听到您。');
    await eventually(
      async () => ((await peerPackets(phone))[1]?.received ?? 0) > 0,
      "the supervisor's voice on the caller's page after 强插",
      20_000,
    );
    await wallboard.screenshot({ path: `${SCREENSHOTS}/wallboard-barge.png`, fullPage: true });
    assert.deepEqual(
      (await listAudit(runtime.database.db, callSid))
        .filter((r) => r.actorId === supervisor)
        .map((r) => r.action),
      ['listen-call', 'whisper-call', 'barge-call'],
    );

    await phone.getByRole('button', { name: '挂断' }).click();
    await phone.locator('#call-status[data-state="ended"]').waitFor();
    await desk.locator('#agent-state[data-state="wrap_up"]').waitFor();
    assert.deepEqual(problems, []);
  });
});
