import { z } from 'zod';

/** The query of routing's agent-leg webhooks: which agent, which call, which leg (0, or the n-th resume after a hold). */
export const agentCallQuerySchema = z.object({
  agent: z.string().min(1),
  call: z.string().min(1),
  leg: z.coerce.number().int().min(0).max(1000).default(0),
  /** The caller's place in the queue (routing-place.ts). */
  place: z.string().max(2000).optional(),
});
