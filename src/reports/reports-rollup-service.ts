import { DateTime } from 'luxon';
import { ZONE, type Clock } from '../platform/clock.js';
import type { Database, Executor } from '../platform/db.js';
import type { Logger } from '../platform/logger.js';
import type { FigureUse, PeriodSpan, ReportFigures, Thresholds } from './reports-figures.js';
import { rebuildRun } from './reports-rollup-build-repository.js';
import * as rollupDays from './reports-rollup-days-repository.js';
import * as rollupReads from './reports-rollup-read-repository.js';
import type { DayRun } from './reports-rollup-sql.js';

/** The report figures read from the rollups, with the days they need rebuilt first. */
export interface RollupFigures extends ReportFigures {
  /** Rebuilds every rollup of the days from fromDay to toDay that is missing or stale (the release's backfill); returns how many days. */
  backfill(fromDay: string, toDay: string): Promise<number>;
}

/** Consecutive days as runs, so that each run is rebuilt with range conditions the indexes serve. */
function runsOf(days: readonly string[]): DayRun[] {
  const runs: DayRun[] = [];
  for (const day of days) {
    const last = runs.at(-1);
    if (last && DateTime.fromISO(last.toDay, { zone: ZONE }).plus({ days: 1 }).toISODate() === day)
      last.toDay = day;
    else runs.push({ fromDay: day, toDay: day, start: new Date(0), end: new Date(0) });
  }
  for (const run of runs) {
    run.start = DateTime.fromISO(run.fromDay, { zone: ZONE }).toJSDate();
    run.end = DateTime.fromISO(run.toDay, { zone: ZONE }).plus({ days: 1 }).toJSDate();
  }
  return runs;
}

/**
 * Figures from the rollups. Before a read, days whose rollups are missing, stale (a change
 * recorded since) or built with other thresholds are rebuilt in full and recorded as built;
 * today and later days are rebuilt for what the read needs each time and never trusted.
 */
export function createRollupFigures(
  deps: { db: Database; clock: Clock; logger: Logger } & Thresholds,
): RollupFigures {
  const { db, clock } = deps;
  const thresholds: Thresholds = {
    targetSeconds: deps.targetSeconds,
    shortAbandonSeconds: deps.shortAbandonSeconds,
  };
  const log = deps.logger.child({ component: 'reports' });
  const today = () => DateTime.fromJSDate(clock.now(), { zone: ZONE }).toISODate()!;

  async function rebuild(
    days: Array<{ day: string; live: boolean }>,
    use: FigureUse,
  ): Promise<void> {
    const storedDays = days.filter((d) => !d.live).map((d) => d.day);
    const live = runsOf(days.filter((d) => d.live).map((d) => d.day));
    // Of the stored days, those still to build once the lock is held: another read may have
    // built some while this one waited.
    const pending = async (tx: Executor) => {
      if (storedDays.length === 0) return [];
      const due = await rollupDays.daysToRebuild(
        tx,
        storedDays[0]!,
        storedDays.at(-1)!,
        today(),
        thresholds,
      );
      const wanted = new Set(storedDays);
      return runsOf(due.filter((d) => !d.live && wanted.has(d.day)).map((d) => d.day));
    };
    // The days' rows are committed before their build: a change made while it runs is recorded for the next read.
    await db.transaction(async (tx) => {
      await rollupDays.lockRebuilds(tx);
      for (const run of await pending(tx)) await rollupDays.registerDays(tx, run, thresholds);
    });
    const started = performance.now();
    let built = 0;
    await db.transaction(async (tx) => {
      await rollupDays.lockRebuilds(tx);
      for (const run of await pending(tx)) {
        await rollupDays.clearChanges(tx, run);
        await rebuildRun(tx, run, 'all', thresholds, clock.now());
        await rollupDays.markBuilt(tx, run);
        built += 1 + DateTime.fromISO(run.toDay).diff(DateTime.fromISO(run.fromDay), 'days').days;
      }
      for (const run of live) await rebuildRun(tx, run, use, thresholds, clock.now());
    });
    if (built > 0)
      log.info(
        { days: built, ms: Math.round(performance.now() - started) },
        'statistics rollups rebuilt',
      );
  }

  const figures: RollupFigures = {
    async prepare(span: PeriodSpan, use: FigureUse) {
      const days = await rollupDays.daysToRebuild(
        db,
        span.fromDay,
        span.toDay,
        today(),
        thresholds,
      );
      if (days.length > 0) await rebuild(days, use);
    },
    async backfill(fromDay, toDay) {
      const days = (await rollupDays.daysToRebuild(db, fromDay, toDay, today(), thresholds)).filter(
        (d) => !d.live,
      );
      if (days.length > 0) await rebuild(days, 'period');
      return days.length;
    },
    countByHotline: (span) => rollupReads.readCalls(db, span.fromDay, span.toDay),
    countBookingsByChannel: (span) => rollupReads.readBookings(db, span.fromDay, span.toDay),
    countSlotUse: (span) => rollupReads.readSlots(db, span.fromDay, span.toDay),
    countByAgent: (span) => rollupReads.readAgents(db, span.fromDay, span.toDay),
    countByService: (span) => rollupReads.readServices(db, span.fromDay, span.toDay),
    countByHalfHour: (span) => rollupReads.readHalfHours(db, span.fromDay, span.toDay),
    countByDay: (span) => rollupReads.readDays(db, span.fromDay, span.toDay),
    staffingLoad: (span) => rollupReads.readStaffingLoad(db, span.fromDay, span.toDay),
    loggedInSeconds: (span) => rollupReads.readOnline(db, span.fromDay, span.toDay),
  };
  return figures;
}
