import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { listAudit } from '../../src/platform/audit-repository.js';
import { createAgent } from '../agents/agents-support.js';
import { openWatchedPage } from '../support/browser.js';
import { ownDatabase } from '../support/env.js';
import { eventually } from '../support/poll.js';
import {
  agentAndSupervisor,
  callToDesk,
  freeOnDesk,
  launchWithFakeMedia,
  PASSWORD,
  SCREENSHOTS,
  logIn,
  peerPackets,
  watchPeers,
} from '../telephony/browser-calls.js';
import { closeProviderRuntimes, providerRuntime } from '../telephony/telephony-support.js';

describe('三方通话 from the desk on the built-in provider, in a real browser', function () {
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

  it("when an agent on a call picks a free colleague and presses 三方通话, then the colleague's desk rings, they answer, and the colleague's page receives the caller's and the agent's audio; the agent hangs up and the colleague stays with the caller", async () => {
    const { runtime, url } = await providerRuntime(
      { DATABASE_URL: await ownDatabase('three-way-browser') },
      { instant: false, paceScale: 0.02 },
    );
    const { agent, supervisor } = await agentAndSupervisor(runtime);
    const colleague = await createAgent(runtime, {
      skills: [],
      displayName: '李强',
      password: PASSWORD,
    });

    const desk = await openWatchedPage(browser, problems, { width: 1366, height: 768 });
    const colleagueDesk = await openWatchedPage(browser, problems, { width: 1366, height: 768 });
    const phone = await openWatchedPage(browser, problems);
    for (const page of [desk, colleagueDesk, phone]) await watchPeers(page.context());

    await freeOnDesk(desk, url, agent);
    await freeOnDesk(colleagueDesk, url, colleague);
    await logIn(phone, url, supervisor);
    const callSid = await callToDesk(phone, desk);

    await desk.locator(`#transfer-target option[value="agent:${colleague}"]`).waitFor({
      state: 'attached',
    });
    await desk.locator('#transfer-target').selectOption(`agent:${colleague}`);
    desk.once('dialog', (dialog) => {
      assert.equal(
        dialog.message(),
        '邀请 李强 加入本通电话（三方通话）？对方接听后三方可同时通话。',
      );
      void dialog.accept();
    });
    await desk.getByRole('button', { name: '三方通话' }).click();
    await desk.locator('#three-way-result', { hasText: '已邀请 李强 加入三方通话' }).waitFor();

    await colleagueDesk.getByRole('button', { name: '接听' }).waitFor();
    await colleagueDesk.getByRole('button', { name: '接听' }).click();
    await colleagueDesk.locator('#agent-state[data-state="on_call"]').waitFor();
    const heard = await eventually(
      async () => {
        const packets = await peerPackets(colleagueDesk);
        return packets.filter((p) => p.received > 0).length >= 2 && packets;
      },
      "the caller's and the agent's audio received on the colleague's desk",
      20_000,
    );
    assert.ok(
      heard.filter((p) => p.sent > 0).length >= 2,
      `the colleague is heard: ${JSON.stringify(heard)}`,
    );
    await desk.screenshot({ path: `${SCREENSHOTS}/desk-three-way.png` });
    await colleagueDesk.screenshot({ path: `${SCREENSHOTS}/desk-three-way-colleague.png` });
    assert.deepEqual(
      (await listAudit(runtime.database.db, callSid))
        .filter((r) => r.action !== 'read-call-card')
        .map((r) => [r.actorId, r.action]),
      [[agent, 'three-way-call']],
    );

    // The first agent leaves: the caller and the colleague talk on.
    await desk.getByRole('button', { name: '挂断' }).click();
    await desk.locator('#agent-state[data-state="wrap_up"]').waitFor();
    assert.equal(await phone.locator('#call-status').getAttribute('data-state'), 'connected');
    await phone.getByRole('button', { name: '挂断' }).click();
    await phone.locator('#call-status[data-state="ended"]').waitFor();
    await eventually(
      async () => (await runtime.routing.store.agent(colleague)).state === 'available',
      'the colleague free again',
    );
    assert.deepEqual(problems, []);
  });
});
