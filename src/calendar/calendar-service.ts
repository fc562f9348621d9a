import { DateTime } from 'luxon';
import type { Catalogue } from '../catalogue/index.js';
import { ZONE, type Clock } from '../platform/clock.js';
import type { Database } from '../platform/db.js';
import type { Logger } from '../platform/logger.js';
import { ValidationError } from '../platform/errors.js';
import { computeOpenAt, type DayInfo, type HallDay, type OpenAt } from './calendar-opening.js';
import * as repo from './calendar-repository.js';
import { packageDay, packageYears } from './holiday-package.js';
import { FIRST_DAY, freeText, isCalendarDay, LAST_DAY } from '../platform/input-schemas.js';
import { parseInput } from '../platform/http.js';
import { possibleMakeUpDays, statutoryHolidays } from './statutory-holidays.js';

export type { DayInfo, HallDay, OpenAt };

/** Working days, holidays with 调休, staff-entered schedules and hall closures, in Asia/Shanghai. */
export interface WorkCalendar {
  day(date: string): DayInfo;
  hallDay(hallId: string, date: string): HallDay;
  openAt(hallId: string, at: Date): OpenAt;
  /** Changes whenever staff entries or closures are (re)loaded: what was derived from the calendar before is stale. */
  version(): number;
  /** Which notice covers a year: staff, the package, or none (then only statutory holidays are known, and no slots open). */
  coverage(year: number): 'staff' | 'package' | 'none';
  /** Warnings for readiness and logs: years in use (this one, and the next from December) whose 调休 notice is not entered. */
  coverageWarnings(): string[];
  /** Re-reads staff schedules and closures; also done by itself every `refreshMs`. */
  refresh(): Promise<void>;
  /** Replaces a year's schedule as staff entered it from the notice. */
  enterYear(input: {
    year: number;
    reference: string;
    enteredBy: string;
    days: Array<{ date: string; kind: 'holiday' | 'workday'; name: string }>;
  }): Promise<void>;
  addClosure(input: {
    hallId: string | null;
    startsOn: string;
    endsOn: string;
    reason: string;
    createdBy: string;
  }): Promise<repo.HallClosureRow>;
  removeClosure(id: number): Promise<boolean>;
  /** Closures that end today or later, by first day. */
  listClosures(): repo.HallClosureRow[];
}

export interface WorkCalendarDeps {
  db: Database;
  catalogue: Catalogue;
  clock: Clock;
  logger: Logger;
  /** How often other processes' staff entries are picked up. Default 60 s. */
  refreshMs?: number;
}

const isoDate = /^\d{4}-\d{2}-\d{2}$/;

function assertDate(date: string, field: string): void {
  if (!isCalendarDay(date))
    throw new ValidationError(
      `${field} must be a date as YYYY-MM-DD between ${FIRST_DAY} and ${LAST_DAY}`,
    );
}

/** Creates the calendar and loads staff entries once; call sites read it synchronously. */
export async function createWorkCalendar(deps: WorkCalendarDeps): Promise<WorkCalendar> {
  const { db, catalogue, clock } = deps;
  const log = deps.logger.child({ component: 'calendar' });
  const refreshMs = deps.refreshMs ?? 60_000;
  let staffYears = new Map<number, repo.CalendarYearRow>();
  let staffDays = new Map<string, repo.CalendarDayRow>();
  let closures: repo.HallClosureRow[] = [];
  let loadedAt = 0;
  let version = 0;
  // openAt is asked on every call's welcome and queueing; its answer only changes by the minute.
  const openAtMemo = new Map<string, OpenAt>();
  let refreshing: Promise<void> | undefined;
  const statutory = new Map<
    number,
    { holidays: ReadonlyMap<string, string>; makeUp: ReadonlyMap<string, string> }
  >();

  async function load(): Promise<void> {
    const today = DateTime.fromJSDate(clock.now(), { zone: ZONE }).toISODate()!;
    const [years, days, open] = await Promise.all([
      repo.listYears(db),
      repo.listDays(db),
      repo.listClosuresEndingFrom(db, DateTime.fromISO(today).minus({ days: 31 }).toISODate()!),
    ]);
    staffYears = new Map(years.map((y) => [y.year, y]));
    staffDays = new Map(days.map((d) => [d.date, d]));
    closures = open;
    loadedAt = Date.now();
    version += 1;
    openAtMemo.clear();
  }

  function maybeRefresh(): void {
    if (Date.now() - loadedAt < refreshMs || refreshing) return;
    refreshing = load()
      .catch((error: Error) =>
        log.warn({ err: error.message }, 'calendar refresh failed; keeping the last entries'),
      )
      .finally(() => {
        refreshing = undefined;
      });
  }

  const coverage = (year: number): 'staff' | 'package' | 'none' =>
    staffYears.has(year) ? 'staff' : packageYears.has(year) ? 'package' : 'none';

  function day(date: string): DayInfo {
    maybeRefresh();
    // A calendar date's weekday and year are the same in every zone: read in UTC, with no zone's rules to look up.
    const dt = DateTime.fromISO(date, { zone: 'utc' });
    const weekend = dt.weekday >= 6;
    const source = coverage(dt.year);
    const staff = staffDays.get(date);
    if (source === 'staff' || staff) {
      const reference = staffYears.get(dt.year)?.reference;
      if (staff?.kind === 'holiday')
        return {
          date,
          working: false,
          kind: 'holiday',
          name: staff.name,
          source: 'staff',
          reference,
        };
      if (staff?.kind === 'workday')
        return {
          date,
          working: true,
          kind: weekend ? 'adjusted-workday' : 'workday',
          name: staff.name,
          source: 'staff',
          reference,
        };
      return {
        date,
        working: !weekend,
        kind: weekend ? 'weekend' : 'workday',
        source: 'staff',
        reference,
      };
    }
    if (source === 'package') {
      const entry = packageDay(date);
      if (entry?.kind === 'holiday')
        return { date, working: false, kind: 'holiday', name: entry.name, source: 'package' };
      if (entry?.kind === 'workday')
        return {
          date,
          working: true,
          kind: weekend ? 'adjusted-workday' : 'workday',
          name: entry.name,
          source: 'package',
        };
      return { date, working: !weekend, kind: weekend ? 'weekend' : 'workday', source: 'package' };
    }
    if (!statutory.has(dt.year))
      statutory.set(dt.year, {
        holidays: statutoryHolidays(dt.year),
        makeUp: possibleMakeUpDays(dt.year),
      });
    const { holidays, makeUp } = statutory.get(dt.year)!;
    const holiday = holidays.get(date);
    if (holiday)
      return { date, working: false, kind: 'holiday', name: holiday, source: 'statutory' };
    const owed = makeUp.get(date);
    if (owed) return { date, working: false, kind: 'uncertain', name: owed, source: 'statutory' };
    return { date, working: !weekend, kind: weekend ? 'weekend' : 'workday', source: 'statutory' };
  }

  function hallDay(hallId: string, date: string): HallDay {
    const hall = catalogue.hall(hallId);
    const info = day(date);
    const closure = closures.find(
      (c) => (c.hallId === null || c.hallId === hallId) && c.startsOn <= date && date <= c.endsOn,
    );
    const open = Boolean(hall) && info.working && !closure;
    return {
      ...info,
      hallId,
      open,
      sessions: open ? hall!.hours : [],
      ...(closure ? { closure: { id: closure.id, reason: closure.reason } } : {}),
    };
  }

  /** Whether a hall receives people at `at`, worked out once per hall and minute (the hours are in minutes). */
  function openAt(hallId: string, at: Date): OpenAt {
    maybeRefresh();
    const key = `${hallId}|${Math.floor(at.getTime() / 60_000)}`;
    let answer = openAtMemo.get(key);
    if (!answer) {
      if (openAtMemo.size >= 10_000) openAtMemo.clear();
      answer = computeOpenAt(hallDay, hallId, at);
      openAtMemo.set(key, answer);
    }
    return answer;
  }

  function coverageWarnings(): string[] {
    const now = DateTime.fromJSDate(clock.now(), { zone: ZONE });
    const years = [now.year, ...(now.month === 12 ? [now.year + 1] : [])];
    return years
      .filter((year) => coverage(year) === 'none')
      .map(
        (year) =>
          `the ${year} 调休 notice is not yet entered: neither the chinese-days package nor staff entries cover ${year}; the statutory holidays are closed, the weekdays they may owe as 补假 are uncertain (not opened), other days follow weekday rules, and no slots open (enter it with npm run admin -- holidays:import --file holidays-${year}.yaml)`,
      );
  }

  await load();
  for (const warning of coverageWarnings()) log.warn(warning);

  return {
    day,
    hallDay,
    openAt,
    version: () => version,
    coverage,
    coverageWarnings,
    refresh: load,
    async enterYear({ year, reference, enteredBy, days }) {
      const problems: string[] = [];
      for (const d of days) {
        if (!isoDate.test(d.date) || !d.date.startsWith(`${year}-`))
          problems.push(`${d.date}: not a date of ${year}`);
      }
      if (new Set(days.map((d) => d.date)).size !== days.length)
        problems.push('a date is listed twice');
      if (!reference.trim()) problems.push('the notice reference is required');
      if (problems.length > 0)
        throw new ValidationError(`the ${year} schedule is invalid: ${problems.join('; ')}`);
      await repo.replaceYear(db, { year, reference, enteredBy }, days);
      await load();
      log.info({ year, reference, days: days.length }, 'holiday schedule entered');
    },
    async addClosure(input) {
      assertDate(input.startsOn, 'startsOn');
      assertDate(input.endsOn, 'endsOn');
      if (input.endsOn < input.startsOn)
        throw new ValidationError('endsOn must not be before startsOn');
      if (input.hallId !== null && !catalogue.hall(input.hallId))
        throw new ValidationError(`no such hall: ${input.hallId}`);
      const row = await repo.insertClosure(db, {
        ...input,
        reason: parseInput(freeText(200), input.reason, 'reason'),
      });
      await load();
      return row;
    },
    async removeClosure(id) {
      const removed = await repo.deleteClosure(db, id);
      await load();
      return removed;
    },
    listClosures() {
      const today = DateTime.fromJSDate(clock.now(), { zone: ZONE }).toISODate()!;
      return closures
        .filter((c) => c.endsOn >= today)
        .sort((a, b) => a.startsOn.localeCompare(b.startsOn) || a.id - b.id);
    },
  };
}
