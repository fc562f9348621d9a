import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
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

  it("when a caller on the test phone talks with an agent on the desk and the supervisor presses 监听 on the wallboard, then the supervisor's page receives both parties' audio and sends none, the call goes on, and the act is audited", async () => {
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
    await row.getByRole('button', { name: '监听' }).click();
    const dialog = wallboard.locator('dialog#confirm-action[open]');
    await dialog.waitFor();
    assert.equal(
      await dialog.locator('#confirm-text').textContent(),
      '确定监听「王丽」正在进行的通话吗？您将听到市民和坐席，双方都听不到您。',
    );
    await dialog.getByRole('button', { name: '确定' }).click();
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
    assert.deepEqual(
      (await listAudit(runtime.database.db, callSid))
        .filter((r) => r.actorId === supervisor)
        .map((r) => r.action),
      ['listen-call'],
    );

    await phone.getByRole('button', { name: '挂断' }).click();
    await phone.locator('#call-status[data-state="ended"]').waitFor();
    await desk.locator('#agent-state[data-state="wrap_up"]').waitFor();
    assert.deepEqual(problems, []);
  });
});
