import type { Clock } from '../platform/clock.js';
import type { Executor } from '../platform/db.js';
import { conflict, invalidField } from './booking-errors.js';
import type { BookingChannel } from './booking-tables.js';
import * as slots from './slot-repository.js';
import type { PlaceRequest } from './slot-repository.js';

/** How bookings and holds ask for a place, and why one was refused. */
export interface PlaceRules {
  placeRequest(slotId: number, channel: BookingChannel): PlaceRequest;
  /** Throws why a slot had no place: 422 for a slot one cannot book, 409 `slot_full` when it is full. */
  noPlace(tx: Executor, slotId: number): Promise<never>;
}

export function createPlaceRules(clock: Clock, phoneShareHours: number): PlaceRules {
  return {
    placeRequest: (slotId, channel) => ({ slotId, channel, now: clock.now(), phoneShareHours }),
    async noPlace(tx, slotId) {
      const slot = await slots.findSlot(tx, slotId);
      if (!slot) throw invalidField('slotId', 'not_found', `no slot ${slotId}`);
      if (slot.startsAt.getTime() <= clock.now().getTime())
        throw invalidField('slotId', 'past', 'the slot has already begun');
      if (slot.closed || slot.capacity === 0)
        throw invalidField('slotId', 'closed', 'the hall does not receive citizens in this slot');
      throw conflict('slot_full', 'the slot is fully booked', { slotId });
    },
  };
}
