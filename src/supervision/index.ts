export { createSupervision, type Supervision } from './supervision-service.js';
export { createSupervisionRoutes, createSupervisionVoiceRoutes } from './supervision-routes.js';
export { createSupervisionJobs, scheduleSupervisionJobs } from './supervision-jobs.js';
export { levelColour } from './wallboard-figures.js';
export type {
  Wallboard,
  WallboardAgent,
  WallboardQueue,
  WallboardTotals,
} from './wallboard-types.js';
export type { AlertThresholds, WallboardAlert } from './wallboard-alerts.js';
