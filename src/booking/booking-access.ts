import { NotFoundError } from '../platform/errors.js';
import type { BookingRow } from './booking-repository.js';
import type { BookingChannel } from './booking-tables.js';

/** Who acts on the calendar: the channel it books with and a stable id for audit and holds. */
export interface Actor {
  channel: BookingChannel;
  /** API key id, staff user id or call SID. */
  id: string;
  /** `channel:<keyId>`, `staff:<userId>`, `call:<CallSid>` or `system`. */
  label: string;
  /** A channel API key: it reaches only bookings made through its own channel ({@link mayAct}). */
  ownChannelOnly?: boolean;
}

/** What an actor does to a booking. */
export type BookingAction = 'read' | 'cancel' | 'reschedule' | 'check-in';

/**
 * Whether an actor may see or change a booking. A channel key (`ownChannelOnly`) reaches only
 * bookings made through its channel; staff and the IVR act for the citizen on the line. The
 * walk-in desk checks in whoever arrives at the hall, whatever channel they booked by.
 */
export function mayAct(booking: BookingRow, actor: Actor, action: BookingAction): boolean {
  if (!actor.ownChannelOnly) return true;
  if (action === 'check-in' && actor.channel === 'walk_in') return true;
  return booking.channel === actor.channel;
}

/**
 * Returns the booking when the actor may act on it; otherwise the same 404 as a missing one,
 * so that another channel's bookings cannot be told from ids that do not exist.
 */
export function assertMayAct(
  booking: BookingRow | undefined,
  id: string,
  actor: Actor,
  action: BookingAction,
): BookingRow {
  if (!booking || !mayAct(booking, actor, action)) throw new NotFoundError(`no booking ${id}`);
  return booking;
}
