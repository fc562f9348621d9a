export { createReconciliation, type Reconciliation } from './reconciliation-component.js';
export { createReconciliationRoutes } from './reconciliation-routes.js';
export { createFeedRoutes } from './feed-routes.js';
export { createReconciliationJobs, scheduleReconciliation } from './reconciliation-jobs.js';
export type { ReconciliationService } from './reconciliation-service.js';
export type { FeedService, FeedReceipt } from './feed-service.js';
export {
  CLASS_NAMES,
  type ItemView,
  type ItemViewFields,
  type RunDetail,
  type RunView,
} from './reconciliation-views.js';
export type {
  CalendarOnlyDetails,
  CountersDifferDetails,
  CrossChannelDuplicateDetails,
  DetailsByClass,
  FeedDiffersDetails,
  FeedImportedDetails,
  FeedRefusal,
  FeedRefusedDetails,
  HoldAbandonedDetails,
  ItemDetails,
  LedgerBookingMissingDetails,
  OutcomeWithoutBookingDetails,
  OverCapacityDetails,
  PhoneBookingUnloggedDetails,
  SlotCounters,
  StaleHoldDetails,
} from './reconciliation-details.js';
export type { ReconciliationClass } from './reconciliation-tables.js';
export { reconciliationCommands } from './reconcile-command.js';
