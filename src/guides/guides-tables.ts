import {
  bigserial,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { Guide } from './guides-schemas.js';

const ts = (name: string) => timestamp(name, { withTimezone: true });

/**
 * Staff edits of the service guides: each edit is a new revision with who and when; nothing is
 * updated or deleted. A service's guide is its latest revision, else the file's (revision 0).
 */
export const guideRevisions = pgTable(
  'guide_revisions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    serviceId: text('service_id').notNull(),
    /** 1, 2, ... per service; 0 is the version in catalogue/guides. */
    revision: integer('revision').notNull(),
    content: jsonb('content').$type<Guide>().notNull(),
    editedBy: text('edited_by').notNull(),
    editedAt: ts('edited_at').notNull(),
    /** What was changed and why, in the editor's words. */
    note: text('note').notNull().default(''),
  },
  (t) => [uniqueIndex('guide_revisions_service_revision_idx').on(t.serviceId, t.revision)],
);

/** Guides sent to a caller by SMS from the desk: who asked, for which call, and what came of it. */
export const guideSms = pgTable(
  'guide_sms',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    callSid: text('call_sid').notNull(),
    serviceId: text('service_id').notNull(),
    revision: integer('revision').notNull(),
    agentId: text('agent_id').notNull(),
    requestedAt: ts('requested_at').notNull(),
    status: text('status', { enum: ['queued', 'sent', 'skipped'] })
      .notNull()
      .default('queued'),
    /** Why it was skipped (a landline, no number), or the provider's message SID once sent. */
    detail: text('detail'),
    sentAt: ts('sent_at'),
  },
  (t) => [index('guide_sms_call_idx').on(t.callSid)],
);
