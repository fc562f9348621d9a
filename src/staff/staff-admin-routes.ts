import { Router, type Request } from 'express';
import { z } from 'zod';
import { parseInput } from '../platform/http.js';
import { nameText, plainText } from '../platform/input-schemas.js';
import type { StaffActor, StaffAdmin, StaffList, StaffSaved } from './staff-admin-service.js';
import { requireStaff } from './staff-access.js';
import { DISPLAY_NAME_MAX } from './staff-service.js';

const usernameParams = z.object({
  username: z.string().regex(/^[a-z][a-z0-9_]{2,31}$/, 'invalid_username'),
});
const createSchema = z.object({
  username: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9_]{2,31}$/, 'invalid_username'),
  displayName: nameText(DISPLAY_NAME_MAX),
  role: z.enum(['agent', 'supervisor']).default('agent'),
  skills: z.array(plainText(64)).max(100).default([]),
  password: z.string().min(10, 'password_too_short').max(256),
});
const updateSchema = z.object({
  displayName: nameText(DISPLAY_NAME_MAX).optional(),
  skills: z.array(plainText(64)).max(100).optional(),
});
const passwordSchema = z.object({ password: z.string().min(10, 'password_too_short').max(256) });

const actorOf = (req: Request): StaffActor =>
  req.principal?.kind === 'staff'
    ? { userId: req.principal.userId, role: req.principal.role }
    : { userId: '', role: 'agent' };

/**
 * Staff accounts from the browser (supervisor role; only an admin touches supervisors' and admins'
 * accounts): list, create, change display name and skills, reset a password, disable.
 */
export function createStaffManagementRoutes(admin: StaffAdmin): Router {
  const router = Router();

  router.get('/supervisor/staff', requireStaff('supervisor'), async (_req, res) => {
    const body: StaffList = { staff: await admin.list() };
    res.json(body);
  });

  router.post('/supervisor/staff', requireStaff('supervisor'), async (req, res) => {
    const body: StaffSaved = {
      user: await admin.create(actorOf(req), parseInput(createSchema, req.body)),
    };
    res.status(201).json(body);
  });

  router.patch('/supervisor/staff/:username', requireStaff('supervisor'), async (req, res) => {
    const { username } = parseInput(usernameParams, req.params, 'path');
    const body: StaffSaved = {
      user: await admin.update(actorOf(req), username, parseInput(updateSchema, req.body)),
    };
    res.json(body);
  });

  router.post(
    '/supervisor/staff/:username/password',
    requireStaff('supervisor'),
    async (req, res) => {
      const { username } = parseInput(usernameParams, req.params, 'path');
      await admin.resetPassword(
        actorOf(req),
        username,
        parseInput(passwordSchema, req.body).password,
      );
      res.status(204).end();
    },
  );

  router.post(
    '/supervisor/staff/:username/disable',
    requireStaff('supervisor'),
    async (req, res) => {
      const { username } = parseInput(usernameParams, req.params, 'path');
      await admin.disable(actorOf(req), username);
      res.status(204).end();
    },
  );

  return router;
}
