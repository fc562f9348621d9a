import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  date,
  index,
  jsonb,
  pgTable,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true });

/** What was done to the calendar during a call. */
export const PHONE_ACTIONS = [
  'search',
  'hold',
  'release',
  'book',
  'cancel',
  'reschedule',
  'lookup',
] as const;
export type PhoneAction = (typeof PHONE_ACTIONS)[number];

/** How it went: done, refused by the calendar (full, duplicate, suspended), failed (an error, a timeout), or cut short (the caller left). */
export const PHONE_RESULTS = ['ok', 'refused', 'failed', 'cut_short'] as const;
export type PhoneResult = (typeof PHONE_RESULTS)[number];

/**
 * The phone ledger: every booking action taken during a call, by the IVR or by an agent,
 * with its result, including those that failed or were cut short. Append-only.
 */
export const phoneLedger = pgTable(
  'phone_ledger',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** The call; null when an agent acted outside any call. */
    callSid: text('call_sid'),
    /** The staff user id of the agent; null for the IVR. */
    agentId: text('agent_id'),
    channel: text('channel', { enum: ['phone', 'ivr'] }).notNull(),
    action: text('action', { enum: PHONE_ACTIONS }).notNull(),
    result: text('result', { enum: PHONE_RESULTS }).notNull(),
    /** The calendar's refusal or failure code (slot_full, hold_expired, ...). */
    errorCode: text('error_code'),
    bookingId: uuid('booking_id'),
    slotId: bigint('slot_id', { mode: 'number' }),
    holdId: uuid('hold_id'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    /** Local date (Asia/Shanghai) of `at`. */
    day: date('day', { mode: 'string' }).notNull(),
    at: ts('at').notNull(),
  },
  (t) => [
    index('phone_ledger_call_idx').on(t.callSid, t.id),
    index('phone_ledger_day_idx').on(t.day, t.id),
    index('phone_ledger_booking_idx')
      .on(t.bookingId)
      .where(sql`booking_id is not null`),
    index('phone_ledger_hold_idx')
      .on(t.holdId)
      .where(sql`hold_id is not null`),
  ],
);
