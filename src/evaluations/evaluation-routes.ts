import { Router, type Request } from 'express';
import { z } from 'zod';
import { requireStaff } from '../staff/index.js';
import { parseInput } from '../platform/http.js';
import type { Evaluations } from './evaluation-service.js';

const hotlineParams = z.object({ number: z.string().regex(/^\+86469\d{7}$/, 'a hotline number (+86469…)') });
const switchBody = z.object({ enabled: z.boolean() });
const staffOf = (req: Request) => (req.principal?.kind === 'staff' ? req.principal : undefined)!;

/**
 * The evaluation switches (under /api, supervisors):
 * - `GET /evaluations/settings`: every hotline, whether callers are asked to evaluate, who switched it and when;
 * - `PUT /evaluations/settings/:number` `{ enabled }`: switch one hotline (kept as a new row).
 */
export function createEvaluationRoutes(deps: { evaluations: Evaluations }): Router {
  const { evaluations } = deps;
  const router = Router();
  router.get('/evaluations/settings', requireStaff('supervisor'), async (_req, res) => {
    res.json({ hotlines: await evaluations.settings() });
  });
  router.put('/evaluations/settings/:number', requireStaff('supervisor'), async (req, res) => {
    const { number } = parseInput(hotlineParams, req.params, 'path');
    const { enabled } = parseInput(switchBody, req.body, 'body');
    await evaluations.setEnabled(number, enabled, staffOf(req).userId);
    res.json({ hotlines: await evaluations.settings() });
  });
  return router;
}
