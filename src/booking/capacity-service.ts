import { DateTime } from 'luxon';
import type { WorkCalendar } from '../calendar/index.js';
import type { Catalogue } from '../catalogue/index.js';
import { ZONE, type Clock } from '../platform/clock.js';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db.js';
import { ValidationError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import { limitedCapacity, phoneReserve, slotCapacity, slotTimes } from './capacity-rules.js';
import { syncFlags } from './flag-sync.js';
import * as holdRows from './slot-hold-repository.js';
import * as slots from './slot-repository.js';
import type { CapacityLimitRow, NewSlot, SlotRow } from './slot-repository.js';
import { FIRST_DAY, freeText, isCalendarDay, LAST_DAY } from '../platform/input-schemas.js';
import { parseInput } from '../platform/http.js';

export interface CapacityServiceDeps {
  db: Database;
  catalogue: Catalogue;
  calendar: WorkCalendar;
  clock: Clock;
  config: Config;
  logger: Logger;
}

/** What a reconciliation changed. */
export interface ReconcileResult {
  slots: number;
  changed: number;
  flagged: number;
  holdsReleased: number;
}

function assertRange(from: string, to: string): void {
  if (!isCalendarDay(from))
    throw new ValidationError(
      `from must be a date as YYYY-MM-DD between ${FIRST_DAY} and ${LAST_DAY}`,
    );
  if (!isCalendarDay(to))
    throw new ValidationError(
      `to must be a date as YYYY-MM-DD between ${FIRST_DAY} and ${LAST_DAY}`,
    );
  if (to < from) throw new ValidationError('to must not be before from');
}

function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (
    let d = DateTime.fromISO(from, { zone: ZONE });
    d.toISODate()! <= to;
    d = d.plus({ days: 1 })
  )
    out.push(d.toISODate()!);
  return out;
}

/** Slots: released by a daily job over working days, capacity from the counters, lowered by staff. */
export type CapacityService = ReturnType<typeof createCapacityService>;

export function createCapacityService(deps: CapacityServiceDeps) {
  const { db, catalogue, calendar, clock, config } = deps;
  const settings = config.booking;
  const log = deps.logger.child({ component: 'booking' });

  /** Whether the hall receives citizens that day; never on a date whose year no holiday source covers. */
  const hallOpen = (hallId: string, day: string) =>
    calendar.coverage(Number(day.slice(0, 4))) !== 'none' && calendar.hallDay(hallId, day).open;
  /** hallOpen asked once per hall and day within one pass over many slots. */
  const hallOpenOnce = () => {
    const known = new Map<string, boolean>();
    return (hallId: string, day: string) => {
      const key = `${hallId}|${day}`;
      let open = known.get(key);
      if (open === undefined) known.set(key, (open = hallOpen(hallId, day)));
      return open;
    };
  };

  const percentsFor = (limits: readonly CapacityLimitRow[], serviceId: string, day: string) =>
    limits
      .filter(
        (l) =>
          (l.serviceId === null || l.serviceId === serviceId) &&
          l.startsOn <= day &&
          day <= l.endsOn,
      )
      .map((l) => l.percent);

  /** The last local date whose slots are released at `now`: the horizon counts from today once the release time has passed. */
  function lastReleasedDay(now: Date): { today: string; last: string } {
    const local = DateTime.fromJSDate(now, { zone: ZONE });
    const released = local.toFormat('HH:mm') >= settings.releaseTime;
    return {
      today: local.toISODate()!,
      last: local
        .plus({ days: released ? settings.horizonDays : settings.horizonDays - 1 })
        .toISODate()!,
    };
  }

  /**
   * Applies the capacity a slot should have now (calendar and staff limits) in one locked
   * transaction: holds beyond it are released, bookings beyond it become overflow and are
   * flagged for follow-up, never deleted.
   */
  async function applyCapacity(
    slot: SlotRow,
    base: number,
    target: number,
    closed: boolean,
  ): Promise<{ changed: boolean; flagged: number; holdsReleased: number }> {
    const unchanged =
      slot.baseCapacity === base &&
      slot.capacity === target &&
      slot.closed === closed &&
      slot.overflow === Math.max(slot.booked - target, 0) &&
      slot.phoneReserved === phoneReserve(target, settings.phoneShare);
    if (unchanged) return { changed: false, flagged: 0, holdsReleased: 0 };
    return db.transaction(async (tx) => {
      const locked = (await slots.lockSlot(tx, slot.id))!;
      const now = clock.now();
      const overflow = Math.max(locked.booked - target, 0);
      const allowedHolds = Math.max(target - locked.booked, 0);
      const excess = await holdRows.listNewestActiveHolds(
        tx,
        locked.id,
        locked.held - allowedHolds,
      );
      for (const hold of excess) {
        if (await holdRows.endHold(tx, hold.id, 'released', now))
          await slots.releaseHeldPlace(tx, locked.id, hold.channel);
      }
      const values = {
        baseCapacity: base,
        capacity: target,
        phoneReserved: phoneReserve(target, settings.phoneShare),
        overflow,
        closed,
      };
      await slots.updateSlotCapacity(tx, locked.id, values);
      const flags = await syncFlags(tx, { ...locked, ...values }, now);
      return { changed: true, flagged: flags.flagged, holdsReleased: excess.length };
    });
  }

  /**
   * Brings the future slots of a hall between two local dates in line with the catalogue
   * (counters and minutes), the calendar (closures, holidays) and the staff limits. Called
   * by the release job (daily and every 10 minutes), after every capacity change, and by
   * `capacity:reconcile` after a hall closure is entered in the calendar. Returns what changed.
   */
  async function reconcileCapacity(
    hallId: string,
    from: string,
    to: string,
  ): Promise<ReconcileResult> {
    assertRange(from, to);
    const rows = await slots.listSlots(db, {
      hallId,
      fromDay: from,
      toDay: to,
      startsAfter: clock.now(),
    });
    const limits = await slots.listCapacityLimits(db, hallId, from, to);
    const open = hallOpenOnce();
    const result: ReconcileResult = {
      slots: rows.length,
      changed: 0,
      flagged: 0,
      holdsReleased: 0,
    };
    for (const slot of rows) {
      const opened = open(hallId, slot.day);
      // Counters or minutes changed in the catalogue (or the service stopped taking bookings) reach existing slots too.
      const place = catalogue.service(slot.serviceId);
      const base = place?.service.bookable ? slotCapacity(place.hall, place.service) : 0;
      const applied = await applyCapacity(
        slot,
        base,
        limitedCapacity(base, percentsFor(limits, slot.serviceId, slot.day), opened),
        !opened,
      );
      if (applied.changed) result.changed += 1;
      result.flagged += applied.flagged;
      result.holdsReleased += applied.holdsReleased;
    }
    if (result.changed > 0) log.info({ hallId, from, to, ...result }, 'slot capacity reconciled');
    return result;
  }

  return {
    reconcileCapacity,
    lastReleasedDay,

    /**
     * The daily release: creates the slots of every bookable service over the open days from
     * today to the horizon (idempotent), then reconciles the existing ones.
     */
    async releaseSlots(): Promise<{ created: number; reconciled: ReconcileResult }> {
      const { today, last } = lastReleasedDay(clock.now());
      let created = 0;
      const reconciled: ReconcileResult = { slots: 0, changed: 0, flagged: 0, holdsReleased: 0 };
      for (const hall of catalogue.halls) {
        const limits = await slots.listCapacityLimits(db, hall.id, today, last);
        const rows: NewSlot[] = [];
        for (const day of daysBetween(today, last)) {
          if (!hallOpen(hall.id, day)) continue;
          const times = slotTimes(hall.hours, hall.slotMinutes, day).filter(
            (t) => t.startsAt > clock.now(),
          );
          for (const service of hall.departments.flatMap((d) => d.services)) {
            const base = service.bookable ? slotCapacity(hall, service) : 0;
            if (base <= 0) continue;
            const capacity = limitedCapacity(base, percentsFor(limits, service.id, day), true);
            for (const t of times) {
              rows.push({
                hallId: hall.id,
                serviceId: service.id,
                day,
                ...t,
                baseCapacity: base,
                capacity,
                phoneReserved: phoneReserve(capacity, settings.phoneShare),
                releasedAt: clock.now(),
              });
            }
          }
        }
        // Only the slots missing (usually the day the horizon reached): the others are there.
        const existing = await slots.listSlotStarts(db, hall.id, today, last);
        created += await slots.insertSlots(
          db,
          rows.filter((row) => !existing.has(`${row.serviceId}|${row.startsAt.getTime()}`)),
        );
        const result = await reconcileCapacity(hall.id, today, last);
        reconciled.slots += result.slots;
        reconciled.changed += result.changed;
        reconciled.flagged += result.flagged;
        reconciled.holdsReleased += result.holdsReleased;
      }
      log.info({ today, last, created, ...reconciled }, 'slots released');
      return { created, reconciled };
    },

    /**
     * Lowers capacity for a date range (crowd control) to `percent` of normal, or closes the
     * days with 0, for a hall or one of its services; bookings that no longer fit are flagged.
     */
    async limitCapacity(input: {
      hallId: string;
      serviceId?: string | undefined;
      from: string;
      to: string;
      percent: number;
      reason: string;
      createdBy: string;
    }): Promise<{ limit: CapacityLimitRow; result: ReconcileResult }> {
      assertRange(input.from, input.to);
      if (!catalogue.hall(input.hallId)) throw new ValidationError(`no such hall: ${input.hallId}`);
      if (input.serviceId && catalogue.service(input.serviceId)?.hall.id !== input.hallId)
        throw new ValidationError(`no service ${input.serviceId} in hall ${input.hallId}`);
      if (!Number.isInteger(input.percent) || input.percent < 0 || input.percent > 100)
        throw new ValidationError('percent must be a whole number from 0 to 100');
      const reason = parseInput(freeText(200), input.reason, 'reason');
      const limit = await slots.insertCapacityLimit(db, {
        hallId: input.hallId,
        serviceId: input.serviceId ?? null,
        startsOn: input.from,
        endsOn: input.to,
        percent: input.percent,
        reason,
        createdBy: input.createdBy,
      });
      return { limit, result: await reconcileCapacity(input.hallId, input.from, input.to) };
    },

    /** Removes a limit and gives the capacity back (flags of bookings that fit again are resolved). */
    async removeLimit(id: number): Promise<ReconcileResult | undefined> {
      const removed = await slots.deleteCapacityLimit(db, id);
      return removed
        ? reconcileCapacity(removed.hallId, removed.startsOn, removed.endsOn)
        : undefined;
    },

    /** Limits in force today or later, every hall. */
    listLimits: () =>
      slots.listCapacityLimitsFrom(
        db,
        DateTime.fromJSDate(clock.now(), { zone: ZONE }).toISODate()!,
      ),

    listSlots: (filter: { hallId: string; serviceId?: string; fromDay: string; toDay: string }) =>
      slots.listSlots(db, { ...filter, startsAfter: clock.now() }),
    findSlot: (id: number) => slots.findSlot(db, id),
    inconsistentSlots: (ids?: number[]) => slots.listInconsistentSlots(db, ids),
  };
}
