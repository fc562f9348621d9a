import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { createFixedClock, ZONE } from '../../src/platform/clock.js';
import type { Runtime } from '../../src/runtime.js';
import { planHistory } from '../../tools/history/history-model.js';
import { playHistory, prepareHistory } from '../../tools/history/history-player.js';
import { startRestStandIn } from '../../tools/history/rest-stand-in.js';
import { DateTime } from 'luxon';
import { createAgent } from '../agents/agents-support.js';
import { createTestRuntime, startTestServer } from '../support/env.js';
import { browserPresent, launchChromium } from '../support/browser.js';

const PASSWORD = 'correct horse battery';
/** Where the screenshots go (git-ignored); the README names it. */
const SCREENSHOTS = 'test-artifacts/screenshots';
const FROM = '2020-03-02';
/** The cells of one CSV line (quoted cells may hold commas). */
const cells = (line: string) =>
  [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(?:,|$)/g)]
    .map((m) => m[1]!.replace(/^"|"$/g, '').replace(/""/g, '"'))
    .slice(0, -1);
const TO = '2020-03-03';

describe('charts page in a real browser, over a seeded demo history', function () {
  this.timeout(300_000);
  let runtime: Runtime;
  let url: string;
  let browser: Browser;
  let supervisor: string;
  const problems: string[] = [];

  before(async function () {
    if (!browserPresent()) this.skip();
    const clock = createFixedClock(`${FROM}T08:00:00+08:00`);
    const rest = await startRestStandIn();
    after(() => rest.close());
    runtime = await createTestRuntime({
      clock,
      database: 'reports-charts',
      env: { TWILIO_API_BASE_URL: rest.url },
    });
    const days = [FROM, TO];
    const plan = planHistory({
      seed: 7,
      days,
      catalogue: runtime.catalogue,
      // The citizen centre's 13 hotlines only, to keep the run short.
      sessionsOf: (hall, day) =>
        hall === 'citizen-centre' && runtime.calendar.hallDay(hall, day).open
          ? runtime.calendar.hallDay(hall, day).sessions
          : [],
      targetAnswered: 100,
    });
    const answering = new Set(
      plan.days.flatMap((d) => d.calls.flatMap((c) => (c.queue?.legs ?? []).map((l) => l.agentId))),
    );
    plan.agents = plan.agents.filter((a) => answering.has(a.id));
    const playing = Object.assign(runtime, { clock });
    await playHistory([playing], plan, { seed: 7, actors: await prepareHistory(playing, plan) });
    clock.set(DateTime.fromISO('2020-03-04T09:00', { zone: ZONE }).toJSDate());
    ({ url } = await startTestServer(runtime));
    supervisor = await createAgent(runtime, { skills: [], role: 'supervisor' });
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  async function openAsSupervisor(path: string): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    const page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text()))
        problems.push(`CSP: ${message.text()}`);
    });
    await page.goto(`${url}/panel/`);
    await page.getByLabel('用户名').fill(supervisor);
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/wallboard/);
    await page.goto(`${url}${path}`);
    // The first read after the history was played builds its days' rollups: it may take a while on a loaded machine.
    await page
      .locator('body[data-state="ready"], body[data-state="error"]')
      .waitFor({ timeout: 120_000 });
    return page;
  }

  it('when a supervisor opens a range, then every chart is drawn with ECharts from the app (CSP holds) and its figures agree with the CSV export to the unit', async () => {
    const page = await openAsSupervisor(`/panel/reports?from=${FROM}&to=${TO}`);
    assert.match(page.url(), /reports\.html\?from=2020-03-02&to=2020-03-03$/);
    await page.screenshot({ path: `${SCREENSHOTS}/reports-range.png`, fullPage: true });
    const csv = await page.evaluate(
      async (href) => (await fetch(href)).text(),
      `/api/reports/period.csv?from=${FROM}&to=${TO}`,
    );
    const lines = csv
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    const total = cells(lines.at(-1)!);
    const hotlineRows = lines.map(cells).filter((c) => c[1] === '热线');
    assert.equal(hotlineRows.length, 27);
    const kpi = async (label: string) =>
      (await page.locator(`[data-kpi="${label}"] b`).textContent())!.replace(/,/g, '');
    assert.equal(await kpi('呼入量'), total[6]);
    assert.equal(await kpi('人工接听量'), total[7]);
    assert.ok(Number(total[6]) > 80, `a history of some size: ${total[6]} calls`);
    const header = cells(lines[0]!);
    assert.equal(await kpi('业务咨询'), total[header.indexOf('业务咨询')]);
    assert.equal(await kpi('电话办结事项'), total[header.indexOf('电话办结事项')]);
    const series = async (id: string) => {
      // The charts are drawn after the figures arrive: wait (bounded) until this one has its instance.
      await page.waitForFunction(
        (chartId) =>
          Boolean(
            (
              window as unknown as { echarts?: { getInstanceByDom(el: Element): unknown } }
            ).echarts?.getInstanceByDom(document.getElementById(chartId)!),
          ),
        id,
        { timeout: 10_000 },
      );
      return page.evaluate((chartId) => {
        const chart = (
          window as unknown as {
            echarts: {
              getInstanceByDom(el: Element): {
                getOption(): {
                  series: Array<{ data: unknown[] }>;
                  yAxis: Array<{ data?: string[] }>;
                };
              };
            };
          }
        ).echarts.getInstanceByDom(document.getElementById(chartId)!);
        const option = chart.getOption();
        return {
          series: option.series.map((s) => s.data),
          categories: option.yAxis[0]?.data ?? [],
        };
      }, id);
    };
    const halfHours = await series('chart-half-hours');
    assert.equal(
      (halfHours.series[0] as number[]).reduce((a, b) => a + b, 0),
      Number(total[6]),
      'arrivals by half hour add up to the calls offered',
    );
    const hotlines = await series('chart-hotlines');
    const busiest = [...hotlineRows].sort((a, b) => Number(b[6]) - Number(a[6]))[0]!;
    assert.equal((hotlines.series[0] as number[]).at(-1), Number(busiest[6]));
    const days = await series('chart-days');
    assert.equal(
      (days.series[0] as number[]).reduce((a, b) => a + b, 0),
      Number(total[6]),
    );
    const staffing = await series('chart-staffing');
    assert.ok(
      (staffing.series[0] as number[]).some((n) => n > 0),
      'agents needed in some half hour',
    );
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('when a supervisor picks a week, then the page shows it and the note on days not yet come; a period before the history says why', async () => {
    const page = await openAsSupervisor('/panel/reports.html?week=2020-W10');
    assert.match(
      (await page.locator('#summary').textContent())!,
      /^自2020年3月2日至3月8日，全市预约热线共接入来电\d+次/,
    );
    assert.match(
      (await page.locator('#note').textContent())!,
      /2020年3月4日为当日数据，截至09:00；此后尚未到来/,
    );
    await page.screenshot({ path: `${SCREENSHOTS}/reports-week.png`, fullPage: true });
    await page.locator('#kind').selectOption('day');
    await page.locator('#from').fill('2019-12-31');
    await page.getByRole('button', { name: '查询' }).click();
    await page
      .locator('#empty-reason', {
        hasText: '2019年12月31日早于有记录的第一天（2020年3月2日），没有统计数据',
      })
      .waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/reports-outside-history.png`, fullPage: true });
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});
