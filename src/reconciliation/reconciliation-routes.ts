import { Router } from 'express';
import { z } from 'zod';
import { requireStaff } from '../staff/index.js';
import { parseInput } from '../platform/http.js';
import { sendJsonPaced } from '../platform/json-response.js';
import { calendarDay, freeText, plainText } from '../platform/input-schemas.js';
import type { ReconciliationService } from './reconciliation-service.js';
import type { ItemView, RunDetail, RunView } from './reconciliation-views.js';
import { RECONCILIATION_CLASSES } from './reconciliation-tables.js';

const runBody = z.object({ from: calendarDay, to: calendarDay });
const idParam = z.coerce.number().int().positive();
const list = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',') : undefined))
    .pipe(z.array(z.enum(values)).optional());
const itemsQuery = z.object({
  class: list(RECONCILIATION_CLASSES),
  status: list(['fixed', 'open', 'resolved', 'in_flight'] as const),
  hall: plainText(64).optional(),
  full: z.enum(['0', '1']).optional(),
});
const hallQuery = z.object({ hall: plainText(64).optional() });
const resolveBody = z.object({ note: freeText(500).pipe(z.string().min(1, '请填写处理说明')) });

/** Reconciliation runs under /api: started and read by supervisors; agents read the masked lists. */
export function createReconciliationRoutes(service: ReconciliationService): Router {
  const router = Router();

  router.post('/reconciliations', requireStaff('supervisor'), async (req, res) => {
    const body = parseInput(runBody, req.body, 'body');
    const principal = req.principal!;
    const run: RunView = await service.run(
      body.from,
      body.to,
      principal.kind === 'staff' ? `staff:${principal.userId}` : 'api',
    );
    res.status(201).json(run);
  });

  router.get('/reconciliations', requireStaff('agent'), async (_req, res) => {
    const runs: RunView[] = await service.listRuns();
    res.json(runs);
  });

  router.get('/reconciliations/:id', requireStaff('agent'), async (req, res) => {
    const id = parseInput(idParam, req.params.id, 'id');
    const query = parseInput(itemsQuery, req.query, 'query');
    const principal = req.principal!;
    // The full numbers are for supervisors only, and every such read is audited.
    const fullFor =
      query.full === '1' && principal.kind === 'staff' && principal.role !== 'agent'
        ? principal.userId
        : undefined;
    if (query.full === '1' && !fullFor) {
      res.status(403).json({ error: { code: 'forbidden', message: '完整号码仅限班长查看' } });
      return;
    }
    // Up to 5,000 items: written a slice at a time (see sendJsonPaced).
    const detail: RunDetail = await service.detail(
      id,
      { classes: query.class, statuses: query.status, hallId: query.hall },
      fullFor,
    );
    await sendJsonPaced(res, detail);
  });

  router.get('/reconciliations/:id/open.csv', requireStaff('agent'), async (req, res) => {
    const id = parseInput(idParam, req.params.id, 'id');
    const { hall } = parseInput(hallQuery, req.query, 'query');
    const csv = await service.openItemsCsv(id, hall);
    res.setHeader('content-disposition', `attachment; filename="reconciliation-${id}-open.csv"`);
    res.type('text/csv; charset=utf-8').send(csv);
  });

  router.post(
    '/reconciliations/:id/items/:itemId/resolve',
    requireStaff('supervisor'),
    async (req, res) => {
      const id = parseInput(idParam, req.params.id, 'id');
      const itemId = parseInput(idParam, req.params.itemId, 'itemId');
      const { note } = parseInput(resolveBody, req.body, 'body');
      const principal = req.principal!;
      const item: ItemView = await service.resolve(
        id,
        itemId,
        note,
        principal.kind === 'staff' ? principal.userId : 'api',
      );
      res.json(item);
    },
  );

  return router;
}
