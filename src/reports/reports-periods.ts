import { DateTime } from 'luxon';
import { ZONE } from '../platform/clock.js';
import { ValidationError } from '../platform/errors.js';

/** A period of whole days, Asia/Shanghai, inclusive. */
export interface Period {
  from: string;
  to: string;
  /** How a person names it: 2020年3月, 2020年第10周 (3月2日至3月8日), … */
  label: string;
}

/** What a caller may ask for: a day, an ISO week, a month, a year, or a range. */
export interface PeriodQuery {
  day?: string | undefined;
  week?: string | undefined;
  month?: string | undefined;
  year?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

const parse = (text: string, format: string, field: string): DateTime => {
  const value = DateTime.fromFormat(text, format, { zone: ZONE });
  if (!value.isValid)
    throw new ValidationError(
      `${field}: not a valid ${format === 'yyyy-MM-dd' ? 'date (YYYY-MM-DD)' : format === 'yyyy-MM' ? 'month (YYYY-MM)' : 'year (YYYY)'}: ${text}`,
      { fields: [{ field, reason: 'invalid' }] },
    );
  return value;
};

/** Writes a date as people do: 2020年2月3日. */
export const fullDate = (day: string) =>
  DateTime.fromISO(day, { zone: ZONE }).toFormat('yyyy年M月d日');

/**
 * A span of days as a sentence begins it: one day by itself, the end date's year only when it
 * differs from the start's (自2020年2月3日至5月31日 / 自2019年12月30日至2020年1月5日).
 */
export function spanText(from: string, to: string): string {
  if (from === to) return fullDate(from);
  const end = DateTime.fromISO(to, { zone: ZONE });
  return `自${fullDate(from)}至${from.slice(0, 4) === to.slice(0, 4) ? end.toFormat('M月d日') : fullDate(to)}`;
}

/** Resolves exactly one of day, week (2020-W10), month (2020-03), year (2020) or from+to into days. */
export function resolvePeriod(query: PeriodQuery): Period {
  const given = (['day', 'week', 'month', 'year', 'from'] as const).filter(
    (k) => query[k] !== undefined,
  );
  if (given.length !== 1 || (query.from === undefined) !== (query.to === undefined)) {
    throw new ValidationError('give one of day, week, month, year, or from and to together');
  }
  if (query.day !== undefined) {
    const day = parse(query.day, 'yyyy-MM-dd', 'day').toISODate()!;
    return { from: day, to: day, label: fullDate(day) };
  }
  if (query.week !== undefined) {
    const match = /^(\d{4})-W(\d{2})$/.exec(query.week);
    const start = match
      ? DateTime.fromObject(
          { weekYear: Number(match[1]), weekNumber: Number(match[2]), weekday: 1 },
          { zone: ZONE },
        )
      : null;
    if (!match || !start?.isValid || start.weekNumber !== Number(match[2])) {
      throw new ValidationError(`week: not an ISO week (YYYY-Www, e.g. 2020-W10): ${query.week}`, {
        fields: [{ field: 'week', reason: 'invalid' }],
      });
    }
    const from = start.toISODate()!;
    const to = start.plus({ days: 6 }).toISODate()!;
    return {
      from,
      to,
      label: `${match[1]}年第${Number(match[2])}周（${spanText(from, to).replace(/^自/, '')}）`,
    };
  }
  if (query.month !== undefined) {
    const start = parse(query.month, 'yyyy-MM', 'month');
    return {
      from: start.toISODate()!,
      to: start.endOf('month').toISODate()!,
      label: start.toFormat('yyyy年M月'),
    };
  }
  if (query.year !== undefined) {
    const start = parse(query.year, 'yyyy', 'year');
    return {
      from: start.toISODate()!,
      to: start.endOf('year').toISODate()!,
      label: `${start.year}年`,
    };
  }
  const from = parse(query.from!, 'yyyy-MM-dd', 'from').toISODate()!;
  const to = parse(query.to!, 'yyyy-MM-dd', 'to').toISODate()!;
  if (to < from)
    throw new ValidationError('to must not be before from', {
      fields: [{ field: 'to', reason: 'before from' }],
    });
  return { from, to, label: spanText(from, to).replace(/^自/, '') };
}
