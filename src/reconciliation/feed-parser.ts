import { DateTime } from 'luxon';
import type { Catalogue } from '../catalogue/index.js';
import { checkIdNumber, normalizePhone } from '../booking/index.js';
import { ZONE } from '../platform/clock.js';
import { isCalendarDay, isPlainText } from '../platform/input-schemas.js';
import { FEED_STATUSES } from './reconciliation-tables.js';

/** The CSV header of a feed, in this order. */
export const FEED_CSV_COLUMNS = ['booking_id', 'hall', 'service', 'slot_start', 'id_number', 'id_hash', 'phone', 'status'] as const;

/** The most bookings one feed may hold. */
export const MAX_FEED_ROWS = 200_000;
/** The longest date range of one feed. */
export const MAX_FEED_DAYS = 62;

/** A feed booking as validated: the ID number is still in clear here and is hashed before anything is stored. */
export interface FeedRow {
  line: number;
  externalId: string;
  hallId: string;
  serviceId: string;
  startsAt: Date;
  day: string;
  idNumber?: string;
  idHash?: string;
  phone: string;
  status: (typeof FEED_STATUSES)[number];
}

/** A refused row: its line (CSV, the header is line 1) or its place in the list (JSON, from 1), the field and why. */
export interface FeedProblem {
  line: number;
  field: string;
  reason: string;
}

export type ParsedFeed = { ok: true; from: string; to: string; rows: FeedRow[] } | { ok: false; problems: FeedProblem[] };

/** Splits CSV text (RFC 4180: quoted fields, doubled quotes, CRLF or LF) into records with their first line number. */
export function splitCsv(text: string): Array<{ line: number; fields: string[] }> {
  const records: Array<{ line: number; fields: string[] }> = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line += 1;
        field += c;
      }
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      fields.push(field);
      if (fields.length > 1 || fields[0] !== '') records.push({ line: start, fields });
      fields = [];
      field = '';
      line += 1;
      start = line;
    } else field += c;
  }
  fields.push(field);
  if (fields.length > 1 || fields[0] !== '') records.push({ line: start, fields });
  return records;
}

/** Checks one booking of a feed; pushes its problems and returns the row when it has none. */
function checkRow(raw: Record<string, unknown>, line: number, range: { from: string; to: string } | undefined, catalogue: Catalogue, problems: FeedProblem[]): FeedRow | undefined {
  const before = problems.length;
  const problem = (field: string, reason: string) => problems.push({ line, field, reason });
  const text = (field: string) => (typeof raw[field] === 'string' ? (raw[field] as string).trim() : raw[field] === undefined || raw[field] === null ? '' : String(raw[field]).trim());
  const externalId = text('booking_id');
  if (!externalId || externalId.length > 64 || !isPlainText(externalId)) problem('booking_id', '渠道预约编号必填，不超过64个字符，不含控制字符、双向控制符或非UTF-8字符');
  const hallId = text('hall');
  const serviceId = text('service');
  const place = catalogue.service(serviceId);
  if (!catalogue.hall(hallId)) problem('hall', `没有这个大厅：${hallId}`);
  else if (!place || place.hall.id !== hallId) problem('service', `该大厅没有这项业务：${serviceId}`);
  const start = DateTime.fromISO(text('slot_start'), { zone: ZONE, setZone: true });
  const day = start.isValid ? start.setZone(ZONE).toISODate()! : '';
  if (!start.isValid || !/[+-]\d{2}:?\d{2}$|Z$/.test(text('slot_start'))) problem('slot_start', '时段开始时间须为带时区的ISO 8601时间，如 2026-12-01T08:30:00+08:00');
  else if (range && (day < range.from || day > range.to)) problem('slot_start', `不在本次名单的日期范围 ${range.from} 至 ${range.to} 内`);
  const idNumber = text('id_number');
  const idHash = text('id_hash').toLowerCase();
  let checkedId: string | undefined;
  if (idNumber) {
    const checked = checkIdNumber(idNumber);
    if (checked.ok) checkedId = checked.idNumber;
    else problem('id_number', '身份证号码无效');
  } else if (!/^[0-9a-f]{64}$/.test(idHash)) problem('id_hash', '须提供身份证号码或其64位十六进制哈希');
  const phone = normalizePhone(text('phone'));
  if (!phone) problem('phone', '手机号码或带区号的固定电话无效');
  const status = text('status') as FeedRow['status'];
  if (!FEED_STATUSES.includes(status)) problem('status', `状态须为 ${FEED_STATUSES.join('、')} 之一`);
  if (problems.length > before) return undefined;
  return { line, externalId, hallId, serviceId, startsAt: start.toJSDate(), day, ...(checkedId ? { idNumber: checkedId } : { idHash }), phone: phone!.e164, status };
}

function checkRange(from: unknown, to: unknown, problems: FeedProblem[]): { from: string; to: string } | undefined {
  if (typeof from !== 'string' || !isCalendarDay(from)) problems.push({ line: 0, field: 'from', reason: '名单开始日期须为 YYYY-MM-DD' });
  if (typeof to !== 'string' || !isCalendarDay(to)) problems.push({ line: 0, field: 'to', reason: '名单结束日期须为 YYYY-MM-DD' });
  if (problems.length > 0) return undefined;
  const days = DateTime.fromISO(to as string).diff(DateTime.fromISO(from as string), 'days').days;
  if (days < 0) problems.push({ line: 0, field: 'to', reason: '结束日期不能早于开始日期' });
  else if (days >= MAX_FEED_DAYS) problems.push({ line: 0, field: 'to', reason: `一份名单最多覆盖${MAX_FEED_DAYS}天` });
  return problems.length > 0 ? undefined : { from: from as string, to: to as string };
}

/** Rows, or the problems found; a booking id given twice is a problem on its second line. */
function finish(rows: FeedRow[], problems: FeedProblem[], range: { from: string; to: string } | undefined): ParsedFeed {
  const seen = new Map<string, number>();
  for (const row of rows) {
    const first = seen.get(row.externalId);
    if (first !== undefined) problems.push({ line: row.line, field: 'booking_id', reason: `渠道预约编号与第${first}行重复` });
    else seen.set(row.externalId, row.line);
  }
  if (problems.length > 0 || !range) return { ok: false, problems: problems.sort((a, b) => a.line - b.line) };
  return { ok: true, ...range, rows };
}

/** Parses a CSV feed (UTF-8, header row, optional BOM) for the range given with it. */
export function parseCsvFeed(text: string, from: unknown, to: unknown, catalogue: Catalogue): ParsedFeed {
  const problems: FeedProblem[] = [];
  const range = checkRange(from, to, problems);
  const records = splitCsv(text.replace(/^\uFEFF/, ''));
  const header = records.shift();
  const names = header?.fields.map((f) => f.trim().toLowerCase()) ?? [];
  const missing = FEED_CSV_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length > 0) return { ok: false, problems: [{ line: 1, field: missing.join(','), reason: `表头缺少列：${missing.join('、')}` }] };
  if (records.length > MAX_FEED_ROWS) return { ok: false, problems: [{ line: 0, field: 'rows', reason: `一份名单最多${MAX_FEED_ROWS}条` }] };
  const rows: FeedRow[] = [];
  for (const record of records) {
    if (record.fields.length !== names.length) {
      problems.push({ line: record.line, field: 'row', reason: `应有${names.length}列，实有${record.fields.length}列` });
      continue;
    }
    const row = checkRow(Object.fromEntries(names.map((n, i) => [n, record.fields[i]])), record.line, range, catalogue, problems);
    if (row) rows.push(row);
  }
  return finish(rows, problems, range);
}

/** Parses a JSON feed: `{ from, to, bookings: [{ bookingId, hall, service, slotStart, idNumber | idHash, phone, status }] }`. */
export function parseJsonFeed(body: unknown, catalogue: Catalogue): ParsedFeed {
  const problems: FeedProblem[] = [];
  const feed = (body ?? {}) as { from?: unknown; to?: unknown; bookings?: unknown };
  const range = checkRange(feed.from, feed.to, problems);
  if (!Array.isArray(feed.bookings)) return { ok: false, problems: [...problems, { line: 0, field: 'bookings', reason: 'bookings 须为数组' }] };
  if (feed.bookings.length > MAX_FEED_ROWS) return { ok: false, problems: [{ line: 0, field: 'bookings', reason: `一份名单最多${MAX_FEED_ROWS}条` }] };
  const rows: FeedRow[] = [];
  feed.bookings.forEach((item: unknown, i: number) => {
    if (typeof item !== 'object' || item === null) {
      problems.push({ line: i + 1, field: 'row', reason: '每条须为对象' });
      return;
    }
    const b = item as Record<string, unknown>;
    const raw = { booking_id: b.bookingId, hall: b.hall, service: b.service, slot_start: b.slotStart, id_number: b.idNumber, id_hash: b.idHash, phone: b.phone, status: b.status };
    const row = checkRow(raw, i + 1, range, catalogue, problems);
    if (row) rows.push(row);
  });
  return finish(rows, problems, range);
}
