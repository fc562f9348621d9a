import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true });

/**
 * One row per Redis prefix whose job schedule a worker has built. A prefix with a row but no
 * sentinel key in Redis has lost its data (rebuild everything from PostgreSQL); one without a
 * row is a first start (only the periodic jobs are needed).
 */
export const scheduleBuilds = pgTable('schedule_builds', {
  redisPrefix: text('redis_prefix').primaryKey(),
  firstBuiltAt: ts('first_built_at').notNull(),
  lastBuiltAt: ts('last_built_at').notNull(),
  /** How many times Redis was found to have lost the schedule and it was rebuilt. */
  rebuilds: integer('rebuilds').notNull().default(0),
});
