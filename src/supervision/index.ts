export { createSupervision, type Supervision } from './supervision-service.js';
export { createSupervisionRoutes } from './supervision-routes.js';
export { levelColour, type Wallboard } from './wallboard-service.js';
