import { DateTime } from 'luxon';
import { z } from 'zod';

/** The first day any route or command accepts: before the service's history, inside what PostgreSQL computes (it has no year 0). */
export const FIRST_DAY = '2000-01-01';
/** The last day any route or command accepts: far beyond any plan, so that a range stays a sane number of days. */
export const LAST_DAY = '2099-12-31';

/** True for a day as YYYY-MM-DD that exists in the calendar and lies between {@link FIRST_DAY} and {@link LAST_DAY}. */
export function isCalendarDay(value: string): boolean {
  return (
    /^\d{4}-\d{2}-\d{2}$/.test(value) &&
    value >= FIRST_DAY &&
    value <= LAST_DAY &&
    DateTime.fromISO(value).isValid
  );
}

/**
 * A day as YYYY-MM-DD that exists in the calendar (not 2026-02-30 or 2026-13-45) and lies
 * between {@link FIRST_DAY} and {@link LAST_DAY}.
 */
export const calendarDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
  .refine((value) => DateTime.fromISO(value).isValid, 'is not a date in the calendar')
  .refine(isCalendarDay, `must be between ${FIRST_DAY} and ${LAST_DAY}`);

// C0 and C1 control characters; free text may keep tab and line breaks.
/* eslint-disable no-control-regex -- these patterns exist to find control characters */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
/* eslint-enable no-control-regex */
// Bidirectional embeddings, overrides and isolates: they make text read differently from what is stored.
const BIDI = /[\u202a-\u202e\u2066-\u2069]/;
// Not UTF-8: an unpaired surrogate (a JSON \ud800 escape) cannot be encoded, and U+FFFD is what
// the decoder put where the bytes received were not UTF-8 (a body or a percent-encoded query).
const NOT_UTF8 = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|\ufffd/;
const INVISIBLE = /[\s\u200b-\u200f\u2060\ufeff\u00ad]/g;

/**
 * What is wrong with a string that is to reach the database, or undefined when nothing is: a
 * control character (NUL included: PostgreSQL refuses it), a bidirectional override, or
 * something that was not UTF-8. With `lineBreaks`, tab, CR and LF are allowed (free text).
 */
export function textProblem(
  value: string,
  options: { lineBreaks?: boolean } = {},
): string | undefined {
  if ((options.lineBreaks ? CONTROL_IN_TEXT : CONTROL).test(value))
    return 'must not contain control characters';
  if (BIDI.test(value)) return 'must not contain bidirectional override characters';
  if (NOT_UTF8.test(value)) return 'must be valid UTF-8 text';
  return undefined;
}

/** True for a one-line string that {@link textProblem} finds nothing wrong with. */
export const isPlainText = (value: string): boolean => textProblem(value) === undefined;

function checkText(value: string, ctx: z.RefinementCtx, lineBreaks: boolean): void {
  const problem = textProblem(value, { lineBreaks });
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
  else if (value.replace(INVISIBLE, '') === '')
    ctx.addIssue({ code: 'custom', message: 'must contain visible characters' });
}

/**
 * The one text rule of every route: an identifier or other one-line value from a path, a query,
 * a header or a body (a hall id, a username, a skill, a feed's booking id): 1 to `max`
 * characters, no control, bidi-override or non-UTF-8 characters, so that it reaches PostgreSQL
 * (which refuses NUL) as the text it claims to be. Not trimmed: an id is compared as given.
 */
export function plainText(max: number) {
  return z
    .string()
    .min(1)
    .max(max)
    .superRefine((value, ctx) => {
      const problem = textProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
}

/** A person's or a thing's name: trimmed, 1 to `max` characters, no control, bidi-override, non-UTF-8 or only invisible characters. */
export function nameText(max: number) {
  return z
    .string()
    .trim()
    .min(1)
    .max(max)
    .superRefine((value, ctx) => checkText(value, ctx, false));
}

/** Free text (a summary, a note, a reason): like {@link nameText}, but tabs and line breaks are allowed. */
export function freeText(max: number) {
  return z
    .string()
    .trim()
    .min(1)
    .max(max)
    .superRefine((value, ctx) => checkText(value, ctx, true));
}
