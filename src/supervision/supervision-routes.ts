import { Router } from 'express';
import { requireStaff } from '../staff/index.js';
import type { Supervision } from './supervision-service.js';

/**
 * The supervisors' reads (mounted under /api, supervisor role):
 * - `GET /supervisor/wallboard`: queues, agents, calls lacking an outcome, as the wallboard shows them;
 * - `GET /supervisor/agents`: every agent's routing state;
 * - `GET /supervisor/queues`: per department, callers waiting and agents free;
 * - `GET /supervisor/calls-lacking-outcome`: answered calls whose wrap-up ran out without an outcome.
 */
export function createSupervisionRoutes(supervision: Supervision): Router {
  const router = Router();
  router.get('/supervisor/wallboard', requireStaff('supervisor'), async (_req, res) => {
    res.json(await supervision.wallboard());
  });
  router.get('/supervisor/agents', requireStaff('supervisor'), async (_req, res) => {
    res.json({ agents: await supervision.agents() });
  });
  router.get('/supervisor/queues', requireStaff('supervisor'), async (_req, res) => {
    res.json({ queues: await supervision.queues() });
  });
  router.get('/supervisor/calls-lacking-outcome', requireStaff('supervisor'), async (_req, res) => {
    res.json({ calls: await supervision.callsLackingOutcome() });
  });
  return router;
}
