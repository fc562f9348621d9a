import { z } from 'zod';
import type { CallLedger } from '../calls/index.js';
import type { JobDefinition, Queues } from '../platform/queues.js';
import type { ReportsService } from './reports-service.js';

declare module '../platform/queues.js' {
  interface JobPayloads {
    /** Nightly: export every day of the last week that has no export yet (yesterday first time round). */
    'daily-report': { day?: string };
  }
}

/** How many past days the nightly job catches up on, when the worker was down at export time. */
const CATCH_UP_DAYS = 7;

/**
 * The nightly job: `refreshStatistics` brings the database's planner statistics up to date
 * before the exports read the day (the embedded database has no autovacuum to do it).
 */
export function createReportJobs(
  reports: ReportsService,
  ledger: CallLedger,
  refreshStatistics: () => Promise<void>,
): JobDefinition[] {
  const daily: JobDefinition<'daily-report'> = {
    name: 'daily-report',
    schema: z.object({
      day: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/)
        .optional(),
    }),
    concurrency: 1,
    process: async ({ day }) => {
      // Calls whose summary job was lost would be missing from the figures.
      await ledger.sweepUnsummarized();
      await refreshStatistics();
      const days = day ? [day] : await reports.missingDays(CATCH_UP_DAYS);
      for (const d of days) await reports.exportDay(d);
      return days;
    },
  };
  return [daily];
}

/** Schedules the nightly export at `at` (HH:mm, Asia/Shanghai); idempotent across restarts. */
export async function scheduleDailyReport(queues: Queues, at: string): Promise<void> {
  const [hour, minute] = at.split(':').map(Number) as [number, number];
  await queues
    .get('daily-report')
    .upsertJobScheduler(
      'daily-report',
      { pattern: `${minute} ${hour} * * *`, tz: 'Asia/Shanghai' },
      { name: 'daily-report', data: {} },
    );
}
