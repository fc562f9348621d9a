import { DateTime } from 'luxon';
import type { Catalogue } from '../catalogue/index.js';
import { checkIdNumber, normalizePhone } from '../booking/index.js';
import { ZONE } from '../platform/clock.js';
import { isCalendarDay, isPlainText } from '../platform/input-schemas.js';
import { FEED_STATUSES } from './reconciliation-tables.js';

/*
 * A channel feed's bookings as rows: the limits, each row checked against the catalogue and the
 * calendar's rules, and the collector that hands valid rows on in batches and lists the problems.
 */

/** The CSV header of a feed, in this order. */
export const FEED_CSV_COLUMNS = [
  'booking_id',
  'hall',
  'service',
  'slot_start',
  'id_number',
  'id_hash',
  'phone',
  'status',
] as const;

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

/** The problems a refusal lists; the count of bad lines still covers them all. */
export const MAX_LISTED_PROBLEMS = 500;
/** The longest CSV record (one booking), in bytes. */
export const MAX_RECORD_BYTES = 64 * 1024;

export type ParsedFeed =
  | { ok: true; from: string; to: string; rows: number }
  | { ok: false; problems: FeedProblem[]; badLines: number };

/** What checking a row needs besides the row: the catalogue, today (for birth dates) and parsed slot starts. */
interface RowContext {
  catalogue: Catalogue;
  today: DateTime;
  slotStart(text: string): SlotStart;
}

interface SlotStart {
  ok: boolean;
  day: string;
  epochMs: number;
}

const MAX_CACHED_STARTS = 10_000;

/** Slot starts parsed once per feed: a feed repeats a few hundred starts over its rows, and luxon's parse is its slowest step. */
function createSlotStarts(): (text: string) => SlotStart {
  const cache = new Map<string, SlotStart>();
  return (text) => {
    const known = cache.get(text);
    if (known) return known;
    const start = DateTime.fromISO(text, { zone: ZONE, setZone: true });
    const parsed = {
      ok: start.isValid && /[+-]\d{2}:?\d{2}$|Z$/.test(text),
      day: start.isValid ? start.setZone(ZONE).toISODate()! : '',
      epochMs: start.toMillis(),
    };
    if (cache.size < MAX_CACHED_STARTS) cache.set(text, parsed);
    return parsed;
  };
}

/** Checks one booking of a feed; reports its problems and returns the row when it has none. */
function checkRow(
  raw: Record<string, unknown>,
  line: number,
  range: { from: string; to: string } | undefined,
  context: RowContext,
  report: (problem: FeedProblem) => void,
): FeedRow | undefined {
  const { catalogue } = context;
  let problems = 0;
  const problem = (field: string, reason: string) => {
    problems += 1;
    report({ line, field, reason });
  };
  const text = (field: string) =>
    typeof raw[field] === 'string'
      ? (raw[field] as string).trim()
      : raw[field] === undefined || raw[field] === null
        ? ''
        : String(raw[field]).trim();
  const externalId = text('booking_id');
  if (!externalId || externalId.length > 64 || !isPlainText(externalId))
    problem(
      'booking_id',
      '渠道预约编号必填，不超过64个字符，不含控制字符、双向控制符或非UTF-8字符',
    );
  const hallId = text('hall');
  const serviceId = text('service');
  const place = catalogue.service(serviceId);
  if (!catalogue.hall(hallId)) problem('hall', `没有这个大厅：${hallId}`);
  else if (!place || place.hall.id !== hallId)
    problem('service', `该大厅没有这项业务：${serviceId}`);
  const start = context.slotStart(text('slot_start'));
  const day = start.day;
  if (!start.ok)
    problem('slot_start', '时段开始时间须为带时区的ISO 8601时间，如 2026-12-01T08:30:00+08:00');
  else if (range && (day < range.from || day > range.to))
    problem('slot_start', `不在本次名单的日期范围 ${range.from} 至 ${range.to} 内`);
  const idNumber = text('id_number');
  const idHash = text('id_hash').toLowerCase();
  let checkedId: string | undefined;
  if (idNumber) {
    const checked = checkIdNumber(idNumber, context.today);
    if (checked.ok) checkedId = checked.idNumber;
    else problem('id_number', '身份证号码无效');
  } else if (!/^[0-9a-f]{64}$/.test(idHash))
    problem('id_hash', '须提供身份证号码或其64位十六进制哈希');
  const phone = normalizePhone(text('phone'));
  if (!phone) problem('phone', '手机号码或带区号的固定电话无效');
  const status = text('status') as FeedRow['status'];
  if (!FEED_STATUSES.includes(status))
    problem('status', `状态须为 ${FEED_STATUSES.join('、')} 之一`);
  if (problems > 0) return undefined;
  return {
    line,
    externalId,
    hallId,
    serviceId,
    startsAt: new Date(start.epochMs),
    day,
    ...(checkedId ? { idNumber: checkedId } : { idHash }),
    phone: phone!.e164,
    status,
  };
}

function checkRange(
  from: unknown,
  to: unknown,
  problems: FeedProblem[],
): { from: string; to: string } | undefined {
  if (typeof from !== 'string' || !isCalendarDay(from))
    problems.push({ line: 0, field: 'from', reason: '名单开始日期须为 YYYY-MM-DD' });
  if (typeof to !== 'string' || !isCalendarDay(to))
    problems.push({ line: 0, field: 'to', reason: '名单结束日期须为 YYYY-MM-DD' });
  if (problems.length > 0) return undefined;
  const days = DateTime.fromISO(to as string).diff(DateTime.fromISO(from as string), 'days').days;
  if (days < 0) problems.push({ line: 0, field: 'to', reason: '结束日期不能早于开始日期' });
  else if (days >= MAX_FEED_DAYS)
    problems.push({ line: 0, field: 'to', reason: `一份名单最多覆盖${MAX_FEED_DAYS}天` });
  return problems.length > 0 ? undefined : { from: from as string, to: to as string };
}

/** Rows handed on while a feed is read, in batches of this many. */
export const FEED_BATCH_ROWS = 1000;

/**
 * Where a feed's valid rows go while it is read: batches of rows with the feed's range, as long
 * as no problem has been found (the caller stores them in a transaction it rolls back if the
 * feed is refused in the end). Nothing is kept in memory but the batch.
 */
export type FeedSink = (rows: FeedRow[], range: { from: string; to: string }) => Promise<void>;

/**
 * Checks a feed's rows as they are read, in line order: hands valid rows to the sink in
 * batches, keeps the first {@link MAX_LISTED_PROBLEMS} problems and counts the bad lines; a
 * booking id given twice is a problem on its second line.
 */
export function createRowCollector(
  from: unknown,
  to: unknown,
  catalogue: Catalogue,
  today: DateTime,
  sink: FeedSink,
) {
  const problems: FeedProblem[] = [];
  const range = checkRange(from, to, problems);
  const context: RowContext = { catalogue, today, slotStart: createSlotStarts() };
  let batch: FeedRow[] = [];
  let rows = 0;
  const seen = new Map<string, number>();
  let badLines = problems.length > 0 ? 1 : 0;
  let lastBadLine = problems.length > 0 ? 0 : -1;
  const report = (problem: FeedProblem) => {
    if (problem.line !== lastBadLine) badLines += 1;
    lastBadLine = problem.line;
    if (problems.length < MAX_LISTED_PROBLEMS) problems.push(problem);
    batch = [];
  };
  const flush = async () => {
    if (badLines > 0 || !range || batch.length === 0) return;
    const full = batch;
    batch = [];
    await sink(full, range);
  };
  return {
    /** Checks one row; resolves once its batch, when full, is handed on. */
    async add(raw: Record<string, unknown>, line: number): Promise<void> {
      const row = checkRow(raw, line, range, context, report);
      if (!row) return;
      const first = seen.get(row.externalId);
      if (first !== undefined)
        return report({ line, field: 'booking_id', reason: `渠道预约编号与第${first}行重复` });
      seen.set(row.externalId, line);
      rows += 1;
      if (badLines > 0) return;
      batch.push(row);
      if (batch.length >= FEED_BATCH_ROWS) await flush();
    },
    report,
    async finish(): Promise<ParsedFeed> {
      if (badLines > 0 || !range) return { ok: false, problems, badLines };
      await flush();
      return { ok: true, ...range, rows };
    },
  };
}

export const refusal = (problem: FeedProblem): ParsedFeed => ({
  ok: false,
  problems: [problem],
  badLines: 1,
});
