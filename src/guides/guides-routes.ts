import { Router, type Request } from 'express';
import { z } from 'zod';
import { requireStaff } from '../staff/index.js';
import { ForbiddenError } from '../platform/errors.js';
import { parseInput } from '../platform/http.js';
import type {
  GuideAnswer,
  GuideForCall,
  GuideHistory,
  GuideList,
  GuideSearch,
  GuideSmsQueued,
} from './guides-responses.js';
import type { Guides } from './guides-service.js';

const serviceParams = z.object({
  serviceId: z.string().regex(/^[a-z0-9-]{1,64}$/, 'a service id'),
});
const callParams = z.object({ callSid: z.string().regex(/^[A-Za-z0-9:_-]{1,64}$/, 'a call SID') });
const searchQuery = z.object({
  q: z.string().trim().max(50).default(''),
  limit: z.coerce.number().int().min(1).max(30).default(10),
});
const smsBody = z.object({ callSid: z.string().regex(/^[A-Za-z0-9:_-]{1,64}$/, 'a call SID') });

const staffOf = (req: Request) => (req.principal?.kind === 'staff' ? req.principal : undefined)!;

/**
 * The guides' API (under /api):
 * - `GET /guides?q=` (agent): services by everyday words; without `q`, every service and its guide's revision;
 * - `GET /guides/calls/:callSid` (the agent on the call, or a supervisor): the guide of the service the caller chose in the IVR;
 * - `GET /guides/:serviceId` (agent): one guide;
 * - `POST /guides/:serviceId/sms` (the agent on the call, or a supervisor) `{ callSid }`: send the guide to the caller by SMS;
 * - `PUT /guides/:serviceId` (supervisor) `{ guide, note }`: a new revision;
 * - `GET /guides/:serviceId/history` (supervisor): every revision with who and when.
 */
export function createGuideRoutes(deps: {
  guides: Guides;
  currentCallOf: (agentId: string) => Promise<string | undefined>;
}): Router {
  const { guides, currentCallOf } = deps;
  const router = Router();
  const assertOnCall = async (req: Request, callSid: string) => {
    const me = staffOf(req);
    if (me.role !== 'agent') return;
    if ((await currentCallOf(me.userId)) !== callSid)
      throw new ForbiddenError('only the agent on this call (or a supervisor) may do this');
  };

  router.get('/guides', requireStaff('agent'), async (req, res) => {
    const { q, limit } = parseInput(searchQuery, req.query, 'query');
    const body: GuideSearch | GuideList = q
      ? { hits: await guides.search(q, limit) }
      : { services: await guides.list() };
    res.json(body);
  });

  router.get('/guides/calls/:callSid', requireStaff('agent'), async (req, res) => {
    const { callSid } = parseInput(callParams, req.params, 'path');
    await assertOnCall(req, callSid);
    const body: GuideForCall = await guides.forCall(callSid);
    res.json(body);
  });

  router.get('/guides/:serviceId', requireStaff('agent'), async (req, res) => {
    const { serviceId } = parseInput(serviceParams, req.params, 'path');
    const body: GuideAnswer = { guide: await guides.get(serviceId) };
    res.json(body);
  });

  router.post('/guides/:serviceId/sms', requireStaff('agent'), async (req, res) => {
    const { serviceId } = parseInput(serviceParams, req.params, 'path');
    const { callSid } = parseInput(smsBody, req.body, 'body');
    await assertOnCall(req, callSid);
    const body: GuideSmsQueued = await guides.requestSms(staffOf(req).userId, callSid, serviceId);
    res.status(202).json(body);
  });

  router.put('/guides/:serviceId', requireStaff('supervisor'), async (req, res) => {
    const { serviceId } = parseInput(serviceParams, req.params, 'path');
    const body: GuideAnswer = {
      guide: await guides.edit(serviceId, staffOf(req).userId, req.body),
    };
    res.json(body);
  });

  router.get('/guides/:serviceId/history', requireStaff('supervisor'), async (req, res) => {
    const { serviceId } = parseInput(serviceParams, req.params, 'path');
    const body: GuideHistory = { revisions: await guides.history(serviceId) };
    res.json(body);
  });

  return router;
}
