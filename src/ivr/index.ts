export { createIvrRoutes, voiceUrl, type IvrDeps } from './ivr-routes.js';
export { loadMenus, checkMenu, MenuError } from './menu-loader.js';
export type { Menu, MenuNode, MenuOption } from './menu-schemas.js';
