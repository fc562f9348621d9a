import { bigserial, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true });

/**
 * Announcements spoken after the welcome while they run (e.g. 来厅请佩戴口罩并出示绿码, a
 * closure). Scope: one hotline, one hall's hotlines, or every hotline when both are null.
 */
export const ivrAnnouncements = pgTable(
  'ivr_announcements',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    hotlineNumber: text('hotline_number'),
    hallId: text('hall_id'),
    text: text('text').notNull(),
    startsAt: ts('starts_at').notNull(),
    endsAt: ts('ends_at').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('ivr_announcements_ends_idx').on(t.endsAt)],
);
