import { DateTime } from 'luxon';
import { z } from 'zod';

/** The first day any route or command accepts: before the service's history, inside what PostgreSQL computes (it has no year 0). */
export const FIRST_DAY = '2000-01-01';
/** The last day any route or command accepts: far beyond any plan, so that a range stays a sane number of days. */
export const LAST_DAY = '2099-12-31';

/** True for a day as YYYY-MM-DD that exists in the calendar and lies between {@link FIRST_DAY} and {@link LAST_DAY}. */
export function isCalendarDay(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && value >= FIRST_DAY && value <= LAST_DAY && DateTime.fromISO(value).isValid;
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
const INVISIBLE = /[\s\u200b-\u200f\u2060\ufeff\u00ad]/g;

function checkText(value: string, ctx: z.RefinementCtx, control: RegExp): void {
  if (control.test(value)) ctx.addIssue({ code: 'custom', message: 'must not contain control characters' });
  else if (BIDI.test(value)) ctx.addIssue({ code: 'custom', message: 'must not contain bidirectional override characters' });
  else if (value.replace(INVISIBLE, '') === '') ctx.addIssue({ code: 'custom', message: 'must contain visible characters' });
}

/** A person's or a thing's name: trimmed, 1 to `max` characters, no control, bidi-override or only invisible characters. */
export function nameText(max: number) {
  return z
    .string()
    .trim()
    .min(1)
    .max(max)
    .superRefine((value, ctx) => checkText(value, ctx, CONTROL));
}

/** Free text (a summary, a note, a reason): like {@link nameText}, but tabs and line breaks are allowed. */
export function freeText(max: number) {
  return z
    .string()
    .trim()
    .min(1)
    .max(max)
    .superRefine((value, ctx) => checkText(value, ctx, CONTROL_IN_TEXT));
}
