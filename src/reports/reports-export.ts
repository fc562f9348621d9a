import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import { CLASS_NAMES } from '../reconciliation/index.js';
import { ZONE } from '../platform/clock.js';
import { toCsv } from '../platform/csv.js';
import { definitions } from './reports-definitions.js';
import type { BookingCounts, PeriodReport, StaffingPlan, StatsRow } from './reports-model.js';

/** Column of an export: Chinese header and how to read the value from a row. */
interface Column<R> {
  header: string;
  value: (row: R) => string | number | null;
  /** Excel number format, for XLSX. */
  format?: string;
}

const percent = (value: number | null) => (value === null ? null : Math.round(value * 1000) / 10);
const seconds = (value: number | null) => (value === null ? null : Math.round(value));

function statsColumns(report: PeriodReport): Array<Column<StatsRow>> {
  return [
    { header: '呼入量', value: (r) => r.offered },
    { header: '人工接听量', value: (r) => r.answered },
    { header: '自助办结量', value: (r) => r.selfServed },
    { header: 'IVR内放弃', value: (r) => r.abandonedInIvr },
    { header: '排队放弃', value: (r) => r.abandonedInQueue },
    { header: `短时放弃(<${report.shortAbandonSeconds}秒)`, value: (r) => r.shortAbandons },
    {
      header: `服务水平(${report.serviceLevelSeconds}秒内接通,%)`,
      value: (r) => percent(r.serviceLevel),
      format: '0.0',
    },
    { header: '平均应答时长(秒)', value: (r) => seconds(r.asaSeconds) },
    { header: '平均通话时长(秒)', value: (r) => seconds(r.ahtSeconds) },
    { header: '平均处理时长(秒)', value: (r) => seconds(r.handleSeconds) },
    { header: '放弃率(%)', value: (r) => percent(r.abandonRate), format: '0.0' },
    { header: '转接', value: (r) => r.transfers },
    { header: '业务咨询', value: (r) => r.consultations },
    { header: '电话办结事项', value: (r) => r.completedByPhone },
    { header: '预约回电请求', value: (r) => r.callbacksRequested },
    { header: '回电已拨打', value: (r) => r.callbacksPlaced },
    { header: '回电完成', value: (r) => r.callbacksCompleted },
    { header: '回电未接通', value: (r) => r.callbacksNotReached },
    { header: '统计时仍在通话', value: (r) => r.inProgress },
  ];
}

type Row = StatsRow &
  Partial<BookingCounts> & {
    capacityUse?: number | null;
    kind: string;
    hotline: string;
    name: string;
    hall: string;
    department: string;
  };

/** Booking figures belong to departments (by the booked service): blank on hotline rows. */
const bookingColumns: Array<Column<Row>> = [
  { header: '预约量(坐席电话)', value: (r) => r.bookingsPhone ?? null },
  { header: '预约量(语音自助)', value: (r) => r.bookingsIvr ?? null },
  { header: '预约量(政务服务网)', value: (r) => r.bookingsWeb ?? null },
  { header: '预约量(双营通微信)', value: (r) => r.bookingsWechat ?? null },
  { header: '预约量(现场窗口)', value: (r) => r.bookingsWalkIn ?? null },
  { header: '号源数', value: (r) => r.slotCapacity ?? null },
  { header: '已约号源', value: (r) => r.slotBooked ?? null },
  {
    header: '号源使用率(%)',
    value: (r) => (r.capacityUse === undefined ? null : percent(r.capacityUse)),
    format: '0.0',
  },
  { header: '爽约', value: (r) => r.noShows ?? null },
];

function rows(report: PeriodReport): Row[] {
  return [
    ...report.byHotline.map((r) => ({
      ...r,
      kind: '热线',
      hotline: r.hotline,
      name: r.hotlineName,
      hall: r.hallName,
      department: r.departmentName,
    })),
    ...report.byDepartment.map((r) => ({
      ...r,
      kind: '部门小计',
      hotline: '',
      name: '',
      hall: r.hallName,
      department: r.departmentName,
    })),
    { ...report.total, kind: '合计', hotline: '', name: '', hall: '', department: '' },
  ];
}

/** When the figures were read, as people write it: 2021-05-12 00:30. */
const madeAt = (report: PeriodReport) =>
  DateTime.fromISO(report.madeAt, { zone: ZONE }).toFormat('yyyy-MM-dd HH:mm');

function columns(report: PeriodReport): Array<Column<Row>> {
  const period = report.from === report.to ? report.from : `${report.from}~${report.to}`;
  return [
    { header: '统计日期', value: () => period },
    { header: '类别', value: (r) => r.kind },
    { header: '热线号码', value: (r) => r.hotline },
    { header: '热线名称', value: (r) => r.name },
    { header: '大厅', value: (r) => r.hall },
    { header: '部门', value: (r) => r.department },
    ...(statsColumns(report) as Array<Column<Row>>),
    ...bookingColumns,
    { header: '制表时间', value: () => madeAt(report) },
  ];
}

/** CSV for Excel in Chinese (UTF-8 with a byte-order mark, CRLF line ends), written by the service's one CSV writer. */
export async function buildCsv(report: PeriodReport): Promise<Buffer> {
  const cols = columns(report);
  return Buffer.from(
    await toCsv(
      cols.map((c) => c.header),
      rows(report).map((row) => cols.map((c) => c.value(row))),
    ),
    'utf8',
  );
}

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
      { header: '坐席(用户名)' },
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
