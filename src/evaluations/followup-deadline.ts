import { DateTime } from 'luxon';
import type { WorkCalendar } from '../calendar/index.js';
import { ZONE } from '../platform/clock.js';

/**
 * The deadline of a follow-up opened at `openedAt`: the `days`-th working day after the opening
 * day, by the calendar (weekends, public holidays and 调休 make-up working days as the calendar
 * says), and the end of that day in Beijing time. The opening day itself does not count.
 */
export function followUpDeadline(
  calendar: Pick<WorkCalendar, 'day'>,
  openedAt: Date,
  days: number,
): { dueOn: string; dueAt: Date } {
  let day = DateTime.fromJSDate(openedAt, { zone: ZONE }).startOf('day');
  let counted = 0;
  // A year has at most about 250 working days; 4 years bound the walk whatever the calendar says.
  for (let guard = 0; counted < days && guard < 4 * 366; guard += 1) {
    day = day.plus({ days: 1 });
    if (calendar.day(day.toISODate()!).working) counted += 1;
  }
  return { dueOn: day.toISODate()!, dueAt: day.plus({ days: 1 }).toJSDate() };
}
