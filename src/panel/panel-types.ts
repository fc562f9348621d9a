/**
 * The JSON shapes the panel's pages read, declared once beside the server code that sends them.
 * The pages (plain ES modules) import them in JSDoc (`@typedef {import('../panel-types.js').X}`),
 * and `tsc` checks the pages marked `// @ts-check` against them.
 */
export type { ApiErrorBody } from '../platform/http.js';
export type { StaffMe, StaffRole } from '../staff/index.js';
export type {
  Wallboard,
  WallboardAgent,
  WallboardAlert,
  WallboardQueue,
  WallboardTotals,
} from '../supervision/index.js';
