import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Browser } from 'playwright-core';
import { queryRows } from '../../src/platform/db.js';
import type { Runtime } from '../../src/runtime.js';
import {
  buildIdNumber,
  buildMobile,
  firstSlot,
  startBookingRuntime,
} from '../booking/booking-support.js';
import { browserPresent, launchChromium, openWatchedPage } from '../support/browser.js';
import { buildCsvFeed } from './reconciliation-support.js';

const SCREENSHOTS = 'test-artifacts/screenshots';
const PASSWORD = 'correct horse battery';
const local = (at: Date) =>
  DateTime.fromJSDate(at, { zone: 'Asia/Shanghai' }).toISO({ suppressMilliseconds: true })!;

describe('the feed upload of the reconciliation page (a supervisor sends a channel file)', function () {
  this.timeout(120_000);
  let runtime: Runtime;
  let url: string;
  let supervisor: string;
  let agent: string;
  const problems: string[] = [];

  before(async () => {
    ({ runtime, url } = await startBookingRuntime({}, undefined, 'feed_upload'));
    await runtime.staff.createUser({
      username: 'upload_supervisor',
      role: 'supervisor',
      displayName: '周静',
      skills: [],
      password: PASSWORD,
    });
    await runtime.staff.createUser({
      username: 'upload_agent',
      role: 'agent',
      skills: [],
      password: PASSWORD,
    });
    supervisor = (await runtime.staff.login('upload_supervisor', PASSWORD, '127.0.0.1')).token;
    agent = (await runtime.staff.login('upload_agent', PASSWORD, '127.0.0.1')).token;
  });
  after(() => runtime.close());

  /** A CSV feed of `count` good rows for 2026-12-03, then (when asked) a row with a bad phone. */
  async function feed(prefix: string, count: number, badPhone = false): Promise<string> {
    const slot = await firstSlot(runtime, 'cc-police-move', '2026-12-03');
    const row = (n: number) => ({
      booking_id: `${prefix}-${n}`,
      hall: 'citizen-centre',
      service: 'cc-police-move',
      slot_start: local(slot.startsAt),
      id_number: buildIdNumber(),
      phone: buildMobile(),
      status: 'booked',
    });
    const rows = Array.from({ length: count }, (_, i) => row(i + 1));
    if (badPhone) rows.push({ ...row(count + 1), phone: '12345' });
    return buildCsvFeed(rows);
  }

  /** Posts a CSV feed as the page does: the staff session's cookie and the CSRF header. */
  async function upload(session: string, csv: string, query: string, csrf = true) {
    const response = await fetch(`${url}/api/channel-feeds${query}`, {
      method: 'POST',
      headers: {
        cookie: `sid=${session}`,
        'content-type': 'text/csv; charset=utf-8',
        ...(csrf ? { 'x-requested-with': 'XMLHttpRequest' } : {}),
      },
      body: csv,
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON answers
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  }

  const feedsOf = async (keyId: string) => [
    ...(await queryRows<{ channel: string; row_count: number }>(
      runtime.database.db,
      sql`select channel, row_count from channel_feeds where key_id = ${keyId} order by channel`,
    )),
  ];

  it("when a supervisor posts a channel's CSV with ?channel=, then it is imported for that channel under their name; without the CSRF header or as an agent it is refused 403; without a channel 422", async () => {
    const csv = await feed('UP-API', 2);
    const range = '&from=2026-12-01&to=2026-12-04';
    const withoutCsrf = await upload(supervisor, csv, `?channel=web${range}`, false);
    assert.equal(withoutCsrf.status, 403);
    const accepted = await upload(supervisor, csv, `?channel=web${range}`);
    assert.equal(accepted.status, 201, JSON.stringify(accepted.body));
    assert.equal(accepted.body.rows, 2);
    assert.deepEqual(await feedsOf('staff:upload_supervisor'), [{ channel: 'web', row_count: 2 }]);

    const byAgent = await upload(agent, csv, `?channel=web${range}`);
    assert.equal(byAgent.status, 403);
    const noChannel = await upload(supervisor, csv, `?from=2026-12-01&to=2026-12-04`);
    assert.equal(noChannel.status, 422);
    assert.deepEqual(await feedsOf('staff:upload_agent'), []);
    assert.equal((await feedsOf('staff:upload_supervisor')).length, 1);
  });

  it('when a supervisor uploads a file on the page, then the result says the rows accepted; a file with a bad row is refused with its line in Chinese', async function () {
    if (!browserPresent()) this.skip();
    mkdirSync(SCREENSHOTS, { recursive: true });
    const browser: Browser = await launchChromium();
    try {
      const page = await openWatchedPage(browser, problems, { width: 1366, height: 768 });
      await page.goto(`${url}/panel/`);
      await page.getByLabel('用户名').fill('upload_supervisor');
      await page.getByLabel('密码').fill(PASSWORD);
      await page.getByRole('button', { name: '登录' }).click();
      await page.waitForURL(/wallboard\.html$/);
      await page.goto(`${url}/panel/reconciliation.html`);

      await page.getByLabel('渠道').selectOption({ label: '现场窗口' });
      await page.getByLabel('名单文件（CSV 或 JSON）').setInputFiles({
        name: 'walk-in.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(await feed('UP-PAGE', 3)),
      });
      await page.getByLabel('名单开始日期（CSV 填写）').fill('2026-12-01');
      await page.getByLabel('名单结束日期（CSV 填写）').fill('2026-12-04');
      await page.getByRole('button', { name: '上传并导入' }).click();
      await page
        .locator('#feed-result[data-outcome="done"]', {
          hasText: '导入完成：接收 3 行（2026-12-01 至 2026-12-04）',
        })
        .waitFor();
      assert.equal(await page.locator('#feed-progress').isHidden(), true);
      await page.screenshot({ path: `${SCREENSHOTS}/reconciliation-upload-done.png` });
      assert.deepEqual(
        (await feedsOf('staff:upload_supervisor')).filter((f) => f.channel === 'walk_in'),
        [{ channel: 'walk_in', row_count: 3 }],
      );

      await page.getByLabel('名单文件（CSV 或 JSON）').setInputFiles({
        name: 'walk-in-bad.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(await feed('UP-BAD', 2, true)),
      });
      await page.getByRole('button', { name: '上传并导入' }).click();
      await page
        .locator('#feed-result[data-outcome="refused"]', {
          hasText: '导入未成功：名单有1行有误，整份未予接收',
        })
        .waitFor();
      const listed = await page.locator('#feed-problems li').allTextContents();
      assert.ok(
        listed.length > 0 && listed.every((line) => line.startsWith('第 4 行（')),
        listed.join('\n'),
      );
      assert.ok(
        listed.some((line) => line.startsWith('第 4 行（电话）：')),
        listed.join('\n'),
      );
      await page.screenshot({ path: `${SCREENSHOTS}/reconciliation-upload-refused.png` });
      await page.context().close();
    } finally {
      await browser.close();
    }
    assert.deepEqual(problems, []);
  });
});
