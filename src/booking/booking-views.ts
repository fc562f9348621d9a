import type { Catalogue } from '../catalogue/index.js';
import { maskPhone } from '../platform/logger.js';
import type { BookingRow } from './booking-repository.js';
import type { BookingChannel } from './booking-tables.js';
import { isoLocal } from './capacity-rules.js';
import { isPhoneChannel, type SlotRow } from './slot-repository.js';

/** A slot as the API shows it: `available` is what the caller's channel may still book. */
export interface SlotView {
  id: number;
  hallId: string;
  serviceId: string;
  startsAt: string;
  endsAt: string;
  capacity: number;
  available: number;
}

/** `POST /api/holds` (201): the place held for the caller, until `expiresAt` (Beijing local time). */
export interface HoldView {
  id: string;
  slotId: number;
  status: 'active' | 'confirmed' | 'released' | 'expired';
  expiresAt: string;
}

/** A booking as the API shows it; phone and ID number masked. */
export interface BookingView {
  id: string;
  code: string;
  status: BookingRow['status'];
  channel: BookingChannel;
  name: string;
  phone: string;
  idNumber: string;
  flag: BookingRow['flag'];
  slot: {
    id: number;
    hallId: string;
    hallName: string;
    address: string;
    serviceId: string;
    serviceName: string;
    startsAt: string;
    endsAt: string;
    bring: string;
  };
  createdAt: string;
}

/** Places a channel may still take in a slot at `now` (the same rule as the conditional update). */
export function availableFor(
  slot: SlotRow,
  channel: BookingChannel,
  now: Date,
  phoneShareHours: number,
): number {
  if (slot.closed || slot.startsAt.getTime() <= now.getTime()) return 0;
  const shareOpen = slot.startsAt.getTime() - phoneShareHours * 3_600_000 <= now.getTime();
  const reserve =
    isPhoneChannel(channel) || shareOpen
      ? 0
      : Math.max(slot.phoneReserved - slot.phoneBooked - slot.phoneHeld, 0);
  return Math.max(slot.capacity - slot.booked - slot.held - reserve, 0);
}

export function toSlotView(
  slot: SlotRow,
  channel: BookingChannel,
  now: Date,
  phoneShareHours: number,
): SlotView {
  return {
    id: slot.id,
    hallId: slot.hallId,
    serviceId: slot.serviceId,
    startsAt: isoLocal(slot.startsAt),
    endsAt: isoLocal(slot.endsAt),
    capacity: slot.capacity,
    available: availableFor(slot, channel, now, phoneShareHours),
  };
}

export function toBookingView(booking: BookingRow, catalogue: Catalogue): BookingView {
  const place = catalogue.service(booking.serviceId);
  return {
    id: booking.id,
    code: booking.code,
    status: booking.status,
    channel: booking.channel,
    name: booking.name,
    phone: maskPhone(booking.phone),
    idNumber: booking.idMasked,
    flag: booking.flagResolvedAt ? null : booking.flag,
    slot: {
      id: booking.slotId,
      hallId: booking.hallId,
      hallName: place?.hall.name ?? booking.hallId,
      address: place?.hall.address ?? '',
      serviceId: booking.serviceId,
      serviceName: place?.service.name ?? booking.serviceId,
      startsAt: isoLocal(booking.startsAt),
      endsAt: isoLocal(booking.endsAt),
      bring: place?.service.bring ?? '',
    },
    createdAt: isoLocal(booking.createdAt),
  };
}
