import { DateTime } from 'luxon';
import type { WorkCalendar } from '../calendar/index.js';
import type { CallLedger } from '../calls/index.js';
import type { Catalogue } from '../catalogue/index.js';
import { ZONE, type Clock } from '../platform/clock.js';
import type { Config } from '../platform/config.js';
import { AppError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import type { Redis } from '../platform/redis.js';
import { checkIdNumber, normalizePhone, protectIdNumber } from './booking-identity.js';
import type { Actor } from './booking-service.js';
import { availableFor } from './booking-views.js';
import type { CapacityService } from './capacity-service.js';
import type { LedgeredBookingService } from './phone-ledger-service.js';

/** Half-days offered at a time on keys 1-8; 9 hears more dates up to the release horizon, 0 a person. */
export const CHOICES_PER_PAGE = 8;
/** Days of slots read at a time while a page of half-days is filled: a week covers a page, weekends included. */
const DAYS_PER_READ = 7;
/** A half-day as carried in a URL: 2026-12-04.am. */
export const halfDayCode = /^(\d{4}-\d{2}-\d{2})\.(am|pm)$/;

/** A mainland mobile number as keyed: 11 digits in an allocated mobile block. */
export const isKeyedMobile = (digits: string) =>
  /^1\d{10}$/.test(digits) && normalizePhone(digits)?.kind === 'mobile';

/** What the caller of an IVR booking is: the call, as the booking service records its actor. */
export const callerActor = (callSid: string): Actor => ({
  channel: 'ivr',
  id: callSid,
  label: `call:${callSid}`,
});

/** How a confirmation ended: booked (with the code), or refused with the calendar's reason. */
export type PhoneBookingResult =
  { booked: true; id: string; code: string; phone: string } | { booked: false; reason: string };

/**
 * Booking by phone, as the IVR's keypad flow uses it: the half-days a service still has a phone
 * place on, a hold on the first free slot of one, the caller's ID number, a mobile keyed for the
 * SMS (kept server-side for the rest of the call, never in a URL the provider logs), and the
 * confirmation through the booking service's rules.
 */
export function createPhoneBooking(deps: {
  booking: LedgeredBookingService;
  capacity: CapacityService;
  calendar: WorkCalendar;
  catalogue: Catalogue;
  ledger: Pick<CallLedger, 'markSelfServed'>;
  redis: Redis;
  clock: Clock;
  config: Config;
  logger: Logger;
}) {
  const { booking, capacity, calendar, ledger, redis, clock, config } = deps;
  const log = deps.logger.child({ component: 'booking-ivr' });
  const keyedMobileKey = (callSid: string, holdId: string) =>
    `${config.redisPrefix}:booking:ivr-mobile:${callSid}:${holdId}`;
  /** Long enough for the read-back and the confirmation, short enough that the number does not linger. */
  const keyedMobileSeconds = () => (config.booking.holdMinutes + 10) * 60;

  return {
    /**
     * One page of the half-days from `from` (default today, with its remaining slots) up to the
     * release horizon on which the service still has a place for phone bookings, in order
     * (2026-12-04.am, 2026-12-04.pm, ...), and the half-day the next page starts with. Reads a week of
     * slots at a time and stops once the page is full, not the whole horizon.
     */
    async offeredHalfDays(
      hallId: string,
      serviceId: string,
      from?: string,
    ): Promise<{ shown: string[]; next: string | undefined }> {
      const now = clock.now();
      const today = DateTime.fromJSDate(now, { zone: ZONE }).startOf('day');
      const horizon = today.plus({ days: config.booking.horizonDays });
      const first = from ? DateTime.fromISO(from.slice(0, 10), { zone: ZONE }) : today;
      const codes: string[] = [];
      for (
        let day = first < today ? today : first;
        day <= horizon && codes.length <= CHOICES_PER_PAGE;
        day = day.plus({ days: DAYS_PER_READ })
      ) {
        const last = DateTime.min(day.plus({ days: DAYS_PER_READ - 1 }), horizon);
        const slots = await capacity.listSlots({
          hallId,
          serviceId,
          fromDay: day.toISODate()!,
          toDay: last.toISODate()!,
        });
        for (const slot of slots) {
          const start = DateTime.fromJSDate(slot.startsAt, { zone: ZONE });
          const date = start.toISODate()!;
          if (calendar.coverage(start.year) === 'none' || !calendar.hallDay(hallId, date).open)
            continue;
          if (availableFor(slot, 'ivr', now, config.booking.phoneShareHours) <= 0) continue;
          const code = `${date}.${start.hour < 12 ? 'am' : 'pm'}`;
          // Codes sort as they are said (am before pm), so a page starting with an afternoon skips that morning.
          if (from && code < from) continue;
          if (!codes.includes(code)) codes.push(code);
        }
      }
      return { shown: codes.slice(0, CHOICES_PER_PAGE), next: codes[CHOICES_PER_PAGE] };
    },

    /** Holds the first slot of the half-day with a phone place left; undefined when another channel took them all. */
    async holdFirstFree(callSid: string, serviceId: string, code: string) {
      const [, day, half] = halfDayCode.exec(code)!;
      const hallId = deps.catalogue.service(serviceId)!.hall.id;
      const candidates = (
        await capacity.listSlots({ hallId, serviceId, fromDay: day!, toDay: day! })
      )
        .filter(
          (slot) =>
            DateTime.fromJSDate(slot.startsAt, { zone: ZONE }).hour < 12 === (half === 'am'),
        )
        .filter(
          (slot) => availableFor(slot, 'ivr', clock.now(), config.booking.phoneShareHours) > 0,
        );
      await booking.recordPhoneAction({
        actor: callerActor(callSid),
        action: 'search',
        result: candidates.length > 0 ? 'ok' : 'refused',
        details: { serviceId, day, half },
      });
      for (const slot of candidates) {
        try {
          return { hold: await booking.createHold(slot.id, callerActor(callSid)), slot };
        } catch (error) {
          // Another channel took the last place between the listing and the hold: try the next slot.
          if (!(error instanceof AppError) || error.code !== 'slot_full') throw error;
        }
      }
      return undefined;
    },

    /** The keyed ID number (`*` for X) onto the hold; false when it is not a valid one. */
    async setIdNumber(holdId: string, keyed: string): Promise<boolean> {
      const checked = checkIdNumber(
        keyed.replace(/\*/g, 'X'),
        DateTime.fromJSDate(clock.now(), { zone: ZONE }),
      );
      if (!checked.ok) return false;
      await booking.setHoldIdentity(
        holdId,
        protectIdNumber(checked.idNumber, config.booking.idHashKey),
      );
      return true;
    },

    rememberMobile: (callSid: string, holdId: string, digits: string) =>
      redis.set(keyedMobileKey(callSid, holdId), digits, 'EX', keyedMobileSeconds()),
    /** The mobile the caller keyed for this hold, if still kept and valid. */
    keyedMobile: async (callSid: string, holdId: string) => {
      const digits = (await redis.get(keyedMobileKey(callSid, holdId))) ?? '';
      return isKeyedMobile(digits) ? digits : undefined;
    },

    /**
     * Books the held slot for the caller (their keyed mobile, else the calling number): if the hold
     * ran out while they keyed, the same slot while a place is free. A refusal by the calendar's
     * rules comes back as its reason; anything else is thrown.
     */
    async confirm(
      call: { callSid: string; from: string; to: string },
      hold: { id: string; idHash: string; idMasked: string },
      slotId: number,
    ): Promise<PhoneBookingResult> {
      const actor = callerActor(call.callSid);
      const keyed = await this.keyedMobile(call.callSid, hold.id);
      const phone = keyed ? `+86${keyed}` : (normalizePhone(call.from)?.e164 ?? call.from);
      const request = {
        name: '',
        phone,
        identity: { idHash: hold.idHash, idMasked: hold.idMasked },
        hotlineNumber: call.to || undefined,
      };
      let outcome;
      try {
        outcome = await booking
          .createBooking({ ...request, holdId: hold.id }, actor, `ivr-${hold.id}`)
          .catch((error: unknown) => {
            if (!(error instanceof AppError) || error.code !== 'hold_expired') throw error;
            return booking.createBooking({ ...request, slotId }, actor, `ivr-${hold.id}-slot`);
          });
      } catch (error) {
        if (!(error instanceof AppError) || error.status >= 500) throw error;
        return { booked: false, reason: error.code };
      }
      await ledger.markSelfServed(call.callSid);
      if (keyed) await redis.del(keyedMobileKey(call.callSid, hold.id));
      log.info({ callSid: call.callSid, bookingId: outcome.body.id }, 'IVR booking made');
      return { booked: true, id: outcome.body.id, code: outcome.body.code, phone };
    },
  };
}

export type PhoneBooking = ReturnType<typeof createPhoneBooking>;
