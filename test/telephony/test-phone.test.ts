import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
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
import { openWatchedPage } from '../support/browser.js';
import { ownDatabase } from '../support/env.js';
import { eventually } from '../support/poll.js';
import { closeProviderRuntimes, providerRuntime } from './telephony-support.js';

/** Audio packets the page's last open peer connection sent and received. */
const audioPackets = async (page: Page) =>
  (await peerPackets(page)).at(-1) ?? { sent: 0, received: 0 };

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

  it("when a caller dials a hotline on the test phone and presses for a person, then the agent answers on the desk, both pages show the call connected with audio both ways, and the hang-up ends it into the day's statistics, with no request to any Twilio host", async () => {
    const { runtime, url, logLines } = await providerRuntime(
      { DATABASE_URL: await ownDatabase('test-phone') },
      { instant: false, paceScale: 0.02 },
    );
    const { agent, supervisor } = await agentAndSupervisor(runtime);

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
    await phone.screenshot({ path: `${SCREENSHOTS}/test-phone-connected.png`, fullPage: true });
    await desk.screenshot({ path: `${SCREENSHOTS}/desk-local-call.png`, fullPage: true });

    await phone.getByRole('button', { name: '挂断' }).click();
    await phone.locator('#call-status[data-state="ended"]').waitFor();
    await desk.locator('#agent-state[data-state="wrap_up"]').waitFor();
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
    for (const page of [desk, phone]) {
      const text = await page.locator('body').innerText();
      assert.doesNotMatch(
        text,
        /CA[0-9a-f]{32}|QU[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-/,
        'no ids on the page',
      );
    }
  });
});
