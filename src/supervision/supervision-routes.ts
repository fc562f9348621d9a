import { Router, type Request } from 'express';
import { parseInput } from '../platform/http.js';
import { createVoiceRoutes, type VoiceRoutes } from '../platform/voice-routes.js';
import { requireStaff } from '../staff/index.js';
import {
  agentParamsSchema,
  callParamsSchema,
  consultStepSchema,
  threeWayEndedSchema,
  threeWaySchema,
  endCallSchema,
  forceStateSchema,
  monitorSchema,
} from './supervision-schemas.js';
import type { Supervision } from './supervision-service.js';

const supervisorId = (req: Request) =>
  req.principal?.kind === 'staff' ? req.principal.userId : '';

/**
 * The supervisors' reads and actions (mounted under /api, supervisor role):
 * - `GET /supervisor/wallboard`: queues, agents, calls lacking an outcome, as the wallboard shows them;
 * - `GET /supervisor/agents`: every agent's routing state;
 * - `GET /supervisor/queues`: per department, callers waiting and agents free;
 * - `GET /supervisor/calls-lacking-outcome`: answered calls whose wrap-up ran out without an outcome;
 * - `PUT /supervisor/agents/:agentId/state` `{ state }`: force an agent available, on a break, or
 *   signed out (强制示闲/示忙/签出); answers `{ state }`, the agent's new routing state;
 * - `POST /supervisor/agents/:agentId/end-call` `{ callSid }`: end the call the agent is on (强拆); 204;
 * - `POST /supervisor/agents/:agentId/monitor` `{ callSid, mode }`: 监听 (listen), 耳语 (whisper) or
 *   强插 (barge) through the conference bridge; the supervisor's softphone rings and takes it by
 *   itself; answers `{ conference, participantSid }`;
 * - `POST /agents/me/calls/:callSid/three-way` `{ agent }` (agent): 三方通话, the colleague's desk
 *   rings into the call's conference; answers `{ conference, participantSid }`;
 * - `POST /agents/me/calls/:callSid/consult` `{ agent }` (agent): 咨询转接, the same with the caller
 *   on hold; then `…/consult/complete` (完成转接) or `…/consult/cancel` (取消), 204.
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
  router.put('/supervisor/agents/:agentId/state', requireStaff('supervisor'), async (req, res) => {
    const { agentId } = parseInput(agentParamsSchema, req.params);
    const { state } = parseInput(forceStateSchema, req.body);
    res.json({ state: await supervision.forceState(supervisorId(req), agentId, state) });
  });
  router.post(
    '/supervisor/agents/:agentId/end-call',
    requireStaff('supervisor'),
    async (req, res) => {
      const { agentId } = parseInput(agentParamsSchema, req.params);
      const { callSid } = parseInput(endCallSchema, req.body);
      await supervision.endCall(supervisorId(req), agentId, callSid);
      res.status(204).end();
    },
  );
  router.post(
    '/supervisor/agents/:agentId/monitor',
    requireStaff('supervisor'),
    async (req, res) => {
      const { agentId } = parseInput(agentParamsSchema, req.params);
      const { callSid, mode } = parseInput(monitorSchema, req.body);
      res.json(await supervision.monitor(supervisorId(req), agentId, callSid, mode));
    },
  );
  router.post('/agents/me/calls/:callSid/three-way', requireStaff('agent'), async (req, res) => {
    const { callSid } = parseInput(callParamsSchema, req.params);
    const { agent } = parseInput(threeWaySchema, req.body);
    res.json(await supervision.threeWay.start(supervisorId(req), callSid, agent));
  });
  router.post('/agents/me/calls/:callSid/consult', requireStaff('agent'), async (req, res) => {
    const { callSid } = parseInput(callParamsSchema, req.params);
    const { agent } = parseInput(threeWaySchema, req.body);
    res.json(await supervision.threeWay.start(supervisorId(req), callSid, agent, true));
  });
  router.post(
    '/agents/me/calls/:callSid/consult/:step',
    requireStaff('agent'),
    async (req, res) => {
      const { callSid, step } = parseInput(consultStepSchema, req.params);
      if (step === 'complete') await supervision.threeWay.complete(supervisorId(req), callSid);
      else await supervision.threeWay.cancel(supervisorId(req), callSid);
      res.status(204).end();
    },
  );
  return router;
}

/** The voice webhook of the desk's 三方通话: the colleague's participant call ended. */
export function createSupervisionVoiceRoutes(supervision: Supervision): VoiceRoutes {
  const router = createVoiceRoutes();
  router.post('/supervision/three-way-ended', async (req, res) => {
    const { call, agent } = threeWayEndedSchema.parse(req.query);
    await supervision.threeWay.colleagueLeft(call, agent);
    res.status(204).end();
  });
  return router;
}
