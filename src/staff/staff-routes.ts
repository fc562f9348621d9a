import { Router } from 'express';
import { ForbiddenError } from '../platform/errors.js';
import { parseInput } from '../platform/http.js';
import { requireStaff } from './staff-access.js';
import { loginSchema } from './staff-schemas.js';
import { SESSION_COOKIE, readCookie, type Accounts } from './staff-service.js';

export interface StaffRoutesDeps {
  accounts: Accounts;
  /** Whether the panel is served over https: the session cookie is then `Secure`. */
  secure: boolean;
  sessionTtlSeconds: number;
}

/** Staff log-in and log-out (mounted under /api, after `authenticate`). */
export function createStaffRoutes({ accounts, secure, sessionTtlSeconds }: StaffRoutesDeps): Router {
  const router = Router();

  router.post('/auth/login', async (req, res) => {
    // Login is a cookie-setting write too: the same custom header keeps other sites from logging a browser in.
    if (req.get('x-requested-with') !== 'XMLHttpRequest') throw new ForbiddenError('login needs the header X-Requested-With: XMLHttpRequest');
    const { username, password } = parseInput(loginSchema, req.body);
    const { token, user } = await accounts.login(username, password, req.ip ?? 'unknown');
    res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure, path: '/', maxAge: sessionTtlSeconds * 1000 });
    res.json({ user: { id: user.id, displayName: user.displayName || user.id, role: user.role, skills: user.skills, commissionerId: user.commissionerId } });
  });

  router.post('/auth/logout', requireStaff('agent'), async (req, res) => {
    const token = readCookie(req, SESSION_COOKIE);
    if (token) await accounts.logout(token);
    res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure, path: '/' });
    res.status(204).end();
  });

  return router;
}
