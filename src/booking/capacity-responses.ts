/*
 * The JSON the capacity routes answer, as the supervisors' capacity page reads it
 * (src/panel/panel-types.ts gives these types to the pages).
 */

/** `POST /api/supervisor/capacity-limits` (201): the limit and what it changed. */
export interface CapacityLimitAdded {
  id: number;
  /** Bookings flagged to be called back. */
  flagged: number;
  changedSlots: number;
  holdsReleased: number;
}

/** `DELETE /api/supervisor/capacity-limits/:id`: what removing the limit changed. */
export interface CapacityLimitRemoved {
  changedSlots: number;
  flagged: number;
}

/** A capacity limit in force, in words. */
export interface CapacityLimitView {
  id: number;
  hall: string;
  /** 全部事项 when the limit is on the whole hall. */
  service: string;
  /** 2026年12月3日, or 2026年12月3日至2026年12月5日. */
  days: string;
  percent: number;
  reason: string;
}

/** `GET /api/supervisor/capacity-limits`. */
export interface CapacityLimits {
  limits: CapacityLimitView[];
}

/** A hall closure (the calendar's), in words. */
export interface ClosureView {
  id: number;
  /** 全部大厅 for a closure of every hall. */
  hall: string;
  days: string;
  reason: string;
}

/** `GET /api/supervisor/closures`. */
export interface Closures {
  closures: ClosureView[];
}

/** `POST /api/supervisor/closures` (201): the closure and the bookings it flagged. */
export interface ClosureAdded {
  id: number;
  flagged: number;
}

/** A booking flagged by a capacity change, with the citizen's full number to call them back. */
export interface FlaggedBooking {
  code: string;
  name: string;
  phone: string;
  service: string;
  hall: string;
  /** 2026年12月3日 09:00 */
  when: string;
  status: string;
  flag: string;
}

/** `GET /api/supervisor/flagged-bookings`: the halls and their bookable services, and the flagged bookings. */
export interface FlaggedBookings {
  halls: Array<{ id: string; name: string; services: Array<{ id: string; name: string }> }>;
  bookings: FlaggedBooking[];
}
