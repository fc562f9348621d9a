import { Router } from 'express';
import { z } from 'zod';
import { requireStaff } from '../platform/auth.js';
import { parseInput } from '../platform/http.js';
import { calendarDay } from '../platform/input-schemas.js';
import type { ReportsService } from './reports-service.js';

const contentTypes = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

/** Statistics for supervisors and the bureau: JSON, and the stored CSV/XLSX exports. */
export function createReportRoutes(reports: ReportsService): Router {
  const router = Router();
  router.use('/reports', requireStaff('supervisor'));

  router.get('/reports/period', async (req, res) => {
    const query = parseInput(z.object({ from: calendarDay, to: calendarDay }).refine((q) => q.from <= q.to, { message: 'to must not be before from', path: ['to'] }), req.query, 'query');
    const report = await reports.period(query.from, query.to);
    res.json({ ...report, summary: reports.cumulativeSentence(report) });
  });

  router.get('/reports/daily/:file', async (req, res) => {
    const { name, format } = parseInput(
      z.object({ file: z.string().regex(/^\d{4}-\d{2}-\d{2}\.(csv|xlsx)$/, 'must be YYYY-MM-DD.csv or YYYY-MM-DD.xlsx') }).transform((p) => {
        const [n, f] = p.file.split('.') as [string, 'csv' | 'xlsx'];
        return { name: n, format: f };
      }).pipe(z.object({ name: calendarDay, format: z.enum(['csv', 'xlsx']) })),
      req.params,
      'path',
    );
    const stored = await reports.storedExport(name, format);
    const content = stored ?? (await reports.exportDay(name))[format];
    res.setHeader('Content-Type', contentTypes[format]);
    res.setHeader('Content-Disposition', `attachment; filename="hotline-statistics-${name}.${format}"`);
    res.send(content);
  });
  return router;
}
