import { z } from 'zod';

/** Twilio's call SID: CA followed by 32 hex digits. */
export const callSidSchema = z
  .string()
  .regex(/^CA[0-9a-fA-F]{32}$/, 'must be a Twilio call SID (CA + 32 hex digits)');

/** The largest value an integer column holds. */
const INT4_MAX = 2_147_483_647;
/** Twilio ends every call after 24 hours at most: a longer duration is not a real call's. */
const MAX_CALL_SECONDS = 24 * 3600;

/** The fields of Twilio's voice status callback that the ledger uses; absurd numbers are refused, not stored. */
export const statusCallbackSchema = z.object({
  CallSid: callSidSchema,
  CallStatus: z.enum([
    'queued',
    'initiated',
    'ringing',
    'in-progress',
    'completed',
    'busy',
    'failed',
    'no-answer',
    'canceled',
  ]),
  SequenceNumber: z.coerce.number().int().min(0).max(INT4_MAX).optional(),
  Timestamp: z.string().optional(),
  CallDuration: z.coerce
    .number()
    .int()
    .min(0)
    .max(MAX_CALL_SECONDS, 'must be at most 86400 seconds (Twilio ends a call after 24 hours)')
    .optional(),
  From: z.string().default(''),
  To: z.string().default(''),
  Direction: z.string().default('inbound'),
});

export type StatusCallback = z.infer<typeof statusCallbackSchema>;

/** Order of call statuses: a status only ever replaces one of lower rank. The last rank is final. */
export const STATUS_RANK: Record<StatusCallback['CallStatus'], number> = {
  queued: 0,
  initiated: 1,
  ringing: 2,
  'in-progress': 3,
  completed: 4,
  busy: 4,
  failed: 4,
  'no-answer': 4,
  canceled: 4,
};
export const FINAL_RANK = 4;
