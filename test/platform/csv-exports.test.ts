import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import type { ItemView } from '../../src/reconciliation/reconciliation-views.js';
import { buildOpenItemsCsv } from '../../src/reconciliation/reconciliation-views.js';
import type { RunRow } from '../../src/reconciliation/reconciliation-repository.js';
import { buildCsv } from '../../src/reports/index.js';
import type { PeriodReport } from '../../src/reports/reports-model.js';

/** Cells a spreadsheet would run as formulas (OWASP CSV injection), each paired with what it must read as. */
const HOSTILE = [
  '=HYPERLINK("http://evil.example/","点我")',
  "+1+cmd|' /C calc'!A0",
  '-2+3',
  '@SUM(A1:A2)',
  '\t=1',
  '\r=2',
];
const neutralised = (text: string) => `'${text}`;

const run = { id: 7 } as RunRow;

function buildItem(overrides: Partial<ItemView>): ItemView {
  return {
    id: 1,
    class: 'calendar_only',
    className: '号源日历有、渠道名单无',
    key: 'calendar_only:1',
    status: 'open',
    statusName: '待处理',
    bookingId: null,
    slotId: null,
    holdId: null,
    callSid: null,
    channel: 'web',
    channelName: '政务服务网',
    hallId: 'citizen-centre',
    hallName: '市民中心',
    serviceId: 'cc-police-move',
    serviceName: '户口迁移',
    day: '2026-12-02',
    idMasked: '2305**********0017',
    phoneMasked: '+86*******1234',
    details: { code: '12345678', status: 'confirmed', feedId: 'feed-1' },
    resolution: null,
    ...overrides,
  } as ItemView;
}

const STATS = {
  offered: 3,
  answered: 2,
  selfServed: 0,
  abandonedInIvr: 0,
  abandonedInQueue: 1,
  shortAbandons: 0,
  transfers: 0,
  consultations: 1,
  completedByPhone: 0,
  callbacksRequested: 0,
  callbacksPlaced: 0,
  callbacksCompleted: 0,
  callbacksNotReached: 0,
  inProgress: 0,
  serviceLevel: 0.5,
  asaSeconds: 12,
  ahtSeconds: 80,
  handleSeconds: 140,
  abandonRate: 1 / 3,
};

function buildReport(names: {
  hotlineName: string;
  hallName: string;
  departmentName: string;
}): PeriodReport {
  return {
    from: '2026-12-02',
    to: '2026-12-02',
    label: '2026年12月2日',
    madeAt: '2026-12-03T00:30:00+08:00',
    serviceLevelSeconds: 20,
    shortAbandonSeconds: 5,
    byHotline: [{ ...STATS, hotline: '+864694226101', departmentId: 'd', ...names }],
    byDepartment: [],
    total: {
      ...STATS,
      bookingsPhone: 1,
      bookingsIvr: 0,
      bookingsWeb: 0,
      bookingsWechat: 0,
      bookingsWalkIn: 0,
      slotCapacity: 10,
      slotBooked: 1,
      noShows: 0,
      capacityUse: 0.1,
    },
  } as unknown as PeriodReport;
}

const rowsOf = (csv: string | Buffer) =>
  parse(csv.toString(), { bom: true, relax_column_count: true }) as string[][];

describe('CSV exports', () => {
  it('when an open item carries text that starts like a formula, then the reconciliation CSV writes it as text with a leading quote', async () => {
    const item = buildItem({
      hallName: HOSTILE[0]!,
      serviceName: HOSTILE[1]!,
      channelName: HOSTILE[2]!,
      details: { code: HOSTILE[3]!, status: 'confirmed', feedId: 'feed-1' },
      idMasked: HOSTILE[4]!,
      phoneMasked: HOSTILE[5]!,
    });
    const [, row] = rowsOf(await buildOpenItemsCsv(run, [item]));
    assert.deepEqual(row!.slice(4, 10), HOSTILE.map(neutralised));
  });

  it('when a hotline, hall or department name starts like a formula, then the statistics CSV writes it as text with a leading quote', async () => {
    const csv = await buildCsv(
      buildReport({ hotlineName: HOSTILE[0]!, hallName: HOSTILE[3]!, departmentName: HOSTILE[2]! }),
    );
    const hotlineRow = rowsOf(csv).find((cells) => cells[1] === '热线')!;
    assert.deepEqual(
      hotlineRow.slice(3, 6),
      [HOSTILE[0]!, HOSTILE[3]!, HOSTILE[2]!].map(neutralised),
    );
  });

  it('when the CSVs are written, then they are as before but for the leading quote (masked phones and hotline numbers start with +): a BOM, CRLF after every line, quotes only where needed, numbers as they are', async () => {
    const items = [
      buildItem({}),
      buildItem({
        id: 2,
        class: 'cross_channel_duplicate',
        className: '同一人跨渠道重复预约',
        serviceName: '户口迁移,"加急"',
        details: { channels: ['web', 'wechat'] },
      }),
    ];
    assert.equal(
      await buildOpenItemsCsv(run, items),
      '\uFEFF对账批次,类别,状态,日期,大厅,业务,渠道,预约码,身份证号(脱敏),电话(脱敏),说明\r\n' +
        '7,号源日历有、渠道名单无,待处理,2026-12-02,市民中心,户口迁移,政务服务网,12345678,2305**********0017,+86*******1234,\r\n'.replace(
          ',+86',
          ",'+86",
        ) +
        '7,同一人跨渠道重复预约,待处理,2026-12-02,市民中心,"户口迁移,""加急""",政务服务网,,2305**********0017,\'+86*******1234,渠道：政务服务网、双营通微信\r\n',
    );
    const csv = (
      await buildCsv(
        buildReport({ hotlineName: '市民中心热线', hallName: '市民中心', departmentName: '公安' }),
      )
    ).toString('utf8');
    assert.ok(
      csv.startsWith(
        '\uFEFF统计日期,类别,热线号码,热线名称,大厅,部门,呼入量,人工接听量,自助办结量,IVR内放弃,排队放弃,短时放弃(<5秒),"服务水平(20秒内接通,%)",',
      ),
      csv.slice(0, 200),
    );
    assert.ok(csv.endsWith(',2026-12-03 00:30\r\n'));
    assert.equal(
      csv.split('\r\n')[1],
      "2026-12-02,热线,'+864694226101,市民中心热线,市民中心,公安,3,2,0,0,1,0,50,12,80,140,33.3,0,1,0,0,0,0,0,0,,,,,,,,,,2026-12-03 00:30",
    );
  });
});
