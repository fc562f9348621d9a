import { DateTime } from 'luxon';
import { ZONE } from '../platform/clock.js';
import type { BookingCounts, PeriodReport, StatsRow } from './reports-model.js';

/* The columns and rows of the statistics exports, shared by the CSV and the XLSX. */

/** Column of an export: Chinese header and how to read the value from a row. */
export interface Column<R> {
  header: string;
  value: (row: R) => string | number | null;
  /** Excel number format, for XLSX. */
  format?: string;
}

export const percent = (value: number | null) =>
  value === null ? null : Math.round(value * 1000) / 10;
export const seconds = (value: number | null) => (value === null ? null : Math.round(value));

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

export type Row = StatsRow &
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

export function rows(report: PeriodReport): Row[] {
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
export const madeAt = (report: PeriodReport) =>
  DateTime.fromISO(report.madeAt, { zone: ZONE }).toFormat('yyyy-MM-dd HH:mm');

export function columns(report: PeriodReport): Array<Column<Row>> {
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
