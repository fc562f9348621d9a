import type { ReconciliationClass } from './reconciliation-tables.js';

/*
 * What an item's `details` hold, per class, as the checks (reconciliation-checks.ts) and the
 * fixes (reconciliation-fixes.ts) write them with jsonb_build_object. Instants are ISO strings
 * (timestamptz in JSON); the reconciliation page and the open-items CSV read them by class.
 */

/** An agent's booking outcome whose booking is not in the calendar. */
export interface OutcomeWithoutBookingDetails {
  agentId: string;
  /** The booking code or id the outcome named. */
  bookingRef: string | null;
}

/** A booking the phone ledger recorded on a call that the calendar does not have. */
export interface LedgerBookingMissingDetails {
  ledgerId: number;
  agentId: string | null;
}

/** A phone or IVR booking the ledger never recorded. */
export interface PhoneBookingUnloggedDetails {
  code: string;
  madeBy: string;
}

/** A hold taken on a call that ended without a booking on it. */
export interface HoldAbandonedDetails {
  holdStatus: 'active' | 'confirmed' | 'released' | 'expired';
  agentId: string | null;
  /** The call has ended: someone can call the citizen back. */
  callEnded: boolean;
}

/** The same person, service and day through two or more channels. */
export interface CrossChannelDuplicateDetails {
  channels: string[];
}

/** Why a feed's booking could not be imported into the calendar. */
export type FeedRefusal = 'no_slot' | 'closed' | 'past' | 'full' | 'suspended';

/** In a feed, not in the calendar, and not importable (open for staff). */
export interface FeedRefusedDetails {
  /** The feed's line. */
  line: number;
  feedStatus: string;
  reason: FeedRefusal;
  /** Only for `suspended`: until when the person may not book. */
  suspendedUntil?: string | null;
}

/** In a feed, not in the calendar, imported by the run (fixed). */
export interface FeedImportedDetails {
  imported: true;
  line: number;
}

/** In the calendar as a channel's booking, not in that channel's latest feed. */
export interface CalendarOnlyDetails {
  code: string;
  status: 'confirmed' | 'checked_in' | 'cancelled' | 'no_show';
  feedId: string;
}

/** A booking as the calendar and the feed each have it (status_differs, details_differ). */
export interface FeedDiffersDetails {
  code: string;
  calendar: {
    status: string;
    startsAt: string;
    hallId: string;
    serviceId: string;
    samePerson: boolean;
  };
  feed: { status: string; startsAt: string; hallId: string; serviceId: string };
  line: number;
}

/** The slot counters a run recomputed. */
export interface SlotCounters {
  booked: number;
  phoneBooked: number;
  held: number;
  phoneHeld: number;
}

/** A slot's counters that differed from its bookings and holds (fixed). */
export interface CountersDifferDetails {
  before: SlotCounters;
  after: SlotCounters;
}

/** More bookings than places in a slot. */
export interface OverCapacityDetails {
  capacity: number;
  booked: number;
  closed: boolean;
  startsAt: string;
}

/** A hold past its expiry, released by the run (fixed). */
export interface StaleHoldDetails {
  released: true;
}

/** Each class's details; `in_flight` items carry the details of the check that found them. */
export interface DetailsByClass {
  outcome_without_booking: OutcomeWithoutBookingDetails;
  ledger_booking_missing: LedgerBookingMissingDetails;
  phone_booking_unlogged: PhoneBookingUnloggedDetails;
  hold_abandoned: HoldAbandonedDetails;
  feed_only: FeedRefusedDetails | FeedImportedDetails;
  calendar_only: CalendarOnlyDetails;
  status_differs: FeedDiffersDetails;
  details_differ: FeedDiffersDetails;
  cross_channel_duplicate: CrossChannelDuplicateDetails;
  counters_differ: CountersDifferDetails;
  over_capacity: OverCapacityDetails;
  stale_hold: StaleHoldDetails;
  in_flight:
    PhoneBookingUnloggedDetails | HoldAbandonedDetails | CalendarOnlyDetails | FeedDiffersDetails;
}

/** The details of any item (the column's type). */
export type ItemDetails = DetailsByClass[ReconciliationClass];
