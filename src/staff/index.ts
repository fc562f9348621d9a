export {
  createAccounts,
  DISPLAY_NAME_MAX,
  type Accounts,
  type AccountsDeps,
} from './staff-service.js';
export { SESSION_COOKIE, type StaffSession } from './staff-sessions.js';
export { createStaffRoutes, type StaffMe } from './staff-routes.js';
export { requireStaff } from './staff-access.js';
export { staffCommands, readStdin } from './staff-commands.js';
export type { StaffUserRow } from './staff-repository.js';
export type { StaffRole } from '../platform/auth.js';
export {
  createStaffAdmin,
  type StaffAdmin,
  type StaffList,
  type StaffSaved,
  type StaffView,
} from './staff-admin-service.js';
export { createStaffManagementRoutes } from './staff-admin-routes.js';
