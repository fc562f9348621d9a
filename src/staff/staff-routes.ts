import { Router } from 'express';
import type { StaffRole } from '../platform/auth.js';
import { ForbiddenError, UnauthorizedError } from '../platform/errors.js';
import { parseInput } from '../platform/http.js';
import { requireStaff } from './staff-access.js';
import { loginSchema } from './staff-schemas.js';
import type { Accounts } from './staff-service.js';
import { SESSION_COOKIE, readCookie } from './staff-sessions.js';

export interface StaffRoutesDeps {
  accounts: Accounts;
  /** Whether the panel is served over https: the session cookie is then `Secure`. */
  secure: boolean;
  sessionTtlSeconds: number;
}

/** Who is signed in, as every staff page's header shows them (`GET /api/auth/me`, and the login's answer). */
export interface StaffMe {
  /** The username. */
  id: string;
  /** The name people see (the username when none is set). */
  displayName: string;
  role: StaffRole;
  skills: string[];
  commissionerId: string | null;
}

type StaffUserRow = NonNullable<Awaited<ReturnType<Accounts['findUser']>>>;

const meOf = (user: StaffUserRow): StaffMe => ({
  id: user.id,
  displayName: user.displayName || user.id,
  role: user.role,
  skills: user.skills,
  commissionerId: user.commissionerId,
});

/** Staff log-in, log-out and who is signed in (mounted under /api, after `authenticate`). */
export function createStaffRoutes({
  accounts,
  secure,
  sessionTtlSeconds,
}: StaffRoutesDeps): Router {
  const router = Router();

  router.post('/auth/login', async (req, res) => {
    // Login is a cookie-setting write too: the same custom header keeps other sites from logging a browser in.
    if (req.get('x-requested-with') !== 'XMLHttpRequest')
      throw new ForbiddenError('login needs the header X-Requested-With: XMLHttpRequest');
    const { username, password } = parseInput(loginSchema, req.body);
    const { token, user } = await accounts.login(username, password, req.ip ?? 'unknown');
    res.cookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure,
      path: '/',
      maxAge: sessionTtlSeconds * 1000,
    });
    res.json({ user: meOf(user) });
  });

  router.get('/auth/me', requireStaff('agent'), async (req, res) => {
    const user =
      req.principal?.kind === 'staff' ? await accounts.findUser(req.principal.userId) : undefined;
    if (!user) throw new UnauthorizedError();
    res.json({ user: meOf(user) });
  });

  router.post('/auth/logout', requireStaff('agent'), async (req, res) => {
    const token = readCookie(req, SESSION_COOKIE);
    if (token) await accounts.logout(token);
    res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure, path: '/' });
    res.status(204).end();
  });

  return router;
}
