export { createPanelRoutes } from './panel-routes.js';
