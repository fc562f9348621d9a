export { createReconciliation, type Reconciliation } from './reconciliation-component.js';
export { createReconciliationRoutes } from './reconciliation-routes.js';
export { createFeedRoutes } from './feed-routes.js';
export { createReconciliationJobs, scheduleReconciliation } from './reconciliation-jobs.js';
export type { ReconciliationService } from './reconciliation-service.js';
export type { FeedService, FeedReceipt } from './feed-service.js';
export { CLASS_NAMES } from './reconciliation-views.js';
export { reconciliationCommands } from './reconcile-command.js';
