export { createSupervision, type Supervision } from './supervision-service.js';
export { createSupervisionRoutes } from './supervision-routes.js';
export {
  levelColour,
  type Wallboard,
  type WallboardAgent,
  type WallboardQueue,
  type WallboardTotals,
} from './wallboard-service.js';
export type { AlertThresholds, WallboardAlert } from './wallboard-alerts.js';
