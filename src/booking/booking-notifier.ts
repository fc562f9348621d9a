import { DateTime } from 'luxon';
import { ZONE, type Clock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import type { Queues } from '../platform/queues.js';
import type { BookingRow } from './booking-repository.js';

/** Kinds of booking SMS; the job carries the kind and ids only. */
export type SmsKind = 'confirmation' | 'reminder' | 'rescheduled' | 'no_show_warning' | 'suspended';

/** Job ids are deterministic, so that a message is never queued twice and a reminder can be removed. */
export const reminderJobId = (bookingId: string, slotId: number) =>
  `booking-reminder-${bookingId}-${slotId}`;
const messageJobId = (kind: SmsKind, bookingId: string, slotId: number) =>
  `booking-sms-${kind}-${bookingId}-${slotId}`;

/** Queues the booking SMS: confirmation, the reminder the day before, and notices. */
export interface BookingNotifier {
  booked(booking: BookingRow): Promise<void>;
  cancelled(booking: BookingRow): Promise<void>;
  rescheduled(booking: BookingRow, previousSlotId: number): Promise<void>;
  noShow(booking: BookingRow, kind: 'no_show_warning' | 'suspended'): Promise<void>;
}

/** When the reminder goes out: `reminderHour` o'clock, Asia/Shanghai, on the day before the booking. */
export function reminderTime(startsAt: Date, reminderHour: number): Date {
  return DateTime.fromJSDate(startsAt, { zone: ZONE })
    .minus({ days: 1 })
    .set({ hour: reminderHour, minute: 0, second: 0, millisecond: 0 })
    .toJSDate();
}

export function createBookingNotifier(deps: {
  queues: Queues;
  clock: Clock;
  logger: Logger;
  reminderHour: number;
}): BookingNotifier {
  const { queues, clock } = deps;
  const log = deps.logger.child({ component: 'booking' });

  // A lost SMS must not undo a committed booking: failures to queue are logged, not thrown.
  async function safely(
    what: string,
    bookingId: string,
    work: () => Promise<unknown>,
  ): Promise<void> {
    try {
      await work();
    } catch (error) {
      log.warn({ bookingId, err: (error as Error).message }, `could not queue the ${what}`);
    }
  }

  const send = (kind: SmsKind, booking: BookingRow) =>
    safely(`${kind} SMS`, booking.id, () =>
      queues.add(
        'booking-sms',
        { bookingId: booking.id, kind, slotId: booking.slotId },
        { jobId: messageJobId(kind, booking.id, booking.slotId) },
      ),
    );

  const scheduleReminder = (booking: BookingRow) => {
    const at = reminderTime(booking.startsAt, deps.reminderHour);
    const delay = at.getTime() - clock.now().getTime();
    if (delay <= 0) return Promise.resolve();
    return safely('reminder', booking.id, () =>
      queues.add(
        'booking-sms',
        { bookingId: booking.id, kind: 'reminder', slotId: booking.slotId },
        { jobId: reminderJobId(booking.id, booking.slotId), delay },
      ),
    );
  };

  const removeReminder = (bookingId: string, slotId: number) =>
    safely('reminder removal', bookingId, () =>
      queues.remove('booking-sms', reminderJobId(bookingId, slotId)),
    );

  return {
    async booked(booking) {
      await Promise.all([send('confirmation', booking), scheduleReminder(booking)]);
    },
    async cancelled(booking) {
      await removeReminder(booking.id, booking.slotId);
    },
    async rescheduled(booking, previousSlotId) {
      await Promise.all([
        removeReminder(booking.id, previousSlotId),
        send('rescheduled', booking),
        scheduleReminder(booking),
      ]);
    },
    noShow: (booking, kind) => send(kind, booking),
  };
}
