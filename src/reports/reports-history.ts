import { DateTime } from 'luxon';
import { ZONE, type Clock } from '../platform/clock.js';
import type { Database } from '../platform/db.js';
import { AppError, ValidationError } from '../platform/errors.js';
import { FIRST_DAY, isCalendarDay, LAST_DAY } from '../platform/input-schemas.js';
import type { PeriodSpan } from './reports-figures.js';
import type { HistoryCoverage } from './reports-model.js';
import { fullDate, spanText } from './reports-periods.js';
import * as views from './reports-views-repository.js';

/** 404: the period lies wholly outside the recorded history; the message says why. */
export class OutsideHistoryError extends AppError {
  constructor(message: string) {
    super(message, 404, 'outside_history');
  }
}

/** The span of the days from `from` to `to` inclusive; refuses what is not a period of calendar days. */
export function periodBounds(from: string, to: string): PeriodSpan & { days: string[] } {
  for (const [field, value] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (!isCalendarDay(value))
      throw new ValidationError(
        `${field} must be a date as YYYY-MM-DD between ${FIRST_DAY} and ${LAST_DAY}`,
      );
  }
  if (to < from) throw new ValidationError('to must not be before from');
  const first = DateTime.fromISO(from, { zone: ZONE }).startOf('day');
  const last = DateTime.fromISO(to, { zone: ZONE }).plus({ days: 1 }).startOf('day');
  const days: string[] = [];
  for (let d = first; d < last; d = d.plus({ days: 1 })) days.push(d.toISODate()!);
  return { start: first.toJSDate(), end: last.toJSDate(), fromDay: from, toDay: to, days };
}

/** Refuses a period wholly outside the history; says which part of a partly covered one is outside. */
export async function historyCoverage(
  db: Database,
  clock: Clock,
  from: string,
  to: string,
): Promise<HistoryCoverage> {
  const { first, last } = await views.historyBounds(db);
  const now = DateTime.fromJSDate(clock.now(), { zone: ZONE }).toISODate()!;
  const firstDay = first ? DateTime.fromJSDate(first, { zone: ZONE }).toISODate()! : null;
  const lastDay = last ? DateTime.fromJSDate(last, { zone: ZONE }).toISODate()! : null;
  const period = spanText(from, to).replace(/^自/, '');
  if (from > now)
    throw new OutsideHistoryError(`${period}尚未到来，没有统计数据（今天是${fullDate(now)}）`);
  if (!firstDay) throw new OutsideHistoryError(`尚无任何来电记录，${period}没有统计数据`);
  if (to < firstDay)
    throw new OutsideHistoryError(
      `${period}早于有记录的第一天（${fullDate(firstDay)}），没有统计数据`,
    );
  const notes: string[] = [];
  if (from < firstDay) notes.push(`记录始于${fullDate(firstDay)}，此前无数据`);
  if (to >= now)
    notes.push(
      `${fullDate(now)}为当日数据，截至${DateTime.fromJSDate(clock.now(), { zone: ZONE }).toFormat('HH:mm')}`,
    );
  if (to > now) notes.push('此后尚未到来');
  return { firstDay, lastDay, note: notes.length > 0 ? notes.join('；') : null };
}
