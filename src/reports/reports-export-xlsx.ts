import ExcelJS from 'exceljs';
import { CLASS_NAMES } from '../reconciliation/index.js';
import { definitions } from './reports-definitions.js';
import { columns, madeAt, percent, rows, seconds, type Row } from './reports-export-columns.js';
import type { PeriodReport, StaffingPlan } from './reports-model.js';

type Cell = string | number | null;

/** A sheet with a bold, frozen header row. */
function addTable(
  workbook: ExcelJS.Workbook,
  name: string,
  headers: Array<{ header: string; format?: string }>,
  data: Cell[][],
): void {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = headers.map((c) => ({
    header: c.header,
    width: Math.max(10, c.header.length * 2 + 2),
    style: c.format ? { numFmt: c.format } : {},
  }));
  for (const row of data) sheet.addRow(row);
  sheet.getRow(1).font = { bold: true };
}

/** The staffing plan as a sheet: department, half hour, load and the Erlang C answer. */
function staffingSheet(workbook: ExcelJS.Workbook, plan: StaffingPlan): void {
  addTable(
    workbook,
    '人员配置',
    [
      { header: '大厅' },
      { header: '部门' },
      { header: '时段' },
      { header: '平均来电(每半小时)', format: '0.0' },
      { header: '平均处理时长(秒)' },
      { header: '话务量(爱尔兰)', format: '0.00' },
      {
        header: `所需坐席(${plan.serviceLevelSeconds}秒内接通${Math.round(plan.serviceLevelGoal * 100)}%)`,
      },
      { header: '预计服务水平(%)', format: '0.0' },
      { header: '预计平均等待(秒)', format: '0.0' },
      { header: '坐席占用率(%)', format: '0.0' },
      { header: '实际在线坐席(平均)', format: '0.0' },
    ],
    plan.rows.map((r) => [
      r.hallName,
      r.departmentName,
      `${r.time}-${halfHourEnd(r.halfHour)}`,
      round1(r.callsPerHalfHour),
      Math.round(r.handleSeconds),
      Math.round(r.trafficErlangs * 100) / 100,
      r.agentsNeeded,
      percent(r.serviceLevel),
      round1(r.expectedWaitSeconds),
      percent(r.occupancy),
      round1(r.agentsLoggedIn),
    ]),
  );
}

const round1 = (value: number) => Math.round(value * 10) / 10;
const halfHourEnd = (halfHour: number) =>
  `${String(Math.floor((halfHour + 1) / 2)).padStart(2, '0')}:${(halfHour + 1) % 2 ? '30' : '00'}`;

/**
 * XLSX with one sheet per view (hotlines, departments, agents, services, half hours, days,
 * and the staffing plan when given) and 说明: the summary sentence, when the file was made and
 * every figure's definition.
 */
export async function buildXlsx(
  report: PeriodReport,
  sentence: string,
  staffing?: StaffingPlan,
  reconciliation?: { runId: number; counts: Record<string, number>; fixed: number; open: number },
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '双鸭山市政务服务预约热线';
  const cols = columns(report);
  const table = (name: string, data: Row[]) =>
    addTable(
      workbook,
      name,
      cols,
      data.map((row) => cols.map((c) => c.value(row))),
    );
  const all = rows(report);
  table(
    '按热线',
    all.filter((r) => r.kind === '热线'),
  );
  table(
    '按部门',
    all.filter((r) => r.kind !== '热线'),
  );
  addTable(
    workbook,
    '按坐席',
    [
      { header: '坐席姓名' },
      { header: '用户名' },
      { header: '接听量' },
      { header: '通话时长(秒)' },
      { header: '保持时长(秒,未计量)' },
      { header: '话后处理(秒)' },
      { header: '平均处理时长(秒)' },
      { header: '业务咨询' },
      { header: '电话办结事项' },
      { header: '预约' },
      { header: '其他' },
      { header: '转接' },
    ],
    report.byAgent.map((a) => [
      a.name,
      a.agentId,
      a.handled,
      a.talkSeconds,
      null,
      a.afterCallSeconds,
      seconds(a.handleSeconds),
      a.consultations,
      a.completedByPhone,
      a.bookings,
      a.other,
      a.transfers,
    ]),
  );
  addTable(
    workbook,
    '按事项',
    [
      { header: '大厅' },
      { header: '部门' },
      { header: '事项' },
      { header: '业务咨询' },
      { header: '电话办结事项' },
      { header: '其中邮寄' },
    ],
    report.byService.map((r) => [
      r.hallName,
      r.departmentName,
      r.serviceName,
      r.consultations,
      r.completedByPhone,
      r.completedByPost,
    ]),
  );
  addTable(
    workbook,
    '按半小时',
    [{ header: '时段' }, { header: '来电' }, { header: '人工接听' }, { header: '排队放弃' }],
    report.byHalfHour.map((h) => [
      `${h.time}-${halfHourEnd(h.halfHour)}`,
      h.arrivals,
      h.answered,
      h.abandoned,
    ]),
  );
  if (report.from !== report.to) {
    addTable(
      workbook,
      '按日',
      [
        { header: '日期' },
        { header: '呼入量' },
        { header: '人工接听量' },
        { header: '排队放弃' },
        { header: `服务水平(${report.serviceLevelSeconds}秒内接通,%)`, format: '0.0' },
      ],
      report.byDay.map((d) => [
        d.day,
        d.offered,
        d.answered,
        d.abandonedInQueue,
        percent(d.serviceLevel),
      ]),
    );
  }
  if (staffing) staffingSheet(workbook, staffing);
  if (reconciliation) {
    const counts = Object.entries(CLASS_NAMES).map(([cls, name]): Cell[] => [
      name,
      reconciliation.counts[cls] ?? 0,
    ]);
    addTable(
      workbook,
      '对账',
      [{ header: `对账(第${reconciliation.runId}次)` }, { header: '项数' }],
      [...counts, ['其中自动处理', reconciliation.fixed], ['其中待处理', reconciliation.open]],
    );
  }
  const notes = workbook.addWorksheet('说明');
  notes.columns = [
    { header: '指标', width: 24 },
    { header: '口径', width: 100 },
  ];
  notes.addRows([
    ['汇总', sentence],
    ['统计期间', report.label],
    ['制表时间', `${madeAt(report)}（北京时间；迟到的通话事件可通过重新制表更新）`],
    ...(report.history.note ? [['数据范围', report.history.note]] : []),
    ...definitions(report),
    ['个人信息', '导出文件不含来电号码、身份证号等个人信息'],
    ['完整口径', '见代码仓库 docs/statistics.md'],
  ]);
  notes.getRow(1).font = { bold: true };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
