import { z } from 'zod';
import { statusCallbackSchema, type CallLedger } from '../calls/index.js';
import type { Logger } from '../platform/logger.js';
import { sendTwiml } from '../platform/twiml.js';
import { createVoiceRoutes, type VoiceRoutes } from '../platform/voice-routes.js';
import { agentCallQuerySchema, callbackQuerySchema } from './agents-schemas.js';
import type { AgentUrls } from './agents-twiml.js';
import type { Callbacks } from './callbacks-service.js';
import type { CallHolds } from './hold-service.js';
import type { Routing } from './routing-service.js';

const dialResultSchema = z.object({ DialCallStatus: z.string().default('failed'), CallStatus: z.string().default('in-progress'), DialCallSid: z.string().optional(), CallSid: z.string().default('') });
const legStatusSchema = z.object({ CallStatus: z.string().default('') });

/**
 * Twilio's webhooks for the agent side of calls (served under the signed /twilio/voice by
 * the voice dispatcher): the dequeued caller ringing an agent, the agent leg's progress, requeues,
 * transfers and callbacks. Unreadable parameters fall to the voice error handler (apology TwiML).
 */
export function createAgentVoiceRoutes(deps: { routing: Routing; callbacks: Callbacks; holds: CallHolds; ledger: CallLedger; urls: AgentUrls; logger: Logger }): VoiceRoutes {
  const { routing, callbacks, holds, ledger } = deps;
  const log = deps.logger.child({ component: 'routing' });
  const router = createVoiceRoutes();

  router.post('/agents/connect', async (req, res) => {
    const { agent, call } = agentCallQuerySchema.parse(req.query);
    sendTwiml(res, await routing.connect(agent, call));
  });

  router.post('/agents/leg-status', async (req, res) => {
    const { agent, call, leg } = agentCallQuerySchema.parse(req.query);
    await routing.agentLegStatus(agent, call, legStatusSchema.parse(req.body).CallStatus, leg);
    res.status(204).end();
  });

  router.post('/agents/dial-result', async (req, res) => {
    const { agent, call, leg } = agentCallQuerySchema.parse(req.query);
    const body = dialResultSchema.parse(req.body);
    sendTwiml(res, await routing.dialEnded(agent, call, body.DialCallStatus, body.CallStatus, leg));
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
    const { call, menu, skill } = z.object({ call: z.string().min(1), menu: z.string().min(1), skill: z.string().min(1) }).parse(req.query);
    sendTwiml(res, await routing.queueWait(call, z.object({ QueueSid: z.string().default('') }).parse(req.body).QueueSid, { menu, skill }));
  });

  router.post('/agents/transfer-enqueue', async (req, res) => {
    const { call, menu, skill } = z.object({ call: z.string().min(1), menu: z.string().min(1), skill: z.string().min(1) }).parse(req.query);
    sendTwiml(res, routing.waitAgain(call, { menu, skill }));
  });

  router.post('/agents/callback/connect', async (req, res) => {
    const { request, agent } = callbackQuerySchema.parse(req.query);
    sendTwiml(res, await callbacks.agentAnswered(request, agent, z.object({ CallSid: z.string() }).parse(req.body).CallSid));
  });

  router.post('/agents/callback/result', async (req, res) => {
    const { request, agent } = callbackQuerySchema.parse(req.query);
    const body = dialResultSchema.parse(req.body);
    sendTwiml(res, await callbacks.citizenLegEnded(request, agent, body.CallSid, body.DialCallStatus, body.DialCallSid));
  });

  router.post('/agents/callback/status', async (req, res) => {
    const { request, agent } = callbackQuerySchema.parse(req.query);
    const status = statusCallbackSchema.safeParse(req.body);
    if (!status.success) {
      log.warn({ request }, 'unreadable callback status');
      res.status(400).type('text/plain').send('Bad status callback');
      return;
    }
    await ledger.recordStatus(status.data, req.body as Record<string, unknown>);
    await callbacks.agentLegStatus(request, agent, status.data.CallStatus);
    res.status(204).end();
  });

  return router;
}
