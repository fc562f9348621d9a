import {
  bigint,
  bigserial,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true });

/** The channels that send booking lists. */
export const FEED_CHANNELS = ['web', 'wechat', 'walk_in'] as const;
/** A booking's status as a channel reports it. */
export const FEED_STATUSES = ['booked', 'cancelled', 'attended', 'no_show'] as const;

/** A channel's booking list for a date range, as received (ID numbers only as our HMAC). */
export const channelFeeds = pgTable(
  'channel_feeds',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    channel: text('channel', { enum: FEED_CHANNELS }).notNull(),
    /** The API key that sent it. */
    keyId: text('key_id').notNull(),
    format: text('format', { enum: ['json', 'csv'] }).notNull(),
    fromDay: date('from_day', { mode: 'string' }).notNull(),
    toDay: date('to_day', { mode: 'string' }).notNull(),
    /** SHA-256 of the bytes received: the same feed sent twice for the same range is recognised by it. */
    checksum: text('checksum').notNull(),
    rowCount: integer('row_count').notNull(),
    receivedAt: ts('received_at').notNull(),
  },
  // The range is part of a feed's identity: a CSV's range is sent beside its bytes, and the same bytes (an empty list) can hold for another day.
  (t) => [
    uniqueIndex('channel_feeds_checksum_range_idx').on(t.channel, t.checksum, t.fromDay, t.toDay),
    index('channel_feeds_channel_idx').on(t.channel, t.receivedAt),
  ],
);

/** One booking of a feed, with its line in the file (CSV) or its place in the list (JSON). */
export const channelFeedRows = pgTable(
  'channel_feed_rows',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    feedId: uuid('feed_id')
      .notNull()
      .references(() => channelFeeds.id),
    line: integer('line').notNull(),
    /** The channel's own booking id. */
    externalId: text('external_id').notNull(),
    hallId: text('hall_id').notNull(),
    serviceId: text('service_id').notNull(),
    startsAt: ts('starts_at').notNull(),
    /** Local date of `startsAt`. */
    day: date('day', { mode: 'string' }).notNull(),
    idHash: text('id_hash').notNull(),
    /** Masked ID number, empty when the channel sent only the hash. */
    idMasked: text('id_masked').notNull().default(''),
    /** E.164. */
    phone: text('phone').notNull(),
    status: text('status', { enum: FEED_STATUSES }).notNull(),
  },
  (t) => [
    index('channel_feed_rows_feed_idx').on(t.feedId, t.day),
    index('channel_feed_rows_external_idx').on(t.externalId),
  ],
);

/** A calendar booking imported from a feed (or otherwise known) under the channel's own booking id. */
export const channelBookingRefs = pgTable(
  'channel_booking_refs',
  {
    channel: text('channel', { enum: FEED_CHANNELS }).notNull(),
    externalId: text('external_id').notNull(),
    bookingId: uuid('booking_id').notNull(),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('channel_booking_refs_pk').on(t.channel, t.externalId),
    index('channel_booking_refs_booking_idx').on(t.bookingId),
  ],
);

/** The classes a difference can have; see reconciliation-repository.ts for how each is found. */
export const RECONCILIATION_CLASSES = [
  'outcome_without_booking',
  'ledger_booking_missing',
  'phone_booking_unlogged',
  'hold_abandoned',
  'feed_only',
  'calendar_only',
  'status_differs',
  'details_differ',
  'cross_channel_duplicate',
  'counters_differ',
  'over_capacity',
  'stale_hold',
  'in_flight',
] as const;
export type ReconciliationClass = (typeof RECONCILIATION_CLASSES)[number];

/** One reconciliation run over a date range, with its counts per class. */
export const reconciliationRuns = pgTable(
  'reconciliation_runs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    fromDay: date('from_day', { mode: 'string' }).notNull(),
    toDay: date('to_day', { mode: 'string' }).notNull(),
    /** `staff:<userId>`, `command` or `nightly`. */
    trigger: text('trigger').notNull(),
    startedAt: ts('started_at').notNull(),
    finishedAt: ts('finished_at'),
    /** Items per class. */
    counts: jsonb('counts').$type<Record<string, number>>().notNull().default({}),
    /** Items fixed automatically in this run. */
    fixed: integer('fixed').notNull().default(0),
    open: integer('open').notNull().default(0),
  },
  (t) => [index('reconciliation_runs_started_idx').on(t.startedAt)],
);

/**
 * One difference found by a run. `key` names the difference the same way in every run, so that
 * a second run reports the same open items and a resolution carries over.
 */
export const reconciliationItems = pgTable(
  'reconciliation_items',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    runId: bigint('run_id', { mode: 'number' })
      .notNull()
      .references(() => reconciliationRuns.id),
    class: text('class', { enum: RECONCILIATION_CLASSES }).notNull(),
    key: text('key').notNull(),
    /** `fixed` automatically, `open` for staff, `resolved` by staff, `in_flight` re-checked next run. */
    status: text('status', { enum: ['fixed', 'open', 'resolved', 'in_flight'] }).notNull(),
    bookingId: uuid('booking_id'),
    slotId: bigint('slot_id', { mode: 'number' }),
    holdId: uuid('hold_id'),
    callSid: text('call_sid'),
    channel: text('channel'),
    feedRowId: bigint('feed_row_id', { mode: 'number' }),
    hallId: text('hall_id'),
    serviceId: text('service_id'),
    day: date('day', { mode: 'string' }),
    idMasked: text('id_masked'),
    phoneMasked: text('phone_masked'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    uniqueIndex('reconciliation_items_run_key_idx').on(t.runId, t.key),
    index('reconciliation_items_run_class_idx').on(t.runId, t.class, t.status),
  ],
);

/** Staff marked a difference resolved, with a note; later runs show it as resolved. */
export const reconciliationResolutions = pgTable(
  'reconciliation_resolutions',
  {
    key: text('key').primaryKey(),
    itemId: bigint('item_id', { mode: 'number' }).notNull(),
    note: text('note').notNull(),
    resolvedBy: text('resolved_by').notNull(),
    resolvedAt: ts('resolved_at').notNull(),
  },
  (t) => [index('reconciliation_resolutions_item_idx').on(t.itemId)],
);
