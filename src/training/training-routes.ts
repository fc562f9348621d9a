import { Router, type Request } from 'express';
import { requireStaff } from '../staff/index.js';
import { trainingStartSchema } from './training-schemas.js';
import type { Training } from './training-service.js';

const staffId = (req: Request) => (req.principal?.kind === 'staff' ? req.principal.userId : '');

/**
 * Training calls (mounted under /api):
 * - `GET /supervisor/training`: the departments to train on and the session (supervisor);
 * - `POST /supervisor/training`: starts a session (supervisor; 409 under a real provider);
 * - `POST /supervisor/training/stop`: stops it and hangs up its callers (supervisor);
 * - `GET /agent/training-answers`: the simulated caller's answers on the agent's current call (none on a real call).
 */
export function createTrainingRoutes(deps: {
  training: Training;
  /** The call the agent is on, if any. */
  currentCallOf(agentId: string): Promise<string | undefined>;
}): Router {
  const { training } = deps;
  const router = Router();
  router.get('/supervisor/training', requireStaff('supervisor'), (_req, res) => {
    res.json({ departments: training.departmentNames(), session: training.current() ?? null });
  });
  router.post('/supervisor/training', requireStaff('supervisor'), async (req, res) => {
    const settings = trainingStartSchema.parse(req.body);
    res.status(201).json({ session: await training.start(staffId(req), settings) });
  });
  router.post('/supervisor/training/stop', requireStaff('supervisor'), async (req, res) => {
    res.json({ session: await training.stop(staffId(req)) });
  });
  router.get('/agent/training-answers', requireStaff('agent'), async (req, res) => {
    const callSid = await deps.currentCallOf(staffId(req));
    const answers = callSid ? training.answersOf(callSid) : undefined;
    res.json({ training: answers !== undefined, answers: answers ?? [] });
  });
  return router;
}
