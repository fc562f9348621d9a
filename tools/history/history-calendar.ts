import { randomInt, randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { protectIdNumber, type Actor } from '../../src/booking/index.js';
import { ZONE } from '../../src/platform/clock.js';
import { queryRows, sql } from '../../src/platform/db.js';
import type { PlayingRuntime } from './booking-player.js';
import { loadCalendarState, type CalendarState, type Slot } from './history-calendar-state.js';
import { addRows, type DayRows, type Row } from './history-rows.js';
import type { PlannedBooking } from './history-script.js';

/** The counters a day moved on a slot, written in one statement with the day's rows. */
export interface SlotDelta extends Row {
  id: number;
  booked: number;
  phone_booked: number;
  held: number;
  phone_held: number;
}

const isPhone = (channel: string) => channel === 'phone' || channel === 'ivr';
const DAY_MS = 86_400_000;

/**
 * The shared calendar for one written day, in memory: the slots of the next two weeks with their
 * counters as the database has them, the people's active bookings and no-shows, and every
 * booking code in use. It books as the booking service does (booking-make-service.ts,
 * slot-repository.ts `hasPlace`, slot-hold-service.ts) and as the player asks it to
 * (booking-player.ts `bookPlanned`): the first slot with a place from the planned day on, over a
 * week; the phone channels' reserved share kept from other channels until it opens; one active
 * booking per person, service and day; the no-show rule. The rows it makes go into the day's rows;
 * the history writer test holds them equal to what the player makes through the service.
 */
export class HistoryCalendar {
  private readonly deltas = new Map<number, SlotDelta>();
  private readonly byService: Map<string, Slot[]>;
  private readonly active: Set<string>;
  private readonly noShows: Map<string, number[]>;

  private constructor(
    private readonly runtime: PlayingRuntime,
    private readonly codes: Set<string>,
    state: CalendarState,
  ) {
    ({ byService: this.byService, active: this.active, noShows: this.noShows } = state);
  }

  /** Every booking code in use: read once per run, kept up to date as the writer books. */
  static async codesInUse(runtime: PlayingRuntime): Promise<Set<string>> {
    const rows = await queryRows<{ code: string }>(
      runtime.database.db,
      sql`select code from bookings`,
    );
    return new Set(rows.map((row) => row.code));
  }

  /** The calendar from `day` on, as the database has it after the morning's slots were released. */
  static async load(
    runtime: PlayingRuntime,
    day: string,
    codes: Set<string>,
  ): Promise<HistoryCalendar> {
    return new HistoryCalendar(runtime, codes, await loadCalendarState(runtime, day));
  }

  /** The counters this day moved, slot by slot. */
  slotDeltas(): SlotDelta[] {
    return [...this.deltas.values()];
  }

  /**
   * Books a planned booking at `at` for `actor` (`call` is the call an agent or the IVR books
   * on): the rows go into `rows`; undefined when the week has no place or the person already
   * holds a booking there, as the player gives up.
   */
  book(
    rows: DayRows,
    planned: PlannedBooking,
    actor: Actor,
    at: Date,
    call?: { callSid: string; hotlineNumber?: string | undefined },
  ): { id: string; code: string } | undefined {
    const place = this.runtime.catalogue.service(planned.serviceId);
    if (!place) return undefined;
    const now = at.getTime();
    const first = DateTime.fromJSDate(at, { zone: ZONE }).plus({ days: planned.daysAhead });
    const from = first.toISODate()!;
    const to = first.plus({ days: 6 }).toISODate()!;
    const settings = this.runtime.config.booking;
    const identity = protectIdNumber(planned.person.idNumber, settings.idHashKey);
    for (const slot of this.byService.get(planned.serviceId) ?? []) {
      if (slot.day < from || slot.day > to || slot.startsAt <= now) continue;
      if (slot.booked + slot.held >= slot.capacity) continue;
      const iso = at.toISOString();
      let hold: string | undefined;
      if (actor.channel === 'ivr') {
        if (!this.hasPlace(slot, actor.channel, now)) continue;
        hold = randomUUID();
        this.move(slot, { held: 1, phoneHeld: 1 });
        addRows(rows, 'booking_holds', {
          id: hold,
          slot_id: slot.id,
          channel: 'ivr',
          holder: actor.id,
          status: 'active',
          expires_at: new Date(now + settings.holdMinutes * 60_000).toISOString(),
          created_at: iso,
        });
        this.ledger(rows, actor, call, iso, { action: 'hold', slot_id: slot.id, hold_id: hold });
      }
      if (this.suspended(identity.idHash, actor.channel, now))
        throw new Error(
          `the history's booking for ${planned.serviceId} meets the no-show rule: the player stops there too`,
        );
      const key = `${identity.idHash}|${slot.serviceId}|${slot.day}`;
      if (this.active.has(key)) {
        this.ledger(rows, actor, call, iso, {
          action: 'book',
          result: 'refused',
          error_code: 'duplicate_booking',
          slot_id: slot.id,
          hold_id: hold ?? null,
        });
        return undefined;
      }
      if (hold) {
        this.move(slot, { held: -1, phoneHeld: -1, booked: 1, phoneBooked: 1 });
        const holds = rows.get('booking_holds')!;
        Object.assign(holds[holds.length - 1]!, { status: 'confirmed', ended_at: iso });
      } else if (this.hasPlace(slot, actor.channel, now)) {
        const phone = isPhone(actor.channel) ? 1 : 0;
        this.move(slot, { booked: 1, phoneBooked: phone });
      } else continue;
      this.active.add(key);
      const id = randomUUID();
      const code = this.drawCode();
      addRows(rows, 'bookings', {
        id,
        code,
        slot_id: slot.id,
        hall_id: slot.hallId,
        service_id: slot.serviceId,
        day: slot.day,
        starts_at: slot.startsAtIso,
        ends_at: slot.endsAtIso,
        channel: actor.channel,
        made_by: actor.id,
        hotline_number: (actor.channel === 'ivr' && call?.hotlineNumber) || null,
        name: planned.person.name,
        phone: planned.person.phone,
        id_hash: identity.idHash,
        id_masked: identity.idMasked,
      });
      addRows(rows, 'booking_events', {
        booking_id: id,
        event: 'created',
        actor: actor.label,
        at: iso,
        details: { channel: actor.channel, slotId: slot.id, ...(hold ? { holdId: hold } : {}) },
      });
      this.ledger(rows, actor, call, iso, {
        action: 'book',
        slot_id: slot.id,
        booking_id: id,
        hold_id: hold ?? null,
      });
      return { id, code };
    }
    return undefined;
  }

  /** `hasPlace` of slot-repository.ts, on the counters in memory. */
  private hasPlace(slot: Slot, channel: string, now: number): boolean {
    const hours = this.runtime.config.booking.phoneShareHours;
    const reserve =
      isPhone(channel) || slot.startsAt - hours * 3_600_000 <= now
        ? 0
        : Math.max(slot.phoneReserved - slot.phoneBooked - slot.phoneHeld, 0);
    return !slot.closed && slot.startsAt > now && slot.booked + slot.held + reserve < slot.capacity;
  }

  /** The no-show rule of booking-make-service.ts `assertNotSuspended`. */
  private suspended(idHash: string, channel: string, now: number): boolean {
    if (channel === 'walk_in') return false;
    const rule = this.runtime.config.booking.noShowRule;
    const since = now - (rule.windowDays + rule.blockDays) * DAY_MS;
    const times = (this.noShows.get(idHash) ?? []).filter((t) => t >= since);
    for (let i = 0; i + rule.blockAfter - 1 < times.length; i += 1) {
      const newest = times[i]!;
      const oldest = times[i + rule.blockAfter - 1]!;
      if (newest - oldest <= rule.windowDays * DAY_MS && now < newest + rule.blockDays * DAY_MS)
        return true;
    }
    return false;
  }

  private move(
    slot: Slot,
    by: Partial<Record<'booked' | 'phoneBooked' | 'held' | 'phoneHeld', number>>,
  ): void {
    const delta = this.deltas.get(slot.id) ?? {
      id: slot.id,
      booked: 0,
      phone_booked: 0,
      held: 0,
      phone_held: 0,
    };
    slot.booked += by.booked ?? 0;
    slot.phoneBooked += by.phoneBooked ?? 0;
    slot.held += by.held ?? 0;
    slot.phoneHeld += by.phoneHeld ?? 0;
    delta.booked += by.booked ?? 0;
    delta.phone_booked += by.phoneBooked ?? 0;
    delta.held += by.held ?? 0;
    delta.phone_held += by.phoneHeld ?? 0;
    this.deltas.set(slot.id, delta);
  }

  /** A booking code no booking has: 8 digits, as booking-make-service.ts draws them. */
  private drawCode(): string {
    for (;;) {
      const code = String(randomInt(10_000_000, 100_000_000));
      if (!this.codes.has(code)) {
        this.codes.add(code);
        return code;
      }
    }
  }

  /** The phone ledger's entry for an IVR or an agent's action (phone-ledger-service.ts); other channels have none. */
  private ledger(
    rows: DayRows,
    actor: Actor,
    call: { callSid: string } | undefined,
    at: string,
    entry: Row,
  ): void {
    if (!isPhone(actor.channel)) return;
    addRows(rows, 'phone_ledger', {
      call_sid: actor.channel === 'ivr' ? actor.id : (call?.callSid ?? null),
      agent_id: actor.channel === 'phone' ? actor.id : null,
      channel: actor.channel,
      result: 'ok',
      error_code: null,
      booking_id: null,
      slot_id: null,
      hold_id: null,
      details: {},
      day: DateTime.fromISO(at, { zone: ZONE }).toISODate(),
      at,
      ...entry,
    });
  }
}
