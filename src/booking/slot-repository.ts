import { and, asc, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import { queryRows, tableRows, type Executor } from '../platform/db.js';
import { instant } from './sql-time.js';
import { bookingSlots, capacityLimits, type BookingChannel } from './booking-tables.js';

export type SlotRow = typeof bookingSlots.$inferSelect;
export type NewSlot = typeof bookingSlots.$inferInsert;
export type CapacityLimitRow = typeof capacityLimits.$inferSelect;

/** The phone channels share the reserved quota. */
export const isPhoneChannel = (channel: BookingChannel): boolean =>
  channel === 'phone' || channel === 'ivr';

/** What a channel may take from a slot at `now`, and when the phone share opens to everyone. */
export interface PlaceRequest {
  slotId: number;
  channel: BookingChannel;
  now: Date;
  /** Hours before the slot when its phone share opens to every channel. */
  phoneShareHours: number;
}

const one = (flag: boolean) => (flag ? 1 : 0);

/**
 * The condition under which one more place may be taken: the slot is open, in the future, and
 * bookings plus holds plus the phone places still reserved (for other channels, until the
 * share opens) stay below capacity. Evaluated by PostgreSQL on the locked row.
 */
function hasPlace(request: PlaceRequest) {
  const now = instant(request.now);
  const reserve = isPhoneChannel(request.channel)
    ? sql`0`
    : sql`case when starts_at - make_interval(hours => ${request.phoneShareHours}) <= ${now} then 0
        else greatest(phone_reserved - phone_booked - phone_held, 0) end`;
  return sql`id = ${request.slotId} and not closed and starts_at > ${now} and booked + held + ${reserve} < capacity`;
}

// Taking a place is on every booking's and every hold's path: written as SQL (see tableRows).

/** Takes one place for a booking in one conditional UPDATE; undefined when there is none. */
export async function takePlace(db: Executor, request: PlaceRequest): Promise<SlotRow | undefined> {
  const phone = one(isPhoneChannel(request.channel));
  const rows = await queryRows(
    db,
    sql`update booking_slots set booked = booked + 1, phone_booked = phone_booked + ${phone} where ${hasPlace(request)} returning *`,
  );
  return tableRows(bookingSlots, rows)[0];
}

/** Takes one place for a hold in one conditional UPDATE; undefined when there is none. */
export async function holdPlace(db: Executor, request: PlaceRequest): Promise<SlotRow | undefined> {
  const phone = one(isPhoneChannel(request.channel));
  const rows = await queryRows(
    db,
    sql`update booking_slots set held = held + 1, phone_held = phone_held + ${phone} where ${hasPlace(request)} returning *`,
  );
  return tableRows(bookingSlots, rows)[0];
}

/** Turns a held place into a booked one (the hold was claimed in the same transaction). */
export async function bookHeldPlace(
  db: Executor,
  slotId: number,
  channel: BookingChannel,
): Promise<SlotRow> {
  const phone = one(isPhoneChannel(channel));
  const [row] = await db
    .update(bookingSlots)
    .set({
      held: sql`${bookingSlots.held} - 1`,
      phoneHeld: sql`${bookingSlots.phoneHeld} - ${phone}`,
      booked: sql`${bookingSlots.booked} + 1`,
      phoneBooked: sql`${bookingSlots.phoneBooked} + ${phone}`,
    })
    .where(eq(bookingSlots.id, slotId))
    .returning();
  return row!;
}

/** Gives a held place back (the hold was ended in the same transaction). */
export async function releaseHeldPlace(
  db: Executor,
  slotId: number,
  channel: BookingChannel,
): Promise<void> {
  const phone = one(isPhoneChannel(channel));
  await db
    .update(bookingSlots)
    .set({
      held: sql`${bookingSlots.held} - 1`,
      phoneHeld: sql`${bookingSlots.phoneHeld} - ${phone}`,
    })
    .where(eq(bookingSlots.id, slotId));
}

/**
 * Gives a booked place back. While the slot has overflow (bookings beyond a lowered
 * capacity), the freed place absorbs one of them instead of reopening.
 */
export async function releaseBookedPlace(
  db: Executor,
  slotId: number,
  channel: BookingChannel,
): Promise<SlotRow> {
  const phone = one(isPhoneChannel(channel));
  const [row] = await db
    .update(bookingSlots)
    .set({
      booked: sql`${bookingSlots.booked} - 1`,
      phoneBooked: sql`${bookingSlots.phoneBooked} - ${phone}`,
      overflow: sql`greatest(${bookingSlots.overflow} - 1, 0)`,
    })
    .where(eq(bookingSlots.id, slotId))
    .returning();
  return row!;
}

export async function findSlot(db: Executor, id: number): Promise<SlotRow | undefined> {
  // Written as SQL: every booking reads its slot (see tableRows).
  return tableRows(
    bookingSlots,
    await queryRows(db, sql`select * from booking_slots where id = ${id}`),
  )[0];
}

/** Locks a slot row for a capacity change. */
export async function lockSlot(db: Executor, id: number): Promise<SlotRow | undefined> {
  const [row] = await db.select().from(bookingSlots).where(eq(bookingSlots.id, id)).for('update');
  return row;
}

export async function updateSlotCapacity(
  db: Executor,
  id: number,
  values: Pick<SlotRow, 'baseCapacity' | 'capacity' | 'phoneReserved' | 'overflow' | 'closed'>,
): Promise<void> {
  await db.update(bookingSlots).set(values).where(eq(bookingSlots.id, id));
}

/** Inserts released slots; existing ones (same service and start) are left as they are. */
export async function insertSlots(db: Executor, rows: NewSlot[]): Promise<number> {
  let inserted = 0;
  // Chunks keep each statement well under PostgreSQL's 65,535 parameters.
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = await db
      .insert(bookingSlots)
      .values(rows.slice(i, i + 1000))
      .onConflictDoNothing()
      .returning({ id: bookingSlots.id });
    inserted += chunk.length;
  }
  return inserted;
}

/** The slots a hall already has between two local dates, as `serviceId|startsAt (epoch ms)`. */
export async function listSlotStarts(
  db: Executor,
  hallId: string,
  fromDay: string,
  toDay: string,
): Promise<Set<string>> {
  const rows = await queryRows<{ key: string }>(
    db,
    sql`select service_id || '|' || (extract(epoch from starts_at) * 1000)::bigint as key from booking_slots
        where hall_id = ${hallId} and day >= ${fromDay}::date and day <= ${toDay}::date`,
  );
  return new Set(rows.map((row) => row.key));
}

/** Slots of a service (or a whole hall) between two local dates, in time order. */
export async function listSlots(
  db: Executor,
  filter: {
    hallId: string;
    serviceId?: string;
    fromDay: string;
    toDay: string;
    startsAfter?: Date;
  },
): Promise<SlotRow[]> {
  return db
    .select()
    .from(bookingSlots)
    .where(
      and(
        eq(bookingSlots.hallId, filter.hallId),
        filter.serviceId ? eq(bookingSlots.serviceId, filter.serviceId) : undefined,
        gte(bookingSlots.day, filter.fromDay),
        lte(bookingSlots.day, filter.toDay),
        filter.startsAfter
          ? sql`${bookingSlots.startsAt} > ${instant(filter.startsAfter)}`
          : undefined,
      ),
    )
    .orderBy(asc(bookingSlots.startsAt), asc(bookingSlots.serviceId));
}

export async function insertCapacityLimit(
  db: Executor,
  limit: Omit<typeof capacityLimits.$inferInsert, 'id' | 'createdAt'>,
): Promise<CapacityLimitRow> {
  const [row] = await db.insert(capacityLimits).values(limit).returning();
  return row!;
}

export async function deleteCapacityLimit(
  db: Executor,
  id: number,
): Promise<CapacityLimitRow | undefined> {
  const [row] = await db.delete(capacityLimits).where(eq(capacityLimits.id, id)).returning();
  return row;
}

/** Limits of a hall that overlap a date range. */
/** Limits that end on `fromDay` or later, every hall, by first day. */
export async function listCapacityLimitsFrom(
  db: Executor,
  fromDay: string,
): Promise<CapacityLimitRow[]> {
  return db
    .select()
    .from(capacityLimits)
    .where(gte(capacityLimits.endsOn, fromDay))
    .orderBy(asc(capacityLimits.startsOn), asc(capacityLimits.id));
}

export async function listCapacityLimits(
  db: Executor,
  hallId: string,
  fromDay: string,
  toDay: string,
): Promise<CapacityLimitRow[]> {
  return db
    .select()
    .from(capacityLimits)
    .where(
      and(
        eq(capacityLimits.hallId, hallId),
        lte(capacityLimits.startsOn, toDay),
        gte(capacityLimits.endsOn, fromDay),
      ),
    );
}

/** Slots whose counters disagree with their bookings and holds (should always be empty). */
export async function listInconsistentSlots(
  db: Executor,
  slotIds?: number[],
): Promise<
  Array<{ id: number; booked: number; counted: number; held: number; countedHeld: number }>
> {
  const rows = await db
    .select({
      id: bookingSlots.id,
      booked: bookingSlots.booked,
      held: bookingSlots.held,
      counted: sql<number>`(select count(*)::int from bookings b where b.slot_id = booking_slots.id and b.status in ('confirmed', 'checked_in', 'no_show'))`,
      countedHeld: sql<number>`(select count(*)::int from booking_holds h where h.slot_id = booking_slots.id and h.status = 'active')`,
    })
    .from(bookingSlots)
    .where(slotIds ? inArray(bookingSlots.id, slotIds) : undefined);
  return rows.filter((r) => r.booked !== r.counted || r.held !== r.countedHeld);
}
