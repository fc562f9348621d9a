import { and, asc, eq, inArray, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import { queryRows, tableRows, type Executor } from '../platform/db.js';
import { instant } from './sql-time.js';
import { bookingEvents, bookings, PLACE_STATUSES } from './booking-tables.js';

export type BookingRow = typeof bookings.$inferSelect;
export type NewBooking = typeof bookings.$inferInsert;

const ACTIVE = ['confirmed', 'checked_in'] as const;

/** What a new booking is made of; the rest (id, status, created at) the table fills in. */
export type BookingInsert = Pick<
  NewBooking,
  | 'code'
  | 'slotId'
  | 'hallId'
  | 'serviceId'
  | 'day'
  | 'startsAt'
  | 'endsAt'
  | 'channel'
  | 'madeBy'
  | 'hotlineNumber'
  | 'name'
  | 'phone'
  | 'idHash'
  | 'idMasked'
>;

/** Inserts a booking unless its code is taken (then undefined: draw another code). Written as SQL: it is on every booking's path (see tableRows). */
export async function insertBooking(
  db: Executor,
  b: BookingInsert,
): Promise<BookingRow | undefined> {
  const rows = await queryRows(
    db,
    sql`insert into bookings (code, slot_id, hall_id, service_id, day, starts_at, ends_at, channel, made_by, hotline_number, name, phone, id_hash, id_masked)
        values (${b.code}, ${b.slotId}, ${b.hallId}, ${b.serviceId}, ${b.day}, ${instant(b.startsAt)}, ${instant(b.endsAt)}, ${b.channel}, ${b.madeBy},
                ${b.hotlineNumber ?? null}, ${b.name ?? ''}, ${b.phone}, ${b.idHash}, ${b.idMasked})
        on conflict (code) do nothing
        returning *`,
  );
  return tableRows(bookings, rows)[0];
}

export async function findBooking(db: Executor, id: string): Promise<BookingRow | undefined> {
  const [row] = await db.select().from(bookings).where(eq(bookings.id, id));
  return row;
}

export async function findBookingByCode(
  db: Executor,
  code: string,
): Promise<BookingRow | undefined> {
  const [row] = await db.select().from(bookings).where(eq(bookings.code, code));
  return row;
}

/** Locks a booking row for a change of status or slot. */
export async function lockBooking(db: Executor, id: string): Promise<BookingRow | undefined> {
  const [row] = await db.select().from(bookings).where(eq(bookings.id, id)).for('update');
  return row;
}

/** Upcoming active bookings made with a phone number, soonest first. */
export async function listUpcomingByPhone(
  db: Executor,
  phone: string,
  now: Date,
  limit: number,
): Promise<BookingRow[]> {
  return db
    .select()
    .from(bookings)
    .where(
      and(
        eq(bookings.phone, phone),
        eq(bookings.status, 'confirmed'),
        sql`${bookings.startsAt} > ${instant(now)}`,
      ),
    )
    .orderBy(asc(bookings.startsAt))
    .limit(limit);
}

export async function updateBooking(
  db: Executor,
  id: string,
  values: Partial<NewBooking>,
): Promise<BookingRow> {
  const [row] = await db.update(bookings).set(values).where(eq(bookings.id, id)).returning();
  return row!;
}

/**
 * Claims the reminder of a booking on `slotId` (still confirmed, not yet reminded): true for
 * exactly one claimant, so a reminder restored after a Redis loss is never sent twice.
 */
export async function claimReminder(
  db: Executor,
  id: string,
  slotId: number,
  at: Date,
): Promise<boolean> {
  const rows = await db
    .update(bookings)
    .set({ reminderSentAt: at })
    .where(
      and(
        eq(bookings.id, id),
        eq(bookings.slotId, slotId),
        eq(bookings.status, 'confirmed'),
        isNull(bookings.reminderSentAt),
      ),
    )
    .returning({ id: bookings.id });
  return rows.length > 0;
}

/** Gives a claimed reminder back (the SMS could not be sent), so that a retry or a rebuild sends it. */
export async function releaseReminderClaim(db: Executor, id: string, at: Date): Promise<void> {
  await db
    .update(bookings)
    .set({ reminderSentAt: null })
    .where(and(eq(bookings.id, id), eq(bookings.reminderSentAt, at)));
}

/** Confirmed bookings still ahead whose reminder has not gone out, by id after `afterId` (keyset pages). */
export async function listUnremindedBookings(
  db: Executor,
  now: Date,
  afterId: string | undefined,
  limit: number,
): Promise<BookingRow[]> {
  return db
    .select()
    .from(bookings)
    .where(
      and(
        eq(bookings.status, 'confirmed'),
        isNull(bookings.reminderSentAt),
        sql`${bookings.startsAt} > ${instant(now)}`,
        afterId ? sql`${bookings.id} > ${afterId}` : undefined,
      ),
    )
    .orderBy(asc(bookings.id))
    .limit(limit);
}

/** Times of a person's no-shows since `since`, newest first. */
export async function listNoShowTimes(db: Executor, idHash: string, since: Date): Promise<Date[]> {
  // Written as SQL: every booking reads them (see tableRows).
  const rows = await queryRows<{ at: string }>(
    db,
    sql`select no_show_at as at from bookings
        where id_hash = ${idHash} and status = 'no_show' and no_show_at is not null and no_show_at >= ${instant(since)}
        order by no_show_at desc`,
  );
  return rows.map((r) => bookings.noShowAt.mapFromDriverValue(r.at) as Date);
}

/** Marks confirmed bookings whose slot ended before `endedBefore` as no-shows; returns them. */
export async function markNoShows(
  db: Executor,
  endedBefore: Date,
  now: Date,
  limit: number,
): Promise<BookingRow[]> {
  const due = db
    .select({ id: bookings.id })
    .from(bookings)
    .where(and(eq(bookings.status, 'confirmed'), lt(bookings.endsAt, endedBefore)))
    .limit(limit)
    .for('update', { skipLocked: true });
  return db
    .update(bookings)
    .set({ status: 'no_show', noShowAt: now })
    .where(inArray(bookings.id, due))
    .returning();
}

/** Active bookings of a slot in the order they were made. */
export async function listSlotBookings(db: Executor, slotId: number): Promise<BookingRow[]> {
  return db
    .select()
    .from(bookings)
    .where(and(eq(bookings.slotId, slotId), inArray(bookings.status, [...PLACE_STATUSES])))
    .orderBy(asc(bookings.createdAt), asc(bookings.id));
}

export async function setFlag(
  db: Executor,
  ids: string[],
  flag: NonNullable<BookingRow['flag']>,
  at: Date,
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(bookings)
    .set({ flag, flaggedAt: at, flagResolvedAt: null })
    .where(inArray(bookings.id, ids));
}

export async function resolveFlags(db: Executor, ids: string[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  await db.update(bookings).set({ flagResolvedAt: at }).where(inArray(bookings.id, ids));
}

/** Bookings flagged for follow-up and not yet resolved, by hall (or all), oldest first. */
export async function listFlagged(db: Executor, hallId?: string): Promise<BookingRow[]> {
  return db
    .select()
    .from(bookings)
    .where(
      and(
        isNotNull(bookings.flag),
        isNull(bookings.flagResolvedAt),
        inArray(bookings.status, [...ACTIVE]),
        hallId ? eq(bookings.hallId, hallId) : undefined,
      ),
    )
    .orderBy(asc(bookings.startsAt));
}

export async function insertEvent(
  db: Executor,
  event: Omit<typeof bookingEvents.$inferInsert, 'id'>,
): Promise<void> {
  // Written as SQL: every booking writes one (see tableRows).
  await db.execute(
    sql`insert into booking_events (booking_id, event, actor, at, details)
        values (${event.bookingId}, ${event.event}, ${event.actor}, ${instant(event.at)}, ${JSON.stringify(event.details ?? {})}::jsonb)`,
  );
}

export async function listEvents(
  db: Executor,
  bookingId: string,
): Promise<Array<typeof bookingEvents.$inferSelect>> {
  return db
    .select()
    .from(bookingEvents)
    .where(eq(bookingEvents.bookingId, bookingId))
    .orderBy(asc(bookingEvents.id));
}
