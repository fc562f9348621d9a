import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true });

/** Every channel a booking can come from; `phone` (agents) and `ivr` share the phone quota. */
export const BOOKING_CHANNELS = ['phone', 'ivr', 'web', 'wechat', 'walk_in'] as const;
export type BookingChannel = (typeof BOOKING_CHANNELS)[number];

/** Statuses that occupy a place in the slot's `booked` counter (a no-show used its place). */
export const PLACE_STATUSES = ['confirmed', 'checked_in', 'no_show'] as const;

/**
 * One time slot of one service in one hall, with its counters. Places are taken and given
 * back only by conditional updates of these counters; the CHECK constraint is the last guard
 * against overbooking whatever the code above does.
 *
 * - `capacity`: places now offered (lowered by crowd control, 0 when the day is closed);
 * - `phoneReserved`: of those, kept for the phone channels until the phone share opens;
 * - `booked` / `phoneBooked`: bookings holding a place (all channels / phone channels);
 * - `held` / `phoneHeld`: unexpired holds;
 * - `overflow`: bookings made before capacity was lowered that no longer fit (flagged).
 */
export const bookingSlots = pgTable(
  'booking_slots',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    hallId: text('hall_id').notNull(),
    serviceId: text('service_id').notNull(),
    /** Local date in Asia/Shanghai. */
    day: date('day', { mode: 'string' }).notNull(),
    startsAt: ts('starts_at').notNull(),
    endsAt: ts('ends_at').notNull(),
    /** Capacity from the hall's counters before any crowd-control lowering. */
    baseCapacity: integer('base_capacity').notNull(),
    capacity: integer('capacity').notNull(),
    phoneReserved: integer('phone_reserved').notNull().default(0),
    booked: integer('booked').notNull().default(0),
    phoneBooked: integer('phone_booked').notNull().default(0),
    held: integer('held').notNull().default(0),
    phoneHeld: integer('phone_held').notNull().default(0),
    overflow: integer('overflow').notNull().default(0),
    /** True when the hall does not open that day (closure, holiday entered later). */
    closed: boolean('closed').notNull().default(false),
    releasedAt: ts('released_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('booking_slots_service_start_idx').on(t.serviceId, t.startsAt),
    index('booking_slots_hall_day_idx').on(t.hallId, t.day),
    check(
      'booking_slots_counters_check',
      sql`${t.capacity} >= 0 and ${t.booked} >= 0 and ${t.held} >= 0 and ${t.phoneBooked} >= 0 and ${t.phoneHeld} >= 0 and ${t.overflow} >= 0
        and ${t.phoneBooked} <= ${t.booked} and ${t.phoneHeld} <= ${t.held}
        and ${t.booked} + ${t.held} <= ${t.capacity} + ${t.overflow}`,
    ),
  ],
);

/** A place kept for a few minutes while an agent (or the IVR) confirms with a caller. */
export const bookingHolds = pgTable(
  'booking_holds',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slotId: bigint('slot_id', { mode: 'number' })
      .notNull()
      .references(() => bookingSlots.id),
    channel: text('channel', { enum: BOOKING_CHANNELS }).notNull(),
    /** Who holds it: an API key id, a staff user id or a call SID. */
    holder: text('holder').notNull(),
    status: text('status', { enum: ['active', 'confirmed', 'released', 'expired'] })
      .notNull()
      .default('active'),
    expiresAt: ts('expires_at').notNull(),
    /** For IVR self-service: the keyed hash and masked form of the ID number keyed so far (never the number). */
    idHash: text('id_hash'),
    idMasked: text('id_masked'),
    createdAt: ts('created_at').notNull().defaultNow(),
    endedAt: ts('ended_at'),
  },
  (t) => [
    index('booking_holds_active_idx')
      .on(t.expiresAt)
      .where(sql`status = 'active'`),
  ],
);

/** A citizen's booking. ID numbers are kept only as a keyed hash and a masked form. */
export const bookings = pgTable(
  'bookings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Eight digits, so that a caller can key it on the phone. */
    code: text('code').notNull(),
    slotId: bigint('slot_id', { mode: 'number' })
      .notNull()
      .references(() => bookingSlots.id),
    hallId: text('hall_id').notNull(),
    serviceId: text('service_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    startsAt: ts('starts_at').notNull(),
    endsAt: ts('ends_at').notNull(),
    channel: text('channel', { enum: BOOKING_CHANNELS }).notNull(),
    /** The API key id, staff user id or call SID that made it. */
    madeBy: text('made_by').notNull(),
    /** The hotline an IVR booking was made on; the SMS goes out from it. */
    hotlineNumber: text('hotline_number'),
    name: text('name').notNull().default(''),
    /** E.164. */
    phone: text('phone').notNull(),
    idHash: text('id_hash').notNull(),
    idMasked: text('id_masked').notNull(),
    status: text('status', { enum: ['confirmed', 'checked_in', 'cancelled', 'no_show'] })
      .notNull()
      .default('confirmed'),
    /** Set when capacity was lowered or the hall closed after it was made: listed for follow-up. */
    flag: text('flag', { enum: ['capacity_lowered', 'hall_closed'] }),
    flaggedAt: ts('flagged_at'),
    flagResolvedAt: ts('flag_resolved_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    cancelledAt: ts('cancelled_at'),
    checkedInAt: ts('checked_in_at'),
    noShowAt: ts('no_show_at'),
    /** When the reminder SMS for the current slot went out; PostgreSQL, not the delayed job, says whether one is still due. */
    reminderSentAt: ts('reminder_sent_at'),
  },
  (t) => [
    uniqueIndex('bookings_code_idx').on(t.code),
    // One active booking per person per service per day, whatever the channel or the race.
    uniqueIndex('bookings_person_service_day_idx')
      .on(t.idHash, t.serviceId, t.day)
      .where(sql`status in ('confirmed', 'checked_in')`),
    index('bookings_slot_idx').on(t.slotId),
    index('bookings_phone_idx').on(t.phone),
    index('bookings_id_hash_noshow_idx')
      .on(t.idHash, t.noShowAt)
      .where(sql`status = 'no_show'`),
    index('bookings_due_noshow_idx')
      .on(t.endsAt)
      .where(sql`status = 'confirmed'`),
    index('bookings_reminder_due_idx')
      .on(t.startsAt)
      .where(sql`status = 'confirmed' and reminder_sent_at is null`),
    index('bookings_flag_idx')
      .on(t.flaggedAt)
      .where(sql`flag is not null and flag_resolved_at is null`),
  ],
);

/** What happened to a booking, by whom: the audit trail of creation, changes and staff reads. */
export const bookingEvents = pgTable(
  'booking_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    bookingId: uuid('booking_id').notNull(),
    event: text('event').notNull(),
    /** `channel:<keyId>`, `staff:<userId>`, `call:<CallSid>` or `system`. */
    actor: text('actor').notNull(),
    at: ts('at').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index('booking_events_booking_idx').on(t.bookingId, t.at)],
);

/** Staff-entered crowd control: a share of normal capacity, or a closed day, for a hall (and optionally one service). */
export const capacityLimits = pgTable(
  'capacity_limits',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    hallId: text('hall_id').notNull(),
    /** Null: every service of the hall. */
    serviceId: text('service_id'),
    startsOn: date('starts_on', { mode: 'string' }).notNull(),
    endsOn: date('ends_on', { mode: 'string' }).notNull(),
    /** Percent of normal capacity kept open; 0 closes the day. */
    percent: integer('percent').notNull(),
    reason: text('reason').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('capacity_limits_hall_idx').on(t.hallId, t.endsOn),
    check('capacity_limits_percent_check', sql`${t.percent} between 0 and 100`),
  ],
);

/** API keys of the channel clients (website, WeChat server, walk-in desk); only a hash is stored. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    channel: text('channel', { enum: ['web', 'wechat', 'walk_in'] }).notNull(),
    name: text('name').notNull(),
    keyHash: text('key_hash').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    revokedAt: ts('revoked_at'),
    lastUsedAt: ts('last_used_at'),
  },
  (t) => [uniqueIndex('api_keys_hash_idx').on(t.keyHash)],
);

/** The first answer to each Idempotency-Key, per client, replayed for a retry with the same body. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    status: integer('status'),
    response: jsonb('response').$type<unknown>(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.scope, t.key] }),
    index('idempotency_keys_created_idx').on(t.createdAt),
  ],
);
