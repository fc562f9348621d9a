import { Router, type Request } from 'express';
import { parseInput } from '../platform/http.js';
import { requireStaff } from '../staff/index.js';
import {
  callbackParamsSchema,
  callParamsSchema,
  dialOutSchema,
  trackingSchema,
} from './desk-schemas.js';
import type { DeskCallCard, DeskServiceOptions } from './desk-responses.js';
import type { DeskActor, DeskService } from './desk-service.js';

const actorOf = (req: Request): DeskActor =>
  req.principal?.kind === 'staff'
    ? { userId: req.principal.userId, role: req.principal.role }
    : { userId: '', role: 'agent' };

/**
 * The desk's reads and acts (mounted under /api; the README's agents section lists them):
 * - `GET /desk/call` (agent): the agent's current call as a card, with the wrap-up deadline;
 * - `GET /desk/calls/:callSid/card` (supervisor): any call's card, with the full number;
 * - `GET /desk/directory` (agent): departments and agents to transfer to, with who is free;
 * - `GET /desk/services` (agent): the catalogue's services, for the outcome forms' search;
 * - `GET /desk/my-work` (agent): today's own figures and the callbacks of the agent's skills;
 * - `POST /desk/callbacks/:id/place` (the agent who took it, an agent of its department, a supervisor): place it now;
 * - `POST /desk/outbound {number}` (agent): an outbound call (外呼) to a citizen: the agent's phone rings first;
 * - `PUT /calls/:callSid/outcomes/tracking-number` (the agent who recorded it, or a supervisor).
 * Every card read is audited.
 */
export function createDeskRoutes(desk: DeskService): Router {
  const router = Router();

  router.get('/desk/call', requireStaff('agent'), async (req, res) => {
    res.json(await desk.currentCard(actorOf(req).userId));
  });

  router.get('/desk/calls/:callSid/card', requireStaff('supervisor'), async (req, res) => {
    const { callSid } = parseInput(callParamsSchema, req.params, 'path');
    const answer: DeskCallCard = { call: await desk.cardFor(actorOf(req), callSid) };
    res.json(answer);
  });

  router.get('/desk/directory', requireStaff('agent'), async (req, res) => {
    res.json(await desk.directory(actorOf(req).userId));
  });

  router.get('/desk/services', requireStaff('agent'), (_req, res) => {
    const body: DeskServiceOptions = { services: desk.services() };
    res.json(body);
  });

  router.put(
    '/calls/:callSid/outcomes/tracking-number',
    requireStaff('agent'),
    async (req, res) => {
      const { callSid } = parseInput(callParamsSchema, req.params, 'path');
      await desk.setTrackingNumber(
        actorOf(req),
        callSid,
        parseInput(trackingSchema, req.body).trackingNumber,
      );
      res.status(204).end();
    },
  );

  router.get('/desk/my-work', requireStaff('agent'), async (req, res) => {
    res.json(await desk.myWork(actorOf(req).userId));
  });

  router.post('/desk/callbacks/:id/place', requireStaff('agent'), async (req, res) => {
    const { id } = parseInput(callbackParamsSchema, req.params, 'path');
    res.status(202).json(await desk.placeCallback(actorOf(req), id));
  });

  router.post('/desk/outbound', requireStaff('agent'), async (req, res) => {
    const { number } = parseInput(dialOutSchema, req.body);
    res.status(202).json(await desk.dialOut(actorOf(req), number));
  });

  return router;
}
