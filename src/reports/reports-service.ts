import { DateTime } from 'luxon';
import type { Catalogue } from '../catalogue/index.js';
import { ZONE, type Clock } from '../platform/clock.js';
import type { Database } from '../platform/db.js';
import type { Logger } from '../platform/logger.js';
import { tallyPeriod } from './reports-counts.js';
import type { ReportFigures } from './reports-figures.js';
import { historyCoverage, periodBounds } from './reports-history.js';
import * as repo from './reports-repository.js';
import { createRollupFigures } from './reports-rollup-service.js';
import * as views from './reports-views-repository.js';
import { buildCsv } from './reports-export-csv.js';
import { buildXlsx } from './reports-export-xlsx.js';
import { resolvePeriod, spanText, type PeriodQuery } from './reports-periods.js';
import { staffingPlan } from './reports-staffing.js';
import { loadViews } from './reports-views.js';
import type { PeriodReport, PeriodExport, StaffingPlan } from './reports-model.js';

export type {
  CallCounts,
  BookingCounts,
  StatsRow,
  HotlineStats,
  DepartmentStats,
  HistoryCoverage,
  PeriodReport,
  PeriodReportBody,
  PeriodExport,
  StaffingPlan,
} from './reports-model.js';

export interface ReportsService {
  /**
   * Statistics of the days from `from` to `to` inclusive (YYYY-MM-DD, Asia/Shanghai).
   * @throws OutsideHistoryError when no day of the period lies in the recorded history.
   */
  period(from: string, to: string, label?: string): Promise<PeriodReport>;
  /** Statistics of a day, ISO week, month, year or range. */
  periodOf(query: PeriodQuery): Promise<PeriodReport>;
  /** The Erlang C staffing plan from the calls of a period. */
  staffing(query: PeriodQuery): Promise<StaffingPlan>;
  /** A period's CSV and XLSX (with the staffing sheet), made now and not stored. */
  exportPeriod(query: PeriodQuery): Promise<PeriodExport>;
  /** Makes and stores the day's CSV and XLSX exports (a re-run replaces them). */
  exportDay(day: string): Promise<{ csv: Buffer; xlsx: Buffer; report: PeriodReport }>;
  /** The stored export of a finished day, if made (never one for today or later). */
  storedExport(day: string, format: 'csv' | 'xlsx'): Promise<Buffer | undefined>;
  /** Days among the last `days` (before today) without an export, within the recorded history, oldest first. */
  missingDays(days: number): Promise<string[]>;
  /** The day before today in Asia/Shanghai. */
  yesterday(): string;
  /** The sentence the bureau quotes: 自…至…，全市预约热线共接入来电…次…。 */
  cumulativeSentence(report: PeriodReport): string;
  /**
   * Builds the statistics rollups of every finished day of the recorded history that has none
   * or a stale one (the release runs it; idempotent); returns how many days were built.
   */
  backfillRollups(): Promise<number>;
}

export interface ReportsDeps {
  db: Database;
  catalogue: Catalogue;
  clock: Clock;
  logger: Logger;
  serviceLevelSeconds: number;
  shortAbandonSeconds: number;
  /** Share to answer within serviceLevelSeconds, for the staffing plan. Default 0.8. */
  serviceLevelGoal?: number;
  /** Where the figures are read from; default the rollups (the tests give the raw ledger to compare). */
  figures?: ReportFigures;
}

export function createReportsService(deps: ReportsDeps): ReportsService {
  const { db, catalogue, clock } = deps;
  const log = deps.logger.child({ component: 'reports' });
  const goal = deps.serviceLevelGoal ?? 0.8;
  const rollups = createRollupFigures({
    db,
    clock,
    logger: deps.logger,
    targetSeconds: deps.serviceLevelSeconds,
    shortAbandonSeconds: deps.shortAbandonSeconds,
  });
  const figures = deps.figures ?? rollups;
  const today = () => DateTime.fromJSDate(clock.now(), { zone: ZONE }).toISODate()!;

  /** Whether a day is over in Shuangyashan: only then are its figures final. */
  const isFinished = (day: string) =>
    day < DateTime.fromJSDate(clock.now(), { zone: ZONE }).toISODate()!;

  async function period(from: string, to: string, label?: string): Promise<PeriodReport> {
    const span = periodBounds(from, to);
    const history = await historyCoverage(db, clock, from, to);
    const madeAt = DateTime.fromJSDate(clock.now(), { zone: ZONE }).toISO({
      suppressMilliseconds: true,
    })!;
    await figures.prepare(span, 'period');
    const [hotlines, bookingsMade, slotUse, periodViews] = await Promise.all([
      figures.countByHotline(span),
      figures.countBookingsByChannel(span),
      figures.countSlotUse(span),
      // Days before the history or not yet come are not days of zeros: they are left out of the daily view.
      loadViews(
        { figures, catalogue },
        span,
        span.days.filter((d) => d >= history.firstDay! && d <= today()),
      ),
    ]);
    return {
      from,
      to,
      label: label ?? spanText(from, to).replace(/^自/, ''),
      madeAt,
      history,
      serviceLevelSeconds: deps.serviceLevelSeconds,
      shortAbandonSeconds: deps.shortAbandonSeconds,
      ...tallyPeriod(catalogue, hotlines, bookingsMade, slotUse),
      ...periodViews,
    };
  }

  async function staffing(query: PeriodQuery): Promise<StaffingPlan> {
    const { from, to } = resolvePeriod(query);
    const span = periodBounds(from, to);
    await historyCoverage(db, clock, from, to);
    await figures.prepare(span, 'staffing');
    const plan = await staffingPlan({ figures, catalogue, now: clock.now() }, span, {
      targetSeconds: deps.serviceLevelSeconds,
      goal,
    });
    return {
      from,
      to,
      days: plan.days,
      serviceLevelSeconds: deps.serviceLevelSeconds,
      serviceLevelGoal: goal,
      rows: plan.rows,
    };
  }

  const service: ReportsService = {
    period,
    periodOf(query) {
      const { from, to, label } = resolvePeriod(query);
      return period(from, to, label);
    },
    staffing,
    async exportPeriod(query) {
      const [report, plan] = await Promise.all([service.periodOf(query), staffing(query)]);
      const csv = await buildCsv(report);
      const xlsx = await buildXlsx(report, service.cumulativeSentence(report), plan);
      return { csv, xlsx, report, staffing: plan };
    },
    async exportDay(day) {
      const report = await period(day, day);
      const csv = await buildCsv(report);
      const xlsx = await buildXlsx(
        report,
        service.cumulativeSentence(report),
        undefined,
        await repo.reconciliationCounts(db, day),
      );
      if (!isFinished(day)) return { csv, xlsx, report };
      const rows = report.byHotline.length + report.byDepartment.length + 1;
      await repo.saveExport(db, { day, format: 'csv', content: csv, rows });
      await repo.saveExport(db, { day, format: 'xlsx', content: xlsx, rows });
      log.info(
        { day, offered: report.total.offered, answered: report.total.answered },
        'daily statistics exported',
      );
      return { csv, xlsx, report };
    },
    async storedExport(day, format) {
      periodBounds(day, day);
      if (!isFinished(day)) return undefined;
      return (await repo.findExport(db, day, format))?.content;
    },
    async missingDays(days) {
      const start = DateTime.fromJSDate(clock.now(), { zone: ZONE }).startOf('day');
      const wanted = Array.from({ length: days }, (_, i) =>
        start.minus({ days: days - i }).toISODate()!,
      );
      const [have, history] = await Promise.all([
        repo.listExportDays(db, wanted[0]!, wanted[wanted.length - 1]!),
        views.historyBounds(db),
      ]);
      // Days before the first recorded call have no statistics to export.
      const firstDay = history.first
        ? DateTime.fromJSDate(history.first, { zone: ZONE }).toISODate()!
        : null;
      const made = new Set(have);
      return wanted.filter((day) => firstDay !== null && day >= firstDay && !made.has(day));
    },
    yesterday: () =>
      DateTime.fromJSDate(clock.now(), { zone: ZONE }).minus({ days: 1 }).toISODate()!,
    async backfillRollups() {
      const { first } = await views.historyBounds(db);
      if (!first) return 0;
      const yesterday = service.yesterday();
      const firstDay = DateTime.fromJSDate(first, { zone: ZONE }).toISODate()!;
      return firstDay <= yesterday ? rollups.backfill(firstDay, yesterday) : 0;
    },
    cumulativeSentence(report) {
      const t = report.total;
      const booked =
        t.bookingsPhone + t.bookingsIvr + t.bookingsWeb + t.bookingsWechat + t.bookingsWalkIn;
      return `${spanText(report.from, report.to)}，全市预约热线共接入来电${t.offered}次，人工接听${t.answered}次，其中业务咨询${t.consultations}件，通过电话办理事项${t.completedByPhone}件；自助办结${t.selfServed}次，预约回电${t.callbacksRequested}次；各渠道预约${booked}件，其中电话和语音预约${t.bookingsPhone + t.bookingsIvr}件。`;
    },
  };
  return service;
}
