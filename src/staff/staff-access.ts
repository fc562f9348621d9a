import type { RequestHandler } from 'express';
import type { StaffRole } from '../platform/auth.js';
import { ForbiddenError, UnauthorizedError } from '../platform/errors.js';

const roleRank: Record<StaffRole, number> = { agent: 1, supervisor: 2, admin: 3 };

/** Requires a staff member with at least `role`. */
export function requireStaff(role: StaffRole = 'agent'): RequestHandler {
  return (req, _res, next) => {
    const principal = req.principal;
    if (!principal) throw new UnauthorizedError();
    if (principal.kind !== 'staff' || roleRank[principal.role] < roleRank[role])
      throw new ForbiddenError(`requires the ${role} role`);
    next();
  };
}
