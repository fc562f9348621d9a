import { z } from 'zod';
import { callSidSchema } from '../calls/index.js';
import { normalizePhone } from '../booking/index.js';
import { freeText, plainText } from '../platform/input-schemas.js';

export const stateChangeSchema = z.object({
  state: z.enum(['available', 'break', 'offline']),
  reason: freeText(100).optional(),
});

export const callParamsSchema = z.object({ callSid: callSidSchema });

/** The number an agent dials out to: a mainland mobile, a landline with its area code, a 400/800 number. */
export const dialOutSchema = z
  .object({
    number: z.string().transform((value, ctx) => {
      const phone = normalizePhone(value);
      if (!phone) {
        ctx.addIssue({
          code: 'custom',
          message: 'must be a mainland mobile, a landline with its area code or a 400/800 number',
        });
        return z.NEVER;
      }
      return phone.e164;
    }),
  })
  .strict();

export const callbackParamsSchema = z.object({
  id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER),
});

export const transferSchema = z.union([
  z.object({ department: z.string().trim().pipe(plainText(64)) }).strict(),
  z.object({ agent: z.string().trim().pipe(plainText(64)) }).strict(),
]);

const text = freeText;

export const consultationSchema = z.object({
  serviceId: text(64).optional(),
  topic: text(200),
  question: text(2000),
  answer: text(4000),
  resolution: z.enum(['resolved', 'follow_up']),
  followUpNote: text(1000).optional(),
  /** The service whose guide (办事指南) answered the question, when the agent used one. */
  guideServiceId: text(64).optional(),
});

/** A mainland mobile (11 digits from 13-19) or a landline with its area code, as written. */
const contactPhone = z
  .string()
  .trim()
  .regex(
    /^(?:\+?86)?(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/,
    'a mainland mobile or a landline with its area code',
  );

/**
 * Delivery by post goes to a recipient at a mainland address: province, city, district and
 * street (or, as older clients send it, one address line). The tracking number can follow later.
 */
const postSchema = z
  .object({
    method: z.literal('post'),
    recipient: text(50).optional(),
    phone: contactPhone.optional(),
    province: text(20).optional(),
    city: text(30).optional(),
    district: text(30).optional(),
    street: text(200).optional(),
    address: text(300).optional(),
    postcode: z
      .string()
      .regex(/^\d{6}$/, 'a postcode is six digits')
      .optional(),
    trackingNumber: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9]{8,30}$/, 'letters and digits, 8 to 30')
      .optional(),
  })
  .superRefine((post, ctx) => {
    if (post.street === undefined && post.address !== undefined) {
      if (post.postcode === undefined)
        ctx.addIssue({ code: 'custom', path: ['postcode'], message: 'Required' });
      return;
    }
    for (const field of ['recipient', 'phone', 'province', 'city', 'district', 'street'] as const) {
      if (post[field] === undefined)
        ctx.addIssue({ code: 'custom', path: [field], message: 'Required' });
    }
  });

const deliverySchema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('pickup') }),
  postSchema,
]);

/** How an item completed by phone reaches the caller, as its outcome's details hold it. */
export type DeliveryDetails = z.infer<typeof deliverySchema>;

/** The courier's tracking number, known after the call. */
export const trackingSchema = z.object({
  trackingNumber: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9]{8,30}$/, 'letters and digits, 8 to 30'),
});

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
  reason: z.enum([
    'wrong_number',
    'complaint',
    'transferred',
    'caller_hung_up',
    'information_only',
    'other',
  ]),
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
