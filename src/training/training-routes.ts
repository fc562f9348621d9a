import { Router, type Request } from 'express';
import { bookingRequestSchema } from '../booking/index.js';
import { ConflictError } from '../platform/errors.js';
import { parseInput } from '../platform/http.js';
import type { Principal } from '../platform/auth.js';
import { requireStaff } from '../staff/index.js';
import { trainingStartSchema } from './training-schemas.js';
import type { Training } from './training-service.js';

/** `POST /agent/training-booking`: nothing was booked; whether the held place was released. */
export interface TrainingBooking {
  practice: true;
  released: boolean;
}

const staffId = (req: Request) => (req.principal?.kind === 'staff' ? req.principal.userId : '');

/**
 * Training calls (mounted under /api):
 * - `GET /supervisor/training`: the departments to train on and the session (supervisor);
 * - `POST /supervisor/training`: starts a session (supervisor; 409 under a real provider);
 * - `POST /supervisor/training/stop`: stops it and hangs up its callers (supervisor);
 * - `GET /agent/training-answers`: the simulated caller's answers on the agent's current call (none on a real call);
 * - `POST /agent/training-booking`: a practice booking on a training call: the request is checked as
 *   the booking API checks it, the held place is released and nothing is booked (no code, no SMS, no
 *   figure: a simulated caller must not take a citizen's place). 409 on a real call.
 */
export function createTrainingRoutes(deps: {
  training: Training;
  /** The call the agent is on, if any. */
  currentCallOf(agentId: string): Promise<string | undefined>;
  /** Lets the agent's hold go (the booking component's release, for this principal). */
  releaseHold(holdId: string, principal: Principal): Promise<boolean>;
}): Router {
  const { training } = deps;
  const router = Router();
  router.get('/supervisor/training', requireStaff('supervisor'), (_req, res) => {
    res.json({ departments: training.departmentNames(), session: training.current() ?? null });
  });
  router.post('/supervisor/training', requireStaff('supervisor'), async (req, res) => {
    const settings = parseInput(trainingStartSchema, req.body, 'body');
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
  router.post('/agent/training-booking', requireStaff('agent'), async (req, res) => {
    const body = parseInput(bookingRequestSchema, req.body, 'body');
    const callSid = await deps.currentCallOf(staffId(req));
    if (!callSid || training.answersOf(callSid) === undefined)
      throw new ConflictError(
        'practice bookings are for training calls only',
        'not_a_training_call',
      );
    const released = body.holdId ? await deps.releaseHold(body.holdId, req.principal!) : false;
    const practised: TrainingBooking = { practice: true, released };
    res.status(201).json(practised);
  });
  return router;
}
