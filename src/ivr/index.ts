export { createIvrRoutes } from './ivr-routes.js';
export type { IvrDeps } from './ivr-context.js';
export { loadMenus, readMenus, checkMenu, MenuError } from './menu-loader.js';
export { lintMenu, lintVoice, DEFAULT_MENU_MAX_OPTIONS, type LintOptions } from './menu-lint.js';
export { createAnnouncements, type Announcements } from './announcement-service.js';
export { createAnnouncementRoutes } from './announcement-routes.js';
export type {
  AnnouncementAdded,
  AnnouncementList,
  AnnouncementView,
} from './announcement-responses.js';
export { ivrCommands } from './ivr-commands.js';
export type { Menu, MenuNode, MenuOption } from './menu-schemas.js';
export { menuNode } from './menu-graph.js';
