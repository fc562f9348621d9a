import { z } from 'zod';
import { statusCallbackSchema, type CallLedger } from '../calls/index.js';
import type { Logger } from '../platform/logger.js';
import { sendTwiml } from '../platform/twiml.js';
import { createVoiceRoutes, type VoiceRoutes } from '../platform/voice-routes.js';
import type { Callbacks } from './callback-contract.js';

const callbackQuerySchema = z.object({
  request: z.coerce.number().int().positive(),
  agent: z.string().min(1),
});
const dialResultSchema = z.object({
  DialCallStatus: z.string().default('failed'),
  CallSid: z.string().default(''),
  DialCallSid: z.string().optional(),
});

/**
 * The provider's webhooks for a callback's agent leg (served under the signed voice path by the
 * voice dispatcher): the agent answered, the citizen's leg ended, the agent leg's progress; and
 * the same three for an outbound call from the desk (`/agents/outbound/*`).
 */
export function createCallbackVoiceRoutes(deps: {
  callbacks: Callbacks;
  ledger: CallLedger;
  logger: Logger;
}): VoiceRoutes {
  const { callbacks, ledger } = deps;
  const log = deps.logger.child({ component: 'callbacks' });
  const router = createVoiceRoutes();

  router.post('/agents/callback/connect', async (req, res) => {
    const { request, agent } = callbackQuerySchema.parse(req.query);
    sendTwiml(
      res,
      await callbacks.agentAnswered(
        request,
        agent,
        z.object({ CallSid: z.string() }).parse(req.body).CallSid,
      ),
    );
  });

  router.post('/agents/callback/result', async (req, res) => {
    const { request, agent } = callbackQuerySchema.parse(req.query);
    const body = dialResultSchema.parse(req.body);
    sendTwiml(
      res,
      await callbacks.citizenLegEnded(
        request,
        agent,
        body.CallSid,
        body.DialCallStatus,
        body.DialCallSid,
      ),
    );
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

  const outboundQuery = z.object({ agent: z.string().min(1) });

  router.post('/agents/outbound/connect', async (req, res) => {
    const { agent } = outboundQuery.parse(req.query);
    const { CallSid } = z.object({ CallSid: z.string() }).parse(req.body);
    sendTwiml(res, await callbacks.outboundAnswered(agent, CallSid));
  });

  router.post('/agents/outbound/result', async (req, res) => {
    const { agent } = outboundQuery.parse(req.query);
    const body = dialResultSchema.parse(req.body);
    sendTwiml(res, await callbacks.outboundEnded(agent, body.CallSid, body.DialCallStatus));
  });

  router.post('/agents/outbound/status', async (req, res) => {
    const { agent } = outboundQuery.parse(req.query);
    const status = statusCallbackSchema.safeParse(req.body);
    if (!status.success) {
      log.warn({ agent }, 'unreadable outbound status');
      res.status(400).type('text/plain').send('Bad status callback');
      return;
    }
    await ledger.recordStatus(status.data, req.body as Record<string, unknown>);
    await callbacks.outboundLegStatus(agent, status.data.CallStatus);
    res.status(204).end();
  });

  return router;
}
