import { z } from 'zod';
import { calendarDay, nameText, plainText } from '../platform/input-schemas.js';
import { checkIdNumber, normalizePhone, type IdNumberProblem } from './booking-identity.js';

const isoDate = calendarDay;
const slotId = z.number().int().positive();

const idProblems: Record<IdNumberProblem, string> = {
  format: 'must be 17 digits followed by a digit or X',
  region: 'does not start with a known province code',
  birth_date: 'does not contain a valid birth date',
  check_digit: 'fails the GB 11643 check digit',
};

/** A resident ID number, checked and upper-cased (never echoed back in an error). */
export const idNumberSchema = z.string().transform((value, ctx) => {
  const checked = checkIdNumber(value);
  if (!checked.ok) {
    ctx.addIssue({ code: 'custom', message: idProblems[checked.problem] });
    return z.NEVER;
  }
  return checked.idNumber;
});

/** A mainland mobile or landline, normalized to E.164. */
export const phoneSchema = z.string().transform((value, ctx) => {
  const phone = normalizePhone(value);
  if (!phone) {
    ctx.addIssue({
      code: 'custom',
      message:
        'must be a mainland mobile, a landline with its area code or a 400/800 number, as the numbering plan allocates them',
    });
    return z.NEVER;
  }
  return phone.e164;
});

export const slotsQuerySchema = z
  .object({
    hall: plainText(64),
    service: plainText(64),
    from: isoDate.optional(),
    to: isoDate.optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, {
    message: 'to must not be before from',
    path: ['to'],
  });

export const holdBodySchema = z.object({ slotId });

export const bookingBodySchema = z
  .object({
    slotId: slotId.optional(),
    holdId: z.uuid().optional(),
    name: nameText(50),
    phone: phoneSchema,
    idNumber: idNumberSchema,
  })
  .refine((b) => (b.slotId === undefined) !== (b.holdId === undefined), {
    message: 'give either slotId or holdId',
    path: ['slotId'],
  });

export const rescheduleBodySchema = z.object({ slotId });

export const idempotencyKeySchema = z
  .string()
  .min(1, 'the Idempotency-Key header is required')
  .pipe(plainText(200));

/** `?hall=` of a staff list (flagged bookings): optional. */
export const hallQuerySchema = z.object({ hall: plainText(64).optional() });

export const uuidParam = z.uuid();
/** The citizen's second factor for a look-up by code: the last 4 characters of the phone or ID number. */
export const citizenLookupQuerySchema = z.object({
  last4: z
    .string({ message: 'last4 (the last 4 digits of the phone or ID number) is required' })
    .regex(/^\d{3}[\dXx]$/, 'last4 must be the last 4 digits of the phone or ID number'),
});

export const codeParam = z.string().regex(/^\d{8}$/, 'a booking code is 8 digits');
