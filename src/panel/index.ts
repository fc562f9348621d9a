export { bundleJssip, createPanelRoutes, JSSIP_BUNDLE_PATH } from './panel-routes.js';
