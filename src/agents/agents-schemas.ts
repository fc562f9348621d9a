import { z } from 'zod';
import { callSidSchema } from '../calls/index.js';
import { freeText } from '../platform/input-schemas.js';

export const stateChangeSchema = z.object({
  state: z.enum(['available', 'break', 'offline']),
  reason: freeText(100).optional(),
});

export const callParamsSchema = z.object({ callSid: callSidSchema });

export const transferSchema = z.union([
  z.object({ department: z.string().trim().min(1) }).strict(),
  z.object({ agent: z.string().trim().min(1) }).strict(),
]);

const text = freeText;

export const consultationSchema = z.object({
  serviceId: text(64).optional(),
  topic: text(200),
  question: text(2000),
  answer: text(4000),
  resolution: z.enum(['resolved', 'follow_up']),
  followUpNote: text(1000).optional(),
});

const deliverySchema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('pickup') }),
  z.object({
    method: z.literal('post'),
    address: text(300),
    postcode: z.string().regex(/^\d{6}$/, 'a postcode is six digits'),
    trackingNumber: z.string().trim().regex(/^[A-Za-z0-9]{8,30}$/, 'letters and digits, 8 to 30').optional(),
  }),
]);

export const completedByPhoneSchema = z.object({
  serviceId: text(64),
  referenceNumber: text(64),
  result: text(2000),
  delivery: deliverySchema,
});

export const bookingOutcomeSchema = z.object({
  bookingId: text(64),
  bookingCode: text(32).optional(),
  serviceId: text(64).optional(),
});

export const otherOutcomeSchema = z.object({
  reason: z.enum(['wrong_number', 'complaint', 'transferred', 'caller_hung_up', 'information_only', 'other']),
  note: text(2000).optional(),
});

export const outcomeSchemas = {
  consultation: consultationSchema,
  'completed-by-phone': completedByPhoneSchema,
  booking: bookingOutcomeSchema,
  other: otherOutcomeSchema,
} as const;
export type OutcomePath = keyof typeof outcomeSchemas;

/** Twilio's parameters on the agent webhooks (query and form). */
export const agentCallQuerySchema = z.object({ agent: z.string().min(1), call: z.string().min(1) });
export const callbackQuerySchema = z.object({ request: z.coerce.number().int().positive(), agent: z.string().min(1) });
