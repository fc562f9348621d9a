import chineseDays from 'chinese-days';
import { DateTime } from 'luxon';

// The package ships CommonJS, so its functions are read from the default export.

/**
 * The public holidays fixed by the State Council's 《全国年节及纪念日放假办法》 (as amended in
 * 2024), by date, for one year: 元旦; 春节 from 除夕 to 正月初三; 清明 (the solar term); 劳动节
 * May 1–2; 端午 (五月初五); 中秋 (八月十五); 国庆节 October 1–3. They are law before any yearly
 * notice; only the bridging (调休) days need the notice. Names are those of the holiday package.
 * Lunar dates the library cannot place in `year` (outside its tables) are left out.
 */
export function statutoryHolidays(year: number): ReadonlyMap<string, string> {
  const days = new Map<string, string>();
  const add = (date: string | undefined, name: string) => {
    if (!date?.startsWith(`${year}-`)) return;
    const existing = days.get(date);
    // 中秋 can fall on a day of 国庆节 (2020, 2028): the day is named after both.
    days.set(date, existing && existing !== name ? `${existing}、${name}` : name);
  };
  const lunar = (monthDay: string) => chineseDays.getSolarDateFromLunar(`${year}-${monthDay}`).date;
  const plusDays = (date: string, n: number) =>
    DateTime.fromISO(date).plus({ days: n }).toISODate()!;

  add(`${year}-01-01`, '元旦');
  const newYear = lunar('01-01');
  // 除夕 is the last day of the lunar year before: the day before 正月初一.
  for (let n = -1; n <= 2; n += 1) add(plusDays(newYear, n), '春节');
  add(chineseDays.getSolarTermDate(year, 4, 'pure_brightness'), '清明');
  add(`${year}-05-01`, '劳动节');
  add(`${year}-05-02`, '劳动节');
  add(lunar('05-05'), '端午');
  add(lunar('08-15'), '中秋');
  for (const day of ['01', '02', '03']) add(`${year}-10-${day}`, '国庆节');
  return days;
}

/**
 * Weekdays a year of statutory holidays may owe as 补假, when no notice covers the year.
 * 第六条: 全体公民放假的假日，如果适逢星期六、星期日，应当在工作日补假. The law does not say
 * which working day; the yearly notice does, usually right after the holiday. So for each run of
 * consecutive statutory days, every one on a Saturday or Sunday owes the next working day after
 * the run (not a weekend, not a statutory day, not already owed): those are the days the notice
 * will most likely give, and until it is entered nobody can say whether the halls open on them.
 * Returns them by date with the holiday's name, e.g. 2032-05-03 -> 劳动节补假.
 */
export function possibleMakeUpDays(year: number): ReadonlyMap<string, string> {
  const holidays = statutoryHolidays(year);
  const weekend = (date: string) => DateTime.fromISO(date).weekday >= 6;
  const nextDay = (date: string) => DateTime.fromISO(date).plus({ days: 1 }).toISODate()!;
  const dates = [...holidays.keys()].sort();
  const owed = new Map<string, string>();
  for (let first = 0; first < dates.length;) {
    let last = first;
    while (last + 1 < dates.length && nextDay(dates[last]!) === dates[last + 1]) last += 1;
    let candidate = dates[last]!;
    for (const date of dates.slice(first, last + 1).filter(weekend)) {
      do candidate = nextDay(candidate);
      while (weekend(candidate) || holidays.has(candidate) || owed.has(candidate));
      owed.set(candidate, `${holidays.get(date)!}补假`);
    }
    first = last + 1;
  }
  return owed;
}
