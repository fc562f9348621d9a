import { index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true });

/**
 * The recordings of answered calls (dual channel, from the agent's answer, after the IVR's
 * consent notice), as Twilio's recording status callback reports them. Only the reference is
 * kept; the audio stays at Twilio until the retention runs out and it is deleted there.
 */
export const callRecordings = pgTable(
  'call_recordings',
  {
    recordingSid: text('recording_sid').primaryKey(),
    /** The caller's call (the parent of the agent's Dial). */
    callSid: text('call_sid').notNull(),
    durationSeconds: integer('duration_seconds'),
    channels: integer('channels'),
    startedAt: ts('started_at'),
    receivedAt: ts('received_at').notNull(),
    /** When the audio was deleted at Twilio (retention): the reference stays, it no longer plays. */
    deletedAt: ts('deleted_at'),
  },
  (t) => [
    index('call_recordings_call_idx').on(t.callSid),
    index('call_recordings_received_idx').on(t.receivedAt),
  ],
);
