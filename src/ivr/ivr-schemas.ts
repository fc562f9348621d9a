import { z } from 'zod';

const optionalNumber = z.preprocess(
  (v) => (v === '' || v === undefined ? undefined : v),
  z.coerce.number().optional(),
);

/** Parameters every voice webhook carries. */
export const callParamsSchema = z.object({
  CallSid: z.string().min(1),
  From: z.string().default(''),
  To: z.string().default(''),
});

/** What a `<Gather>` posts: keys, or speech with its confidence. */
export const gatherParamsSchema = callParamsSchema.extend({
  Digits: z.string().optional(),
  SpeechResult: z.string().optional(),
  Confidence: optionalNumber,
});

export const menuQuerySchema = z.object({ menu: z.string().min(1) });
export const nodeQuerySchema = menuQuerySchema.extend({ node: z.string().min(1) });
export const inputQuerySchema = nodeQuerySchema.extend({
  attempt: z.coerce.number().int().min(0).max(10).default(0),
});
export const choiceQuerySchema = menuQuerySchema.extend({
  reason: z.enum(['closed', 'busy']),
  skill: z.string().min(1),
  attempt: z.coerce.number().int().min(0).max(10).default(0),
});
export const queueQuerySchema = menuQuerySchema.extend({ skill: z.string().min(1) });

/** What Twilio posts to an `<Enqueue>` waitUrl. */
export const waitParamsSchema = callParamsSchema.extend({
  QueueSid: z.string().optional(),
  QueuePosition: z.coerce.number().int().min(0).default(1),
  QueueTime: z.coerce.number().min(0).default(0),
  AvgQueueTime: z.coerce.number().min(0).default(0),
  CurrentQueueSize: z.coerce.number().int().min(0).default(1),
});

/** What Twilio posts to an `<Enqueue>` action. */
export const queueResultParamsSchema = callParamsSchema.extend({
  QueueResult: z.string().default('error'),
  QueueTime: optionalNumber,
});
