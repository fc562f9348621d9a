import { DateTime } from 'luxon';
import type { Catalogue } from '../catalogue/index.js';
import { ZONE, type Clock } from '../platform/clock.js';
import type { Database, Executor } from '../platform/db.js';
import { NotFoundError, ValidationError } from '../platform/errors.js';
import { isCalendarDay } from '../platform/input-schemas.js';
import type { Logger } from '../platform/logger.js';
import { mapPaced } from '../platform/slices.js';
import { listDifferences } from './reconciliation-checks.js';
import {
  importFeedBookings,
  recomputeCounters,
  releaseStaleHolds,
  stageFeedRows,
  type BookWithin,
} from './reconciliation-fixes.js';
import * as repo from './reconciliation-repository.js';
import type { ItemFilter, RunRow } from './reconciliation-repository.js';
import type { RunScope } from './reconciliation-sql.js';
import {
  buildOpenItemsCsv,
  CLASS_NAMES,
  toItemView,
  toRunView,
  type ItemView,
  type RunDetail,
  type RunView,
} from './reconciliation-views.js';

/** The longest range one run compares. */
export const MAX_RUN_DAYS = 62;
/** Changes younger than this are in flight: re-checked next run rather than reported. */
export const SETTLE_MINUTES = 5;

export type ReconciliationService = ReturnType<typeof createReconciliationService>;

/**
 * The reconciliation of the calendar, the phone ledger, call outcomes and the channels' feeds:
 * one transaction per run, set-based statements, safe fixes applied and recorded, the rest listed.
 * A feed's booking missing from the calendar is booked through `bookWithin` (the booking
 * component's rules), never inserted here.
 */
export function createReconciliationService(deps: {
  db: Database;
  catalogue: Catalogue;
  clock: Clock;
  logger: Logger;
  bookWithin: BookWithin;
}) {
  const { db, catalogue, clock, bookWithin } = deps;
  const log = deps.logger.child({ component: 'reconciliation' });

  function assertRange(from: string, to: string): void {
    if (!isCalendarDay(from) || !isCalendarDay(to))
      throw new ValidationError('from 和 to 须为 YYYY-MM-DD 格式的日期');
    if (to < from) throw new ValidationError('结束日期不能早于开始日期');
    if (DateTime.fromISO(to).diff(DateTime.fromISO(from), 'days').days >= MAX_RUN_DAYS)
      throw new ValidationError(`一次对账最多${MAX_RUN_DAYS}天`);
  }

  async function itemsOf(run: RunRow, filter: ItemFilter, fullFor?: string): Promise<ItemView[]> {
    const items = await repo.listItems(db, run.id, filter);
    const resolutions = new Map(
      (
        await repo.listResolutions(
          db,
          items.filter((i) => i.status === 'resolved').map((i) => i.key),
        )
      ).map((r) => [r.key, r]),
    );
    let phones = new Map<number, string>();
    if (fullFor) {
      phones = await repo.fullNumbers(
        db,
        items.map((i) => i.id),
      );
      if (phones.size > 0)
        await repo.auditRead(
          db,
          fullFor,
          `reconciliation:${run.id}`,
          { items: [...phones.keys()] },
          clock.now(),
        );
    }
    // Up to 5,000 items: viewed a slice at a time, so that a large run's list does not hold the event loop.
    return mapPaced(items, (item) =>
      toItemView(item, catalogue, resolutions.get(item.key), phones.get(item.id)),
    );
  }

  return {
    /** Runs a reconciliation over local dates `from`..`to`; a second run with nothing new changes nothing and lists the same open items. */
    async run(from: string, to: string, trigger: string): Promise<RunView> {
      assertRange(from, to);
      const now = clock.now();
      const scope = {
        from,
        to,
        now,
        settledBefore: new Date(now.getTime() - SETTLE_MINUTES * 60_000),
      };
      const started = Date.now();
      const steps: Record<string, number> = {};
      const run = await db.transaction(async (tx) => {
        await repo.lockRuns(tx);
        const row = await repo.insertRun(tx, { fromDay: from, toDay: to, trigger, startedAt: now });
        const s = { ...scope, runId: row.id };
        for (const [name, step] of [
          ['staleHolds', releaseStaleHolds],
          ['counters', recomputeCounters],
          ['feeds', stageFeedRows],
          ['imports', (tx: Executor, s: RunScope) => importFeedBookings(tx, s, bookWithin)],
          ['differences', listDifferences],
        ] as const) {
          const at = Date.now();
          await step(tx, s);
          steps[name] = Date.now() - at;
        }
        return repo.finishRun(tx, row.id, clock.now());
      });
      log.info(
        {
          runId: run.id,
          from,
          to,
          trigger,
          fixed: run.fixed,
          open: run.open,
          ms: Date.now() - started,
          steps,
        },
        'reconciliation run',
      );
      return toRunView(run);
    },

    /** The nightly range: yesterday (its feeds are in) to the last released day. */
    nightlyRange(horizonDays: number): { from: string; to: string } {
      const today = DateTime.fromJSDate(clock.now(), { zone: ZONE });
      return {
        from: today.minus({ days: 1 }).toISODate()!,
        to: today.plus({ days: Math.min(horizonDays, MAX_RUN_DAYS - 2) }).toISODate()!,
      };
    },

    listRuns: async (limit = 50): Promise<RunView[]> =>
      (await repo.listRuns(db, limit)).map(toRunView),

    /** A run with its items by class; `fullFor` (a supervisor's id) adds the full numbers and audits the read. */
    async detail(id: number, filter: ItemFilter, fullFor?: string): Promise<RunDetail> {
      const run = await repo.findRun(db, id);
      if (!run) throw new NotFoundError(`没有第${id}次对账`);
      const items = await itemsOf(run, filter, fullFor);
      const byClass: RunDetail['items'] = {};
      for (const item of items) (byClass[item.class] ??= []).push(item);
      return { ...toRunView(run), classNames: CLASS_NAMES, items: byClass };
    },

    /** The open items of a run as a CSV for staff. */
    async openItemsCsv(id: number, hallId?: string): Promise<string> {
      const run = await repo.findRun(db, id);
      if (!run) throw new NotFoundError(`没有第${id}次对账`);
      return buildOpenItemsCsv(run, await itemsOf(run, { statuses: ['open'], hallId }));
    },

    /** Marks an open item resolved with a note, kept in the run's history and carried to later runs. */
    async resolve(runId: number, itemId: number, note: string, by: string): Promise<ItemView> {
      const item = await repo.findItem(db, runId, itemId);
      if (!item) throw new NotFoundError(`第${runId}次对账没有这一项`);
      if (item.status !== 'open') throw new ValidationError('只有待处理的项可以标记为已处理');
      await db.transaction((tx) => repo.resolveItem(tx, item, note, by, clock.now()));
      const [view] = await itemsOf((await repo.findRun(db, runId))!, {}).then((all) =>
        all.filter((i) => i.id === itemId),
      );
      return view!;
    },

    /** Counts per class of the latest run covering a day (for the daily statistics export); undefined when none has. */
    async countsForDay(
      day: string,
    ): Promise<
      { runId: number; counts: Record<string, number>; fixed: number; open: number } | undefined
    > {
      const run = await repo.latestRunCovering(db, day);
      return run
        ? { runId: run.id, counts: run.counts, fixed: run.fixed, open: run.open }
        : undefined;
    },
  };
}
