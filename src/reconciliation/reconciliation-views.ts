import type { Catalogue } from '../catalogue/index.js';
import { toCsv } from '../platform/csv.js';
import type { DetailsByClass } from './reconciliation-details.js';
import type { ItemRow, RunRow } from './reconciliation-repository.js';
import type { ReconciliationClass } from './reconciliation-tables.js';

/** What each class means, as staff read it. */
export const CLASS_NAMES: Record<ReconciliationClass, string> = {
  outcome_without_booking: '通话结果为预约但查无预约',
  ledger_booking_missing: '通话中所约不在号源日历',
  phone_booking_unlogged: '电话预约无通话记录',
  hold_abandoned: '保留号源后未确认（可回电）',
  feed_only: '渠道名单有、号源日历无',
  calendar_only: '号源日历有、渠道名单无',
  status_differs: '预约状态不一致',
  details_differ: '时间、大厅、业务或人员不一致',
  cross_channel_duplicate: '同一人跨渠道重复预约',
  counters_differ: '号源计数与预约不符',
  over_capacity: '预约超出号源容量',
  stale_hold: '过期未释放的号源保留',
  in_flight: '处理中，下次复核',
};

export const STATUS_NAMES: Record<ItemRow['status'], string> = {
  fixed: '已自动处理',
  open: '待处理',
  resolved: '已处理',
  in_flight: '待复核',
};

export const CHANNEL_NAMES: Record<string, string> = {
  phone: '坐席电话',
  ivr: '语音自助',
  web: '政务服务网',
  wechat: '双营通微信',
  walk_in: '现场窗口',
};

/** A run as the reconciliation page lists it (`POST` and `GET /api/reconciliations`). */
export interface RunView {
  id: number;
  /** The run's local days, from..to. */
  from: string;
  to: string;
  /** `staff:<userId>`, `command` or `nightly`. */
  trigger: string;
  startedAt: string;
  finishedAt: string | null;
  /** Items per class. */
  counts: Record<string, number>;
  fixed: number;
  open: number;
}

/** An item's fields but its class and details (see ItemView). */
export interface ItemViewFields {
  id: number;
  className: string;
  key: string;
  status: ItemRow['status'];
  statusName: string;
  bookingId: string | null;
  slotId: number | null;
  holdId: string | null;
  callSid: string | null;
  channel: string | null;
  channelName: string | null;
  hallId: string | null;
  hallName: string | null;
  serviceId: string | null;
  serviceName: string | null;
  day: string | null;
  idMasked: string | null;
  phoneMasked: string | null;
  /** The full number: only in a supervisor's audited read (`full=1`). */
  phone?: string;
  resolution: { note: string; resolvedBy: string; resolvedAt: string } | null;
}

/** A difference as the page and the CSV read it: its `details` are those of its class. */
export type ItemView = {
  [K in ReconciliationClass]: ItemViewFields & { class: K; details: DetailsByClass[K] };
}[ReconciliationClass];

/** `GET /api/reconciliations/:id`: a run with its items by class and the classes' names. */
export interface RunDetail extends RunView {
  classNames: Record<ReconciliationClass, string>;
  items: Partial<Record<ReconciliationClass, ItemView[]>>;
}

export function toRunView(run: RunRow): RunView {
  return {
    id: run.id,
    from: run.fromDay,
    to: run.toDay,
    trigger: run.trigger,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    counts: run.counts,
    fixed: run.fixed,
    open: run.open,
  };
}

export function toItemView(
  item: ItemRow,
  catalogue: Catalogue,
  resolution?: { note: string; resolvedBy: string; resolvedAt: Date },
  fullPhone?: string,
): ItemView {
  const fields: ItemViewFields = {
    id: item.id,
    className: CLASS_NAMES[item.class],
    key: item.key,
    status: item.status,
    statusName: STATUS_NAMES[item.status],
    bookingId: item.bookingId,
    slotId: item.slotId,
    holdId: item.holdId,
    callSid: item.callSid,
    channel: item.channel,
    channelName: item.channel ? (CHANNEL_NAMES[item.channel] ?? item.channel) : null,
    hallId: item.hallId,
    hallName: item.hallId ? (catalogue.hall(item.hallId)?.name ?? null) : null,
    serviceId: item.serviceId,
    serviceName: item.serviceId ? (catalogue.service(item.serviceId)?.service.name ?? null) : null,
    day: item.day,
    idMasked: item.idMasked,
    phoneMasked: item.phoneMasked,
    ...(fullPhone ? { phone: fullPhone } : {}),
    resolution: resolution
      ? {
          note: resolution.note,
          resolvedBy: resolution.resolvedBy,
          resolvedAt: resolution.resolvedAt.toISOString(),
        }
      : null,
  };
  // The checks and fixes write each class's details in SQL (reconciliation-details.ts says what);
  // the jsonb column's type cannot pair a row's class with its details.
  return { ...fields, class: item.class, details: item.details } as unknown as ItemView;
}

/** The open items as a CSV for staff: UTF-8 with a BOM (Excel), Chinese headers, numbers masked. */
export function buildOpenItemsCsv(run: RunRow, items: ItemView[]): Promise<string> {
  const headers = [
    '对账批次',
    '类别',
    '状态',
    '日期',
    '大厅',
    '业务',
    '渠道',
    '预约码',
    '身份证号(脱敏)',
    '电话(脱敏)',
    '说明',
  ];
  const note = (item: ItemView) => {
    if (item.class === 'feed_only') {
      const d = item.details;
      const reason = 'reason' in d ? d.reason : undefined;
      return `名单第${String(d.line ?? '')}行，${{ no_slot: '无此时段', closed: '当天闭厅', past: '时段已过', full: '号源已满', suspended: '爽约暂停预约期间，未导入' }[String(reason)] ?? ''}`;
    }
    if (item.class === 'over_capacity')
      return `容量${String(item.details.capacity)}，已约${String(item.details.booked)}`;
    if (item.class === 'cross_channel_duplicate')
      return `渠道：${(item.details.channels ?? []).map((c) => CHANNEL_NAMES[c] ?? c).join('、')}`;
    return '';
  };
  const rows = items.map((item) => [
    run.id,
    item.className,
    item.statusName,
    item.day,
    item.hallName,
    item.serviceName,
    item.channelName,
    ('code' in item.details ? item.details.code : undefined) ?? '',
    item.idMasked,
    item.phoneMasked,
    note(item),
  ]);
  return toCsv(headers, rows);
}
