import { bigserial, date, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * A year's holiday schedule as staff entered it from the State Council notice, for years the
 * holiday package does not carry yet (or to correct it). Its days take precedence.
 */
export const calendarYears = pgTable('calendar_years', {
  year: integer('year').primaryKey(),
  /** The notice, e.g. 国办发明电〔2026〕7号. */
  reference: text('reference').notNull(),
  enteredBy: text('entered_by').notNull(),
  enteredAt: timestamp('entered_at', { withTimezone: true }).notNull().defaultNow(),
});

/** The days of a staff-entered schedule: public holidays and adjusted working days (调休). */
export const calendarDays = pgTable('calendar_days', {
  date: date('date', { mode: 'string' }).primaryKey(),
  kind: text('kind', { enum: ['holiday', 'workday'] }).notNull(),
  name: text('name').notNull(),
  year: integer('year')
    .notNull()
    .references(() => calendarYears.year),
});

/** A hall closed on a range of days (a closure, a disinfection day); null hall = every hall. */
export const hallClosures = pgTable(
  'hall_closures',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    hallId: text('hall_id'),
    startsOn: date('starts_on', { mode: 'string' }).notNull(),
    endsOn: date('ends_on', { mode: 'string' }).notNull(),
    reason: text('reason').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('hall_closures_range_idx').on(t.endsOn)],
);
