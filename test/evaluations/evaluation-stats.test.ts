import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import { EVALUATION_COLUMNS, EVALUATION_SHEET } from '../../src/evaluations/index.js';
import { createFixedClock } from '../../src/platform/clock.js';
import type { Runtime } from '../../src/runtime.js';
import { client, createAgent, startTwilioMock, type TwilioMock } from '../agents/agents-support.js';
import { browserPresent, launchChromium, openWatchedPage } from '../support/browser.js';
import { createTestRuntime, startTestServer, testRun } from '../support/env.js';
import { createRandom, randomHex, testSeed } from '../support/random.js';
import { buildCallSid } from '../support/twilio.js';

const SCREENSHOTS = 'test-artifacts/screenshots';

describe('好差评 statistics: the period JSON, the XLSX and the rows agree', function () {
  this.timeout(180_000);
  const clock = createFixedClock('2027-03-01T09:00:00+08:00');
  let mock: TwilioMock;
  let runtime: Runtime;
  let url: string;
  /** What the test played, counted as it went: per department, and in all. */
  const played = new Map<
    string,
    { offered: number; levels: number[]; revisited: number; rectified: number; inTime: number }
  >();
  const tally = (department: string) => {
    let t = played.get(department);
    if (!t)
      played.set(
        department,
        (t = { offered: 0, levels: [0, 0, 0, 0, 0, 0], revisited: 0, rectified: 0, inTime: 0 }),
      );
    return t;
  };

  before(async () => {
    mock = await startTwilioMock();
    runtime = await createTestRuntime({
      clock,
      database: 'evaluation-stats',
      env: {
        REDIS_PREFIX: `${testRun.redisPrefix}-ev-${randomHex(3)}`,
        TWILIO_API_BASE_URL: mock.url,
      },
    });
    url = (await startTestServer(runtime)).url;
    const random = createRandom(testSeed);
    const lines = ['hf-withdraw', 'vo-license', 'ss-card'].map(
      (department) =>
        runtime.catalogue.hotlines.find((h) => h.department === department) ??
        runtime.catalogue.hotlines.find(
          (h) => h.hall === runtime.catalogue.department(department)!.hall.id,
        )!,
    );
    for (const line of lines) await runtime.evaluations.setEnabled(line.number, true, 'setup');
    const agents = await Promise.all(
      ['钱一', '孙二', '李三', '周四'].map((displayName, i) =>
        createAgent(runtime, { skills: [lines[i % lines.length]!.department], displayName }),
      ),
    );
    const services: Record<string, string[]> = {};
    for (const line of lines)
      services[line.department] = runtime.catalogue
        .department(line.department)!
        .department.services.map((s) => s.id);
    // Three working days, 30 calls each, at random minutes of the morning.
    for (const day of ['2027-03-01', '2027-03-02', '2027-03-03']) {
      for (let i = 0; i < 30; i += 1) {
        clock.set(
          `${day}T${String(8 + Math.floor(i / 10)).padStart(2, '0')}:${String(10 + (i % 10) * 4).padStart(2, '0')}:00+08:00`,
        );
        const line = lines[Math.floor(random() * lines.length)]!;
        const agent = agents[Math.floor(random() * agents.length)]!;
        const callSid = buildCallSid();
        await runtime.ledger.recordArrival({
          callSid,
          from: `+86139${String(Math.floor(random() * 1e8)).padStart(8, '0')}`,
          to: line.number,
          hotline: { number: line.number, hall: line.hall, department: line.department },
        });
        await runtime.ledger.recordQueued(callSid, {
          skill: line.department,
          priority: 0,
          greenChannel: false,
          commissionerId: null,
        });
        if (random() < 0.7) {
          const list = services[line.department]!;
          await runtime.database.db.execute(
            sql`insert into call_outcomes (call_sid, agent_id, kind, service_id, details, recorded_at) values (${callSid}, ${agent}, 'consultation', ${list[Math.floor(random() * list.length)]!}, '{}'::jsonb, ${clock.now().toISOString()}::timestamptz)`,
          );
        }
        const t = tally(line.department);
        t.offered += 1;
        const draw = random();
        if (draw < 0.08) {
          await runtime.evaluations.afterAgentLeg(callSid, agent, 'completed');
          continue;
        }
        await runtime.evaluations.afterAgentLeg(callSid, agent, 'in-progress');
        if (draw < 0.18) {
          await runtime.evaluations.answer(callSid, '', 0);
          continue;
        }
        // Mostly satisfied, as hotlines are: 1 45 %, 2 25 %, 3 12 %, 4 and 5 the rest.
        const key = draw < 0.55 ? 1 : draw < 0.75 ? 2 : draw < 0.86 ? 3 : draw < 0.94 ? 4 : 5;
        await runtime.evaluations.answer(callSid, String(key), 0);
        t.levels[key] = t.levels[key]! + 1;
      }
    }
    // The 差评: most called back, some closed in time, one closed late, the rest open.
    clock.set('2027-03-05T10:00:00+08:00');
    const cases = (await runtime.followUps.list(undefined)).reverse();
    for (const [index, c] of cases.entries()) {
      const department = runtime.catalogue.hotlines.find(
        (h) => runtime.catalogue.department(h.department)?.department.name === c.departmentName,
      )!.department;
      const t = tally(department);
      if (index % 4 === 3) continue;
      await runtime.followUps.callBack(c.id, 'setup');
      t.revisited += 1;
      if (index % 4 === 2) continue;
      await runtime.followUps.recordFinding(c.id, 'setup', {
        finding: index % 2 ? 'substantiated' : 'unsubstantiated',
        rectification: '已核实并整改',
        reply: '已答复来电人',
      });
      if (index === 0) clock.set('2027-04-30T10:00:00+08:00');
      await runtime.followUps.close(c.id, 'setup', {});
      if (index === 0) clock.set('2027-03-05T10:00:00+08:00');
      t.rectified += 1;
      if (index !== 0) t.inTime += 1;
    }
  });
  after(async () => mock?.close());

  it('when the period JSON is read, then its totals and departments are the played rows, and its rates follow the definitions', async () => {
    const supervisor = await createAgent(runtime, { skills: [], role: 'supervisor' });
    const browser = client(url);
    await browser.login(supervisor);
    const { status, body } = await browser.request(
      'GET',
      '/api/reports/period?from=2027-03-01&to=2027-03-03',
    );
    assert.equal(status, 200);
    const e = body.evaluations;
    const all = [...played.values()];
    const sum = (pick: (t: (typeof all)[number]) => number) => all.reduce((a, t) => a + pick(t), 0);
    assert.equal(e.total.offered, 90);
    assert.equal(
      e.total.offered,
      sum((t) => t.offered),
    );
    assert.equal(
      e.total.evaluated,
      sum((t) => t.levels.reduce((a, b) => a + b, 0)),
    );
    assert.deepEqual(
      [
        e.total.verySatisfied,
        e.total.satisfied,
        e.total.basicallySatisfied,
        e.total.dissatisfied,
        e.total.veryDissatisfied,
      ],
      [1, 2, 3, 4, 5].map((k) => sum((t) => t.levels[k]!)),
    );
    assert.equal(
      e.total.poor,
      sum((t) => t.levels[4]! + t.levels[5]!),
    );
    assert.ok(e.total.poor >= 4, `the seeded history has 差评 to follow up (${e.total.poor})`);
    assert.equal(
      e.total.revisited,
      sum((t) => t.revisited),
    );
    assert.equal(
      e.total.rectified,
      sum((t) => t.rectified),
    );
    assert.equal(
      e.total.rectifiedInTime,
      sum((t) => t.inTime),
    );
    assert.equal(
      e.total.rectifiedInTime,
      e.total.rectified - 1,
      'the case closed in April is late',
    );
    assert.equal(e.total.evaluationRate, e.total.evaluated / e.total.offered);
    assert.equal(
      e.total.satisfactionRate,
      (e.total.verySatisfied + e.total.satisfied + e.total.basicallySatisfied) / e.total.evaluated,
    );
    assert.equal(e.total.revisitRate, e.total.revisited / e.total.poor);
    assert.equal(e.total.onTimeRectificationRate, e.total.rectifiedInTime / e.total.poor);
    for (const [department, t] of played) {
      const row = e.byDepartment.find((r: { department: string }) => r.department === department);
      assert.equal(row.offered, t.offered, department);
      assert.equal(row.poor, t.levels[4]! + t.levels[5]!, department);
    }
    for (const group of ['byHotline', 'byAgent', 'byService'])
      assert.equal(
        e[group].reduce((a: number, r: { offered: number }) => a + r.offered, 0),
        90,
        `${group} adds up to the total`,
      );
    const outside = (
      await browser.request('GET', '/api/reports/period?from=2027-03-04&to=2027-03-04')
    ).body.evaluations;
    assert.equal(outside.total.offered, 0);
    assert.equal(outside.total.satisfactionRate, null);
  });

  it("when the period XLSX is downloaded, then its 好差评 sheet holds the JSON's figures and 说明 defines them", async () => {
    const supervisor = await createAgent(runtime, { skills: [], role: 'supervisor' });
    const browser = client(url);
    await browser.login(supervisor);
    const json = (await browser.request('GET', '/api/reports/period?from=2027-03-01&to=2027-03-03'))
      .body.evaluations;
    const response = await fetch(`${url}/api/reports/period.xlsx?from=2027-03-01&to=2027-03-03`, {
      headers: { cookie: browser.cookie },
    });
    assert.equal(response.status, 200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    const sheet = workbook.getWorksheet(EVALUATION_SHEET)!;
    assert.ok(sheet, 'the sheet is there');
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    assert.deepEqual(header, ['类别', '名称', ...EVALUATION_COLUMNS.map((c) => c.header)]);
    const rows = sheet
      .getSheetValues()
      .slice(2)
      .map((r) => (r as unknown[]).slice(1));
    const total = rows.find((r) => r[0] === '合计')!;
    assert.deepEqual(
      total.slice(2, 14),
      EVALUATION_COLUMNS.slice(0, 12).map((c) => c.value(json.total)),
    );
    assert.equal(
      total[2 + EVALUATION_COLUMNS.findIndex((c) => c.header === '满意率(%)')],
      Math.round(json.total.satisfactionRate * 1000) / 10,
    );
    for (const d of json.byDepartment) {
      const row = rows.find(
        (r) => r[0] === '部门' && r[1] === `${d.hallName} ${d.departmentName}`,
      )!;
      assert.equal(row[2], d.offered);
      assert.equal(row[10], d.poor);
    }
    assert.equal(rows.filter((r) => r[0] === '坐席').length, json.byAgent.length);
    // Agents by display name with the username beside it: 钱一（username）.
    for (const a of json.byAgent.filter((r: { username: string }) => r.username))
      assert.ok(
        rows.some((r) => r[0] === '坐席' && r[1] === `${a.agent}（${a.username}）`),
        `${a.agent} named with the username`,
      );
    assert.ok(json.byAgent.some((r: { agent: string }) => r.agent === '钱一'));
    const notes = workbook
      .getWorksheet('说明')!
      .getSheetValues()
      .map((r) => String((r as unknown[] | undefined)?.[1] ?? ''));
    for (const name of [
      '好差评·评价率',
      '好差评·满意率',
      '好差评·回访率',
      '好差评·整改率',
      '好差评·按时整改率',
    ])
      assert.ok(notes.includes(name), `说明 defines ${name}`);
  });

  it("when a supervisor opens the statistics page, then the 好差评 section shows the period's figures", async function () {
    if (!browserPresent()) this.skip();
    mkdirSync(SCREENSHOTS, { recursive: true });
    const supervisor = await createAgent(runtime, { skills: [], role: 'supervisor' });
    const chromium = await launchChromium();
    try {
      const problems: string[] = [];
      const page = await openWatchedPage(chromium, problems, { width: 1366, height: 1200 });
      await page.goto(`${url}/panel/`);
      await page.getByLabel('用户名').fill(supervisor);
      await page.getByLabel('密码').fill('correct horse battery');
      await page.getByRole('button', { name: '登录' }).click();
      await page.waitForURL(/wallboard\.html$/);
      await page.goto(`${url}/panel/reports.html?from=2027-03-01&to=2027-03-03`);
      await page.locator('body[data-state="ready"]').waitFor();
      const json = (
        await client(url).request('GET', '/api/reports/period?from=2027-03-01&to=2027-03-03')
      ).body;
      assert.equal(
        json.error?.code,
        'unauthorized',
        'the figures are for signed-in supervisors only',
      );
      const evaluated = await page.locator('#evaluation-kpis [data-kpi="评价数"] b').textContent();
      const poor = await page.locator('#evaluation-kpis [data-kpi="差评数"] b').textContent();
      const total = [...played.values()];
      assert.equal(
        Number(evaluated),
        total.reduce((a, t) => a + t.levels.reduce((x, y) => x + y, 0), 0),
      );
      assert.equal(
        Number(poor),
        total.reduce((a, t) => a + t.levels[4]! + t.levels[5]!, 0),
      );
      assert.equal(
        await page.locator('#evaluation-tables table[data-table="按部门"] tbody tr').count(),
        played.size,
      );
      await page
        .locator('#evaluations')
        .screenshot({ path: `${SCREENSHOTS}/statistics-evaluations.png` });
      assert.deepEqual(problems, []);
    } finally {
      await chromium.close();
    }
  });
});
