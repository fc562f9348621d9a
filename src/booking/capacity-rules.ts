import { DateTime } from 'luxon';
import type { Hall, Service } from '../catalogue/index.js';
import { ZONE } from '../platform/clock.js';

/**
 * Places per slot for a service in a hall: `windows × floor(slotMinutes / minutes)`.
 *
 * Each open counter (window) of the service receives citizens back to back; in a slot of
 * `slotMinutes` one counter completes `floor(slotMinutes / minutes)` whole citizens (a citizen
 * is not split across slots, so the remainder is slack, not a fraction of a place), and the
 * counters work in parallel. Example: 4 counters, 20-minute items, 30-minute slots: 4 × 1 = 4.
 * A service whose item takes longer than a slot gets 0 and opens no slots.
 */
export function slotCapacity(
  hall: Pick<Hall, 'slotMinutes'>,
  service: Pick<Service, 'windows' | 'minutes'>,
): number {
  return service.windows * Math.floor(hall.slotMinutes / service.minutes);
}

/** Places of a slot kept for the phone channels: the configured share, rounded down. */
export function phoneReserve(capacity: number, share: number): number {
  return Math.floor(capacity * share + 1e-9);
}

/** The slots of a hall on a local date: each session cut into `slotMinutes` pieces that fit entirely. */
export function slotTimes(
  sessions: Hall['hours'],
  slotMinutes: number,
  date: string,
): Array<{ startsAt: Date; endsAt: Date }> {
  const out: Array<{ startsAt: Date; endsAt: Date }> = [];
  const day = DateTime.fromISO(date, { zone: ZONE });
  for (const session of sessions) {
    const [fh, fm] = session.from.split(':').map(Number) as [number, number];
    const [th, tm] = session.to.split(':').map(Number) as [number, number];
    const end = day.set({ hour: th, minute: tm, second: 0, millisecond: 0 });
    for (
      let start = day.set({ hour: fh, minute: fm, second: 0, millisecond: 0 });
      start.plus({ minutes: slotMinutes }) <= end;
      start = start.plus({ minutes: slotMinutes })
    ) {
      out.push({
        startsAt: start.toJSDate(),
        endsAt: start.plus({ minutes: slotMinutes }).toJSDate(),
      });
    }
  }
  return out;
}

/** Capacity after crowd control: the smallest percent among the limits in force, rounded down; 0 when closed. */
export function limitedCapacity(base: number, percents: readonly number[], open: boolean): number {
  if (!open) return 0;
  const percent = percents.length > 0 ? Math.min(...percents) : 100;
  return Math.floor((base * percent) / 100);
}

/** ISO 8601 in Asia/Shanghai with the +08:00 offset, as every API answer gives times. */
export function isoLocal(at: Date): string {
  return DateTime.fromJSDate(at, { zone: ZONE }).toISO({ suppressMilliseconds: true })!;
}
