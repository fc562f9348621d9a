import { z } from 'zod';
import { sendTwiml } from '../platform/twiml.js';
import { createVoiceRoutes, type VoiceRoutes } from '../platform/voice-routes.js';
import { decodePlace } from './routing-place.js';
import { agentCallQuerySchema } from './routing-schemas.js';
import type { CallHolds } from './call-hold-service.js';
import type { Routing } from './routing-contract.js';

const dialResultSchema = z.object({
  DialCallStatus: z.string().default('failed'),
  CallStatus: z.string().default('in-progress'),
  DialCallSid: z.string().optional(),
  CallSid: z.string().default(''),
});
const legStatusSchema = z.object({ CallStatus: z.string().default('') });

/**
 * Twilio's webhooks for the agent side of calls (served under the signed /twilio/voice by
 * the voice dispatcher): the dequeued caller ringing an agent, the agent leg's progress, requeues,
 * holds and transfers. Unreadable parameters fall to the voice error handler (apology TwiML).
 */
export function createRoutingVoiceRoutes(deps: {
  routing: Routing;
  holds: CallHolds;
}): VoiceRoutes {
  const { routing, holds } = deps;
  const router = createVoiceRoutes();

  router.post('/agents/connect', async (req, res) => {
    const { agent, call, place } = agentCallQuerySchema.parse(req.query);
    sendTwiml(res, await routing.connect(agent, call, decodePlace(call, place)));
  });

  router.post('/agents/leg-status', async (req, res) => {
    const { agent, call, leg } = agentCallQuerySchema.parse(req.query);
    await routing.agentLegStatus(agent, call, legStatusSchema.parse(req.body).CallStatus, leg);
    res.status(204).end();
  });

  router.post('/agents/dial-result', async (req, res) => {
    const { agent, call, leg, place } = agentCallQuerySchema.parse(req.query);
    const body = dialResultSchema.parse(req.body);
    sendTwiml(
      res,
      await routing.dialEnded(
        agent,
        call,
        body.DialCallStatus,
        body.CallStatus,
        leg,
        decodePlace(call, place),
      ),
    );
  });

  router.post('/agents/hold', async (req, res) => {
    const { call } = z.object({ call: z.string().min(1) }).parse(req.query);
    sendTwiml(res, await holds.loop(call));
  });

  router.post('/agents/resume', async (req, res) => {
    const { agent, call, leg } = agentCallQuerySchema.parse(req.query);
    sendTwiml(res, await holds.resumeTwiml(agent, call, leg));
  });

  router.post('/agents/queue-wait', async (req, res) => {
    const { call, menu, skill, place } = z
      .object({
        call: z.string().min(1),
        menu: z.string().min(1),
        skill: z.string().min(1),
        place: z.string().max(2000).optional(),
      })
      .parse(req.query);
    sendTwiml(
      res,
      await routing.queueWait(
        call,
        z.object({ QueueSid: z.string().default('') }).parse(req.body).QueueSid,
        { menu, skill },
        decodePlace(call, place),
      ),
    );
  });

  router.post('/agents/transfer-enqueue', async (req, res) => {
    const { call, menu, skill } = z
      .object({ call: z.string().min(1), menu: z.string().min(1), skill: z.string().min(1) })
      .parse(req.query);
    sendTwiml(res, routing.waitAgain(call, { menu, skill }));
  });

  return router;
}
