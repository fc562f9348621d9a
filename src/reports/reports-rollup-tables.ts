import {
  bigint,
  bigserial,
  boolean,
  date,
  index,
  integer,
  numeric,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';

/*
 * The statistics' rollups: what the period reports and the staffing plan read instead of the
 * raw ledger. Each row is a day's share of a figure (a call's figures belong to the day it
 * arrived, an agent's to the day the leg was answered, a booking's to the day booked for), so
 * that any period is the sum of its days. Sums of fractional seconds are kept unrounded
 * (numeric) and rounded once per period, as the raw figures are. A day's rows are rebuilt
 * from the raw rows in one transaction when a row they were built from has changed since
 * (triggers in the migration record it); today and later days are rebuilt whenever read.
 */

const day = (name: string) => date(name, { mode: 'string' });
const seconds = (name: string) => numeric(name).notNull().default('0');
const count = (name: string) => integer(name).notNull().default(0);

/**
 * Which days have rollups, and the thresholds they were counted with. A day's row is written
 * before its build (so the triggers record changes made during it) with `built` false; the
 * build's transaction sets it, so a read that comes meanwhile waits for the build instead of
 * reading the day's rollups half made.
 */
export const reportRollupDays = pgTable('report_rollup_days', {
  day: day('day').primaryKey(),
  targetSeconds: integer('target_seconds').notNull(),
  shortAbandonSeconds: integer('short_abandon_seconds').notNull(),
  built: boolean('built').notNull().default(true),
  refreshedAt: timestamp('refreshed_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Changes to rows a day's rollups were built from, written by the triggers (appended, never
 * updated, so a business write never waits on a report's lock); a rebuild deletes the ones it saw.
 */
export const reportRollupChanges = pgTable(
  'report_rollup_changes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    day: day('day').notNull(),
  },
  (t) => [index('report_rollup_changes_day_idx').on(t.day)],
);

/**
 * Per day, half hour of arrival and hotline: the call counts, their extras (transfers,
 * callbacks, after-call work), outcomes; completed callbacks by the day and half hour the
 * callback was asked for.
 */
export const reportRollupCalls = pgTable(
  'report_rollup_calls',
  {
    day: day('day').notNull(),
    halfHour: smallint('half_hour').notNull(),
    hotlineNumber: text('hotline_number').notNull(),
    offered: count('offered'),
    answered: count('answered'),
    answeredInTarget: count('answered_in_target'),
    selfServed: count('self_served'),
    abandonedInIvr: count('abandoned_in_ivr'),
    abandonedInQueue: count('abandoned_in_queue'),
    shortAbandons: count('short_abandons'),
    callbacksRequested: count('callbacks_requested'),
    queueSecondsAnswered: bigint('queue_seconds_answered', { mode: 'number' }).notNull().default(0),
    talkSeconds: bigint('talk_seconds', { mode: 'number' }).notNull().default(0),
    inProgress: count('in_progress'),
    transfers: count('transfers'),
    callbacksPlaced: count('callbacks_placed'),
    callbacksGivenUp: count('callbacks_given_up'),
    afterCallSeconds: seconds('after_call_seconds'),
    consultations: count('consultations'),
    completedByPhone: count('completed_by_phone'),
    callbacksCompleted: count('callbacks_completed'),
  },
  (t) => [primaryKey({ columns: [t.day, t.halfHour, t.hotlineNumber] })],
);

/** Per day a leg was answered and agent: legs, talk and after-call seconds, outcomes by kind. */
export const reportRollupAgents = pgTable(
  'report_rollup_agents',
  {
    day: day('day').notNull(),
    agentId: text('agent_id').notNull(),
    handled: count('handled'),
    talkSeconds: seconds('talk_seconds'),
    afterCallSeconds: seconds('after_call_seconds'),
    consultations: count('consultations'),
    completedByPhone: count('completed_by_phone'),
    bookings: count('bookings'),
    other: count('other'),
  },
  (t) => [primaryKey({ columns: [t.day, t.agentId] })],
);

/** Transfers an agent made, by the day the leg was answered and the day of the transfer: a period counts those with both days in it. */
export const reportRollupTransfers = pgTable(
  'report_rollup_transfers',
  {
    day: day('day').notNull(),
    eventDay: day('event_day').notNull(),
    agentId: text('agent_id').notNull(),
    transfers: count('transfers'),
  },
  (t) => [primaryKey({ columns: [t.day, t.eventDay, t.agentId] })],
);

/** Per day of arrival and service named in the outcome ('' for none): consultations, items completed by phone, of those by post. */
export const reportRollupServices = pgTable(
  'report_rollup_services',
  {
    day: day('day').notNull(),
    serviceKey: text('service_key').notNull(),
    consultations: count('consultations'),
    completedByPhone: count('completed_by_phone'),
    byPost: count('by_post'),
  },
  (t) => [primaryKey({ columns: [t.day, t.serviceKey] })],
);

/** The staffing plan's load per day of arrival, half hour of queueing and queue department: calls queued, answered, their talk seconds. */
export const reportRollupStaffing = pgTable(
  'report_rollup_staffing',
  {
    day: day('day').notNull(),
    halfHour: smallint('half_hour').notNull(),
    departmentId: text('department_id').notNull(),
    queued: count('queued'),
    answered: count('answered'),
    talkSeconds: bigint('talk_seconds', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.day, t.halfHour, t.departmentId] })],
);

/**
 * The after-call seconds of those calls, by the day their legs were answered (a period counts
 * legs answered in it). Whole seconds per call, as the plan rounds them, for calls whose legs
 * were all answered on one day (`callSid` ''); a call whose legs span days has rows of its own,
 * unrounded, rounded over the legs a period holds.
 */
export const reportRollupStaffingWrapUp = pgTable(
  'report_rollup_staffing_wrap_up',
  {
    day: day('day').notNull(),
    halfHour: smallint('half_hour').notNull(),
    departmentId: text('department_id').notNull(),
    answerDay: day('answer_day').notNull(),
    callSid: text('call_sid').notNull(),
    seconds: seconds('seconds'),
  },
  (t) => [primaryKey({ columns: [t.day, t.halfHour, t.departmentId, t.answerDay, t.callSid] })],
);

/** Seconds each agent was logged in (any state but offline), per day and half hour. */
export const reportRollupOnline = pgTable(
  'report_rollup_online',
  {
    day: day('day').notNull(),
    halfHour: smallint('half_hour').notNull(),
    agentId: text('agent_id').notNull(),
    seconds: seconds('seconds'),
  },
  (t) => [primaryKey({ columns: [t.day, t.halfHour, t.agentId] })],
);

/** Bookings (not cancelled) per day booked for, service and channel. */
export const reportRollupBookings = pgTable(
  'report_rollup_bookings',
  {
    day: day('day').notNull(),
    serviceId: text('service_id').notNull(),
    channel: text('channel').notNull(),
    bookings: count('bookings'),
  },
  (t) => [primaryKey({ columns: [t.day, t.serviceId, t.channel] })],
);

/** Per day and service: places and places booked in open slots, whether any slot was open, no-shows. */
export const reportRollupSlots = pgTable(
  'report_rollup_slots',
  {
    day: day('day').notNull(),
    serviceId: text('service_id').notNull(),
    openSlots: count('open_slots'),
    capacity: count('capacity'),
    booked: count('booked'),
    noShows: count('no_shows'),
  },
  (t) => [primaryKey({ columns: [t.day, t.serviceId] })],
);
