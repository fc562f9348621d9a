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

  /**
   * A caller on the test phone answered by 王丽 on her desk, and 李强 free on his, picked in 王丽's
   * transfer directory; `question` is the confirm the next press must ask (accepted).
   */
  async function callWithColleague(database: string, question: string) {
    const { runtime, url } = await providerRuntime(
      { DATABASE_URL: await ownDatabase(database) },
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
      assert.equal(dialog.message(), question);
      void dialog.accept();
    });
    return { runtime, agent, colleague, desk, colleagueDesk, phone, callSid };
  }

  it("when an agent on a call picks a free colleague and presses 三方通话, then the colleague's desk rings, they answer, and the colleague's page receives the caller's and the agent's audio; the agent hangs up and the colleague stays with the caller", async () => {
    const { runtime, agent, colleague, desk, colleagueDesk, phone, callSid } =
      await callWithColleague(
        'three-way-browser',
        '邀请 李强 加入本通电话（三方通话）？对方接听后三方可同时通话。',
      );
    await desk.getByRole('button', { name: '三方通话' }).click();
    await desk.locator('#three-way-result', { hasText: '已邀请 李强 加入三方通话' }).waitFor();

    await colleagueDesk.getByRole('button', { name: '接听' }).waitFor();
    await colleagueDesk.getByRole('button', { name: '接听' }).click();
    await colleagueDesk.locator('#agent-state[data-state="on_call"]').waitFor();
    // Both ways, polled together: a peer's first packets received may come before its first sent.
    let last: Awaited<ReturnType<typeof peerPackets>> = [];
    await eventually(
      async () => {
        last = await peerPackets(colleagueDesk);
        return (
          last.filter((p) => p.received > 0).length >= 2 &&
          last.filter((p) => p.sent > 0).length >= 2
        );
      },
      "the caller's and the agent's audio received on the colleague's desk, and the colleague heard",
      20_000,
    ).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}: ${JSON.stringify(last)}`);
    });
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

  it('when an agent consults a free colleague (咨询转接) and presses 完成转接, then the caller hears hold music and sends nothing while the agents talk, and after the transfer the colleague and the caller hear each other and the agent is in wrap-up', async () => {
    const { runtime, agent, colleague, desk, colleagueDesk, phone, callSid } =
      await callWithColleague(
        'consult-browser',
        '咨询 李强？来电人将听到等待音乐，您与 李强 商量后可完成转接或取消。',
      );
    await desk.getByRole('button', { name: '咨询转接' }).click();
    await desk.locator('#three-way-result', { hasText: '正在咨询 李强' }).waitFor();
    await colleagueDesk.getByRole('button', { name: '接听' }).click();
    await colleagueDesk.locator('#agent-state[data-state="on_call"]').waitFor();
    await phone.locator('#captions li', { hasText: '坐席正在咨询同事' }).waitFor();
    const heardByColleague = async () =>
      (await peerPackets(colleagueDesk)).reduce((sum, p) => sum + p.received, 0);
    await eventually(
      async () => (await heardByColleague()) > 0,
      "the agent's voice on the colleague's desk",
      20_000,
    );
    // While a second of the agents' talk goes by, the held caller's page sends nothing.
    const sentBefore = (await peerPackets(phone))[0]!.sent;
    const heardBefore = await heardByColleague();
    await eventually(
      async () => (await heardByColleague()) > heardBefore + 50,
      'a second of the agents talking',
      20_000,
    );
    const sentAfter = (await peerPackets(phone))[0]!.sent;
    assert.ok(
      sentAfter - sentBefore <= 5,
      `the held caller sent ${sentAfter - sentBefore} packets`,
    );
    await desk.screenshot({ path: `${SCREENSHOTS}/desk-consult.png` });

    desk.once('dialog', (dialog) => void dialog.accept());
    await desk.getByRole('button', { name: '完成转接' }).click();
    await desk.locator('#three-way-result', { hasText: '已转接' }).waitFor();
    await desk.locator('#agent-state[data-state="wrap_up"]').waitFor();
    await eventually(
      async () => {
        const packets = await peerPackets(phone);
        return packets.length >= 2 && (packets.at(-1)?.received ?? 0) > 0;
      },
      "the colleague's voice on the caller's page after the transfer",
      20_000,
    );
    assert.equal(await phone.locator('#call-status').getAttribute('data-state'), 'connected');
    assert.equal((await runtime.routing.store.agent(colleague)).state, 'on_call');
    await colleagueDesk.screenshot({ path: `${SCREENSHOTS}/desk-consult-transferred.png` });
    assert.deepEqual(
      (await listAudit(runtime.database.db, callSid))
        .filter((r) => r.action !== 'read-call-card')
        .map((r) => [r.actorId, r.action]),
      [
        [agent, 'consult-call'],
        [agent, 'consult-transfer-call'],
      ],
    );
    await phone.getByRole('button', { name: '挂断' }).click();
    await phone.locator('#call-status[data-state="ended"]').waitFor();
    await colleagueDesk.locator('#agent-state[data-state="wrap_up"]').waitFor();
    assert.deepEqual(problems, []);
  });
});
