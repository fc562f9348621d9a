import { z } from 'zod';
import { sendTwiml } from '../platform/twiml.js';
import { createVoiceRoutes, type VoiceRoutes } from '../platform/voice-routes.js';
import type { Evaluations } from './evaluation-service.js';

const menuQuery = z.object({
  call: z.string().min(1).max(64),
  try: z.coerce.number().int().min(0).max(1).default(0),
});
const answerBody = z.object({ Digits: z.string().max(20).default('') });

/**
 * The evaluation menu's webhooks (signed, under /twilio/voice): `/evaluation/menu` plays it,
 * `/evaluation/answer` records the key. Unreadable parameters fall to the voice error handler.
 */
export function createEvaluationVoiceRoutes(evaluations: Evaluations): VoiceRoutes {
  const router = createVoiceRoutes();
  router.post('/evaluation/menu', (req, res) => {
    const { call, try: attempt } = menuQuery.parse(req.query);
    sendTwiml(res, evaluations.menu(call, attempt));
  });
  router.post('/evaluation/answer', async (req, res) => {
    const { call, try: attempt } = menuQuery.parse(req.query);
    sendTwiml(res, await evaluations.answer(call, answerBody.parse(req.body).Digits, attempt));
  });
  return router;
}
