import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../platform/db.js';
import type { Thresholds } from './reports-figures.js';
import { daysBetween, type DayRun } from './reports-rollup-sql.js';

/*
 * The rollups' day bookkeeping: which days are built, with which thresholds, and which changed
 * since their build.
 */

/**
 * The days of fromDay–toDay whose rollups must be rebuilt before they are read: days from
 * `liveFrom` on (today and later, or what the database calls today if earlier), days never
 * built or built with other thresholds, and days with a change recorded since their build.
 */
export async function daysToRebuild(
  db: Executor,
  fromDay: string,
  toDay: string,
  liveFrom: string,
  thresholds: Thresholds,
): Promise<Array<{ day: string; live: boolean }>> {
  return queryRows(
    db,
    sql`select d::date::text as day, d::date >= least(${liveFrom}::date, (now() at time zone 'Asia/Shanghai')::date) as live
        from generate_series(${fromDay}::date, ${toDay}::date, interval '1 day') d
        where d::date >= least(${liveFrom}::date, (now() at time zone 'Asia/Shanghai')::date)
          or not exists (select 1 from report_rollup_days r where r.day = d::date and r.built and r.target_seconds = ${thresholds.targetSeconds} and r.short_abandon_seconds = ${thresholds.shortAbandonSeconds})
          or exists (select 1 from report_rollup_changes c where c.day = d::date)
        order by 1`,
  );
}

/** One rebuild at a time (a second waits, then rebuilds with what the first left). */
export async function lockRebuilds(tx: Executor): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('report_rollups'))`);
}

/**
 * Records the days as being built; a day's row exists before its build, so that triggers
 * record changes made during it. Until `markBuilt` commits, a reader sees the day as not built.
 */
export async function registerDays(
  db: Executor,
  run: DayRun,
  thresholds: Thresholds,
): Promise<void> {
  await db.execute(
    sql`insert into report_rollup_days (day, target_seconds, short_abandon_seconds, built)
        select d::date, ${thresholds.targetSeconds}, ${thresholds.shortAbandonSeconds}, false from generate_series(${run.fromDay}::date, ${run.toDay}::date, interval '1 day') d
        on conflict (day) do update set target_seconds = excluded.target_seconds, short_abandon_seconds = excluded.short_abandon_seconds, built = false, refreshed_at = now()`,
  );
}

/** Records the run's days as built (inside the build's transaction). */
export async function markBuilt(tx: Executor, run: DayRun): Promise<void> {
  await tx.execute(
    sql`update report_rollup_days set built = true, refreshed_at = now() where ${daysBetween(run.fromDay, run.toDay)}`,
  );
}

/** Forgets the changes recorded for the run's days (the rebuild that follows sees them). */
export async function clearChanges(tx: Executor, run: DayRun): Promise<void> {
  await tx.execute(
    sql`delete from report_rollup_changes where ${daysBetween(run.fromDay, run.toDay)}`,
  );
}
