import { Router, type Request } from 'express';
import { z } from 'zod';
import { requireStaff } from '../staff/index.js';
import { parseInput } from '../platform/http.js';
import type { EvaluationSettings, FollowUpCase, FollowUpCases } from './evaluation-responses.js';
import type { Evaluations } from './evaluation-service.js';
import type { FollowUps } from './followup-service.js';

const hotlineParams = z.object({
  number: z.string().regex(/^\+86469\d{7}$/, 'a hotline number (+86469…)'),
});
const switchBody = z.object({ enabled: z.boolean() });
const caseParams = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .max(2 ** 31),
});
const staffOf = (req: Request) => (req.principal?.kind === 'staff' ? req.principal : undefined)!;

/**
 * The evaluation switches (under /api, supervisors):
 * - `GET /evaluations/settings`: every hotline, whether callers are asked to evaluate, who switched it and when;
 * - `PUT /evaluations/settings/:number` `{ enabled }`: switch one hotline (kept as a new row);
 * - `GET /evaluations/cases`: the follow-up cases of the supervisor's departments (an admin's, or a supervisor's without departments: all);
 * - `POST /evaluations/cases/:id/callback`: call the citizen back (a callback request the desk places);
 * - `PUT /evaluations/cases/:id/finding` `{ finding, rectification, reply }`: the finding, what was rectified, the reply;
 * - `POST /evaluations/cases/:id/close` `{ reEvaluationLevel? }`: close it, with the citizen's 追评.
 */
export function createEvaluationRoutes(deps: {
  evaluations: Evaluations;
  followUps: FollowUps;
  departmentsOf: (userId: string, role: string) => Promise<string[] | undefined>;
}): Router {
  const { evaluations, followUps, departmentsOf } = deps;
  const router = Router();
  router.get('/evaluations/settings', requireStaff('supervisor'), async (_req, res) => {
    const body: EvaluationSettings = { hotlines: await evaluations.settings() };
    res.json(body);
  });
  router.put('/evaluations/settings/:number', requireStaff('supervisor'), async (req, res) => {
    const { number } = parseInput(hotlineParams, req.params, 'path');
    const { enabled } = parseInput(switchBody, req.body, 'body');
    await evaluations.setEnabled(number, enabled, staffOf(req).userId);
    const body: EvaluationSettings = { hotlines: await evaluations.settings() };
    res.json(body);
  });
  router.get('/evaluations/cases', requireStaff('supervisor'), async (req, res) => {
    const me = staffOf(req);
    const body: FollowUpCases = {
      cases: await followUps.list(await departmentsOf(me.userId, me.role)),
    };
    res.json(body);
  });
  router.post('/evaluations/cases/:id/callback', requireStaff('supervisor'), async (req, res) => {
    const { id } = parseInput(caseParams, req.params, 'path');
    const body: FollowUpCase = { case: await followUps.callBack(id, staffOf(req).userId) };
    res.json(body);
  });
  router.put('/evaluations/cases/:id/finding', requireStaff('supervisor'), async (req, res) => {
    const { id } = parseInput(caseParams, req.params, 'path');
    const body: FollowUpCase = {
      case: await followUps.recordFinding(id, staffOf(req).userId, req.body),
    };
    res.json(body);
  });
  router.post('/evaluations/cases/:id/close', requireStaff('supervisor'), async (req, res) => {
    const { id } = parseInput(caseParams, req.params, 'path');
    const body: FollowUpCase = { case: await followUps.close(id, staffOf(req).userId, req.body) };
    res.json(body);
  });
  return router;
}
