import { createRequire } from 'node:module';

interface PackageData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

const require = createRequire(import.meta.url);
// The package's own data file: public holidays and adjusted working days (调休) per date,
// including 2020's epidemic extension of the Spring Festival.
const data = require('chinese-days/dist/chinese-days.json') as PackageData;

/** Years the installed `chinese-days` carries a State Council schedule for. */
export const packageYears: ReadonlySet<number> = new Set(
  Object.keys(data.holidays).map((date) => Number(date.slice(0, 4))),
);

/** The package's entry for a date: a holiday, an adjusted working day, or nothing (an ordinary day). */
export function packageDay(
  date: string,
): { kind: 'holiday' | 'workday'; name: string } | undefined {
  const holiday = data.holidays[date];
  if (holiday) return { kind: 'holiday', name: chineseName(holiday) };
  const workday = data.workdays[date];
  if (workday) return { kind: 'workday', name: `${chineseName(workday)}调休上班` };
  return undefined;
}

/** "Spring Festival,春节,4" -> 春节 */
function chineseName(entry: string): string {
  return entry.split(',')[1] ?? entry;
}
