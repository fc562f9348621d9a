export { createBooking, type Booking } from './booking-component.js';
export { createBookingRoutes, actorFromPrincipal } from './booking-routes.js';
/** What a booking request carries (a hold or a slot, and the person), as the booking API checks it. */
export { bookingBodySchema as bookingRequestSchema } from './booking-schemas.js';
export { createCapacityRoutes } from './capacity-routes.js';
export type {
  CapacityLimitAdded,
  CapacityLimitRemoved,
  CapacityLimits,
  CapacityLimitView,
  ClosureAdded,
  ClosureView,
  Closures,
  FlaggedBooking,
  FlaggedBookings,
} from './capacity-responses.js';
export { createBookingJobs, scheduleBookingJobs } from './booking-jobs.js';
export type { Actor, BookingService, BookingOutcome, BookingRequest } from './booking-service.js';
export type { CapacityService, ReconcileResult } from './capacity-service.js';
export {
  checkIdNumber,
  idCheckCharacter,
  normalizePhone,
  protectIdNumber,
} from './booking-identity.js';
export { slotCapacity } from './capacity-rules.js';
export type { BookingView, HoldView, SlotView } from './booking-views.js';
export { bookingCommands } from './booking-commands.js';
export { createBookingVoiceRoutes } from './booking-voice-routes.js';
export type { BookingRecovery, RestoredBookingJobs } from './booking-recovery.js';
export { createPhoneLedgerRoutes } from './phone-ledger-routes.js';
export type {
  PhoneLedger,
  PhoneActionEntry,
  LedgeredBookingService,
} from './phone-ledger-service.js';
export type { PhoneLedgerRow } from './phone-ledger-repository.js';
export * as phoneLedgerTables from './phone-ledger-tables.js';
