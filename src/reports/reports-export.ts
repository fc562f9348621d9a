import ExcelJS from 'exceljs';
import type { BookingCounts, PeriodReport, StatsRow } from './reports-service.js';

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
    { header: `服务水平(${report.serviceLevelSeconds}秒内接通,%)`, value: (r) => percent(r.serviceLevel), format: '0.0' },
    { header: '平均应答时长(秒)', value: (r) => seconds(r.asaSeconds) },
    { header: '平均通话时长(秒)', value: (r) => seconds(r.ahtSeconds) },
    { header: '业务咨询', value: (r) => r.consultations },
    { header: '电话办结事项', value: (r) => r.completedByPhone },
    { header: '预约回电请求', value: (r) => r.callbacksRequested },
    { header: '回电完成', value: (r) => r.callbacksCompleted },
    { header: '统计时仍在通话', value: (r) => r.inProgress },
  ];
}

type Row = StatsRow & Partial<BookingCounts> & { capacityUse?: number | null; kind: string; hotline: string; name: string; hall: string; department: string };

/** Booking figures belong to departments (by the booked service): blank on hotline rows. */
const bookingColumns: Array<Column<Row>> = [
  { header: '预约量(坐席电话)', value: (r) => r.bookingsPhone ?? null },
  { header: '预约量(语音自助)', value: (r) => r.bookingsIvr ?? null },
  { header: '预约量(政务服务网)', value: (r) => r.bookingsWeb ?? null },
  { header: '预约量(双营通微信)', value: (r) => r.bookingsWechat ?? null },
  { header: '预约量(现场窗口)', value: (r) => r.bookingsWalkIn ?? null },
  { header: '号源数', value: (r) => r.slotCapacity ?? null },
  { header: '已约号源', value: (r) => r.slotBooked ?? null },
  { header: '号源使用率(%)', value: (r) => (r.capacityUse === undefined ? null : percent(r.capacityUse)), format: '0.0' },
  { header: '爽约', value: (r) => r.noShows ?? null },
];

function rows(report: PeriodReport): Row[] {
  return [
    ...report.byHotline.map((r) => ({ ...r, kind: '热线', hotline: r.hotline, name: r.hotlineName, hall: r.hallName, department: r.departmentName })),
    ...report.byDepartment.map((r) => ({ ...r, kind: '部门小计', hotline: '', name: '', hall: r.hallName, department: r.departmentName })),
    { ...report.total, kind: '合计', hotline: '', name: '', hall: '', department: '' },
  ];
}

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
  ];
}

function csvCell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV for Excel in Chinese: UTF-8 with a byte-order mark, CRLF line ends. */
export function buildCsv(report: PeriodReport): Buffer {
  const cols = columns(report);
  const lines = [cols.map((c) => csvCell(c.header)).join(','), ...rows(report).map((row) => cols.map((c) => csvCell(c.value(row))).join(','))];
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8')]);
}

/** XLSX with one sheet per view and a sheet that explains each figure. */
export async function buildXlsx(report: PeriodReport, sentence: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '双鸭山市政务服务预约热线';
  const cols = columns(report);
  const addSheet = (name: string, data: Row[]) => {
    const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = cols.map((c) => ({ header: c.header, width: Math.max(10, c.header.length * 2 + 2), style: c.format ? { numFmt: c.format } : {} }));
    for (const row of data) sheet.addRow(cols.map((c) => c.value(row)));
    sheet.getRow(1).font = { bold: true };
  };
  const all = rows(report);
  addSheet('按热线', all.filter((r) => r.kind === '热线'));
  addSheet('按部门', all.filter((r) => r.kind !== '热线'));
  const notes = workbook.addWorksheet('说明');
  notes.columns = [{ header: '指标', width: 24 }, { header: '口径', width: 90 }];
  notes.addRows([
    ['汇总', sentence],
    ['呼入量', '当日拨入27部预约热线的来电（不含拨错号码）'],
    ['人工接听量', '由坐席接通的来电'],
    ['自助办结量', '在语音导航中自助完成预约、查询或取消且未转人工的来电'],
    ['IVR内放弃', '在语音导航中挂断、未进入排队的来电'],
    ['排队放弃', `进入排队后、坐席接通前挂断且等待不少于${report.shortAbandonSeconds}秒的来电`],
    ['短时放弃', `排队不足${report.shortAbandonSeconds}秒即挂断的来电，不计入服务水平`],
    ['服务水平', `${report.serviceLevelSeconds}秒内接通的来电 ÷（人工接听量 + 排队放弃）`],
    ['平均应答时长', '人工接听来电的平均排队秒数'],
    ['平均通话时长', '人工接听来电的平均通话秒数'],
    ['业务咨询 / 电话办结事项', '坐席为当日来电登记的通话结果：咨询，或通过电话办结的事项'],
    ['预约量', '预约到统计日期的预约（不含已取消），按预约渠道；按所约事项归入部门，热线行不填'],
    ['号源数 / 已约号源 / 号源使用率', '统计日期内开放号源的名额、已约名额及其比例（按部门）'],
    ['爽约', '统计日期内预约到号而未到场的预约'],
    ['个人信息', '导出文件不含来电号码、身份证号等个人信息'],
  ]);
  notes.getRow(1).font = { bold: true };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
