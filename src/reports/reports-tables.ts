import {
  customType,
  date,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });

/**
 * The daily statistics exports, kept in PostgreSQL so that any web process can serve them
 * and a re-run for the same day replaces its file.
 */
export const reportExports = pgTable(
  'report_exports',
  {
    day: date('day', { mode: 'string' }).notNull(),
    format: text('format', { enum: ['csv', 'xlsx'] }).notNull(),
    content: bytea('content').notNull(),
    rows: integer('rows').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.day, t.format] })],
);
