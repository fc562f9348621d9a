import { Router, type Request } from 'express';
import { z } from 'zod';
import type { Catalogue } from '../catalogue/index.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db.js';
import { ForbiddenError, NotFoundError } from '../platform/errors.js';
import { parseInput } from '../platform/http.js';
import { nameText, plainText } from '../platform/input-schemas.js';
import { DISPLAY_NAME_MAX, requireStaff, type Accounts, type StaffUserRow } from '../staff/index.js';
import * as repo from './agents-repository.js';
import { queueName } from './supervisor-wallboard-service.js';

const usernameParams = z.object({ username: z.string().regex(/^[a-z][a-z0-9_]{2,31}$/, 'invalid_username') });
const createSchema = z.object({
  username: z.string().trim().regex(/^[a-z][a-z0-9_]{2,31}$/, 'invalid_username'),
  displayName: nameText(DISPLAY_NAME_MAX),
  role: z.enum(['agent', 'supervisor']).default('agent'),
  skills: z.array(plainText(64)).max(100).default([]),
  password: z.string().min(10, 'password_too_short').max(256),
});
const updateSchema = z.object({ displayName: nameText(DISPLAY_NAME_MAX).optional(), skills: z.array(plainText(64)).max(100).optional() });
const passwordSchema = z.object({ password: z.string().min(10, 'password_too_short').max(256) });

const staffId = (req: Request) => (req.principal?.kind === 'staff' ? req.principal.userId : '');
const isAdmin = (req: Request) => req.principal?.kind === 'staff' && req.principal.role === 'admin';

/**
 * Staff accounts from the browser (supervisor role; only an admin touches supervisors' and admins'
 * accounts): list, create, change display name and skills, reset a password, disable. Each change is audited.
 */
export function createStaffManagementRoutes(deps: { accounts: Accounts; db: Database; catalogue: Catalogue; clock: Clock }): Router {
  const { accounts, db, catalogue, clock } = deps;
  const router = Router();
  const audit = (req: Request, action: string, subject: string, detail: Record<string, unknown> = {}) => repo.insertAudit(db, { actorId: staffId(req), action, subject: `staff:${subject}`, detail, at: clock.now() });
  const view = (user: StaffUserRow) => ({
    username: user.id,
    displayName: user.displayName || user.id,
    role: user.role,
    disabled: user.disabled,
    skills: user.skills.filter((skill) => catalogue.department(skill)).map((skill) => ({ id: skill, name: queueName(catalogue, skill) })),
  });
  async function mayManage(req: Request, username: string): Promise<StaffUserRow> {
    const user = await accounts.findUser(username);
    if (!user) throw new NotFoundError(`no such user: ${username}`);
    if (user.role !== 'agent' && !isAdmin(req)) throw new ForbiddenError('only an admin manages supervisors and admins');
    return user;
  }

  router.get('/supervisor/staff', requireStaff('supervisor'), async (_req, res) => {
    res.json({ staff: (await accounts.listAll()).map(view) });
  });

  router.post('/supervisor/staff', requireStaff('supervisor'), async (req, res) => {
    const input = parseInput(createSchema, req.body);
    if (input.role !== 'agent' && !isAdmin(req)) throw new ForbiddenError('only an admin creates supervisors');
    const user = await accounts.createUser({ username: input.username, role: input.role, skills: input.skills, password: input.password, displayName: input.displayName });
    await audit(req, 'create-staff', user.id, { role: user.role });
    res.status(201).json({ user: view(user) });
  });

  router.patch('/supervisor/staff/:username', requireStaff('supervisor'), async (req, res) => {
    const { username } = parseInput(usernameParams, req.params, 'path');
    await mayManage(req, username);
    const changes = parseInput(updateSchema, req.body);
    const user = await accounts.updateUser(username, changes);
    await audit(req, 'update-staff', username, { fields: Object.keys(changes) });
    res.json({ user: view(user) });
  });

  router.post('/supervisor/staff/:username/password', requireStaff('supervisor'), async (req, res) => {
    const { username } = parseInput(usernameParams, req.params, 'path');
    await mayManage(req, username);
    await accounts.resetPassword(username, parseInput(passwordSchema, req.body).password);
    await audit(req, 'reset-password', username);
    res.status(204).end();
  });

  router.post('/supervisor/staff/:username/disable', requireStaff('supervisor'), async (req, res) => {
    const { username } = parseInput(usernameParams, req.params, 'path');
    await mayManage(req, username);
    await accounts.disableUser(username);
    await audit(req, 'disable-staff', username);
    res.status(204).end();
  });

  return router;
}
