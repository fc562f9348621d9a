import { Router } from 'express';
import { z } from 'zod';
import { requireStaff } from '../staff/index.js';
import { parseInput } from '../platform/http.js';
import { calendarDay, plainText } from '../platform/input-schemas.js';
import type { PeriodQuery } from './reports-periods.js';
import type { PeriodReportBody, ReportsService } from './reports-service.js';

const contentTypes = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

const text = z.string().trim().pipe(plainText(20)).optional();
/** A day, an ISO week, a month, a year, or from and to: resolved and checked by the service. */
const periodQuery = z.object({
  day: text,
  week: text,
  month: text,
  year: text,
  from: text,
  to: text,
});

/**
 * Sections of the period's statistics kept by other components (好差评, the guides): the period
 * JSON gains their figures under `name`, and the period XLSX their sheet where they have one.
 */
export interface ReportSection {
  name: string;
  figures(from: string, to: string): Promise<unknown>;
  /** Adds the section's sheet to the period XLSX; a section without one is in the JSON only. */
  addToXlsx?(xlsx: Buffer, figures: unknown): Promise<Buffer>;
}

/** GET /reports/period's body: the period's figures, each section's under its name, the sentence the bureau quotes. */
export async function periodReportBody(
  reports: ReportsService,
  sections: readonly ReportSection[],
  query: PeriodQuery,
): Promise<PeriodReportBody> {
  const report = await reports.periodOf(query);
  const extra = Object.fromEntries(
    await Promise.all(
      sections.map(async (s) => [s.name, await s.figures(report.from, report.to)] as const),
    ),
  );
  return { ...report, ...extra, summary: reports.cumulativeSentence(report) };
}

/** Statistics for supervisors and the bureau: JSON, the stored daily exports and period exports made on demand. */
export function createReportRoutes(
  reports: ReportsService,
  sections: readonly ReportSection[] = [],
): Router {
  const router = Router();
  router.use('/reports', requireStaff('supervisor'));

  router.get('/reports/period', async (req, res) => {
    res.json(
      await periodReportBody(reports, sections, parseInput(periodQuery, req.query, 'query')),
    );
  });

  router.get('/reports/staffing', async (req, res) => {
    res.json(await reports.staffing(parseInput(periodQuery, req.query, 'query')));
  });

  router.get('/reports/period.:format', async (req, res) => {
    const { format } = parseInput(
      z.object({ format: z.enum(['csv', 'xlsx'], 'must be period.csv or period.xlsx') }),
      req.params,
      'path',
    );
    const made = await reports.exportPeriod(parseInput(periodQuery, req.query, 'query'));
    res.setHeader('Content-Type', contentTypes[format]);
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="hotline-statistics-${made.report.from}_${made.report.to}.${format}"`,
    );
    let body = made[format];
    if (format === 'xlsx')
      for (const s of sections)
        if (s.addToXlsx)
          body = await s.addToXlsx(body, await s.figures(made.report.from, made.report.to));
    res.send(body);
  });

  router.get('/reports/daily/:file', async (req, res) => {
    const { name, format } = parseInput(
      z
        .object({
          file: z
            .string()
            .regex(/^\d{4}-\d{2}-\d{2}\.(csv|xlsx)$/, 'must be YYYY-MM-DD.csv or YYYY-MM-DD.xlsx'),
        })
        .transform((p) => {
          const [n, f] = p.file.split('.') as [string, 'csv' | 'xlsx'];
          return { name: n, format: f };
        })
        .pipe(z.object({ name: calendarDay, format: z.enum(['csv', 'xlsx']) })),
      req.params,
      'path',
    );
    const stored = await reports.storedExport(name, format);
    const content = stored ?? (await reports.exportDay(name))[format];
    res.setHeader('Content-Type', contentTypes[format]);
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="hotline-statistics-${name}.${format}"`,
    );
    res.send(content);
  });
  return router;
}
