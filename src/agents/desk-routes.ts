import { Router, type Request } from 'express';
import { DateTime } from 'luxon';
import type { CallLedger } from '../calls/index.js';
import type { Catalogue } from '../catalogue/index.js';
import type { Menu } from '../ivr/index.js';
import { requireStaff } from '../staff/index.js';
import { ZONE, type Clock } from '../platform/clock.js';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db.js';
import type { Redis } from '../platform/redis.js';
import { NotFoundError } from '../platform/errors.js';
import { parseInput } from '../platform/http.js';
import type { Agents } from './agents-service.js';
import * as repo from './agents-repository.js';
import { callbackParamsSchema, callParamsSchema, trackingSchema } from './agents-schemas.js';
import { createDeskCards, maskNumber, writtenTime } from './desk-card-service.js';
import * as deskRepo from './desk-repository.js';
import { wrapUpSecondsFor } from './routing-service.js';
import { createStaffManagementRoutes } from './supervisor-staff-routes.js';
import { createWallboard, queueName } from './supervisor-wallboard-service.js';

export interface DeskRoutesDeps {
  agents: Agents;
  redis: Redis;
  ledger: CallLedger;
  catalogue: Catalogue;
  menus: ReadonlyMap<string, Menu>;
  db: Database;
  clock: Clock;
  config: Config;
}

const staff = (req: Request) => (req.principal?.kind === 'staff' ? req.principal : undefined);

/**
 * The desk's and the wallboard's reads (mounted under /api; the README's agents section lists them):
 * - `GET /desk/call` (agent): the agent's current call as a card, with the wrap-up deadline;
 * - `GET /desk/calls/:callSid/card` (supervisor): any call's card, with the full number;
 * - `GET /desk/directory` (agent): departments and agents to transfer to, with who is free;
 * - `GET /desk/services` (agent): the catalogue's services, for the outcome forms' search;
 * - `GET /desk/my-work` (agent): today's own figures and the callbacks of the agent's skills;
 * - `POST /desk/callbacks/:id/place` (the agent who took it, an agent of its department, a supervisor): place it now;
 * - `PUT /calls/:callSid/outcomes/tracking-number` (the agent who recorded it, or a supervisor);
 * - `GET /supervisor/wallboard` (supervisor): queues, agents, calls lacking an outcome.
 * Every card read is audited.
 */
export function createDeskRoutes(deps: DeskRoutesDeps): Router {
  const { agents, redis, ledger, catalogue, menus, db, clock, config } = deps;
  const cards = createDeskCards({ db, ledger, catalogue, menus, clock });
  const wallboard = createWallboard({ staff: agents.staff, db, redis, redisPrefix: config.redisPrefix, store: agents.store, catalogue, clock, settings: config.reports });
  const router = Router();

  router.get('/desk/call', requireStaff('agent'), async (req, res) => {
    const me = staff(req)!;
    const snapshot = await agents.desk.snapshot(me.userId);
    const callSid = snapshot.callSid && !snapshot.callSid.startsWith('cb:') && ['reserved', 'on_call', 'wrap_up'].includes(snapshot.state) ? snapshot.callSid : '';
    const card = callSid ? await cards.card({ userId: me.userId, fullNumber: false }, callSid) : undefined;
    const wrapUpEndsAt =
      card && snapshot.state === 'wrap_up' ? new Date(snapshot.since + wrapUpSecondsFor(config.agents, (await ledger.find(callSid))?.queueSkill ?? null) * 1000).toISOString() : null;
    const onCall = Boolean(card) && snapshot.state === 'on_call';
    const hold = onCall ? await agents.holds.current(callSid) : null;
    // Only a caller who came through a queue can be held (a callback's parent call is the agent's own leg).
    const holdable = onCall && (await ledger.find(callSid))?.direction === 'inbound';
    res.json({ state: snapshot.state, call: card ?? null, wrapUpEndsAt, hold, holdable, now: clock.now().toISOString() });
  });

  router.get('/desk/calls/:callSid/card', requireStaff('supervisor'), async (req, res) => {
    const { callSid } = parseInput(callParamsSchema, req.params, 'path');
    const card = await cards.card({ userId: staff(req)!.userId, fullNumber: true }, callSid);
    if (!card) throw new NotFoundError(`no such call: ${callSid}`);
    res.json({ call: card });
  });

  router.get('/desk/directory', requireStaff('agent'), async (req, res) => {
    const me = staff(req)!.userId;
    const users = (await agents.staff.listAll()).filter((user) => !user.disabled && user.id !== me);
    const departments = await Promise.all(
      catalogue.halls.flatMap((hall) =>
        hall.departments.map(async (department) => ({ id: department.id, name: queueName(catalogue, department.id), available: (await agents.store.available(department.id)).length })),
      ),
    );
    const people = await Promise.all(
      users.map(async (user) => {
        const snapshot = await agents.store.agent(user.id);
        return { id: user.id, name: user.displayName || user.id, state: snapshot.state, departments: user.skills.map((skill) => queueName(catalogue, skill)).filter(Boolean) };
      }),
    );
    res.json({ departments, agents: people.sort((a, b) => a.name.localeCompare(b.name, 'zh-CN')) });
  });

  // The catalogue's services as the outcome forms search them: by name, keyword, department or hall.
  const services = catalogue.halls.flatMap((hall) =>
    hall.departments.flatMap((department) =>
      department.services.map((service) => ({
        id: service.id,
        name: service.name,
        department: department.name,
        hall: hall.name,
        hallId: hall.id,
        byPhone: service.byPhone,
        postal: service.postal,
        bookable: service.bookable,
        keywords: service.keywords,
      })),
    ),
  );
  router.get('/desk/services', requireStaff('agent'), (_req, res) => {
    res.json({ services });
  });

  router.put('/calls/:callSid/outcomes/tracking-number', requireStaff('agent'), async (req, res) => {
    const { callSid } = parseInput(callParamsSchema, req.params, 'path');
    const { trackingNumber } = parseInput(trackingSchema, req.body);
    const me = staff(req)!;
    const [outcome] = await repo.listOutcomes(db, callSid);
    if (!outcome || (outcome.agentId !== me.userId && me.role === 'agent')) throw new NotFoundError(`no outcome of yours for call ${callSid}`);
    if (!(await deskRepo.setTrackingNumber(db, callSid, trackingNumber))) throw new NotFoundError(`call ${callSid} has no delivery by post`);
    await repo.insertAudit(db, { actorId: me.userId, action: 'set-tracking-number', subject: callSid, detail: {}, at: clock.now() });
    res.status(204).end();
  });

  router.get('/desk/my-work', requireStaff('agent'), async (req, res) => {
    const me = staff(req)!.userId;
    const start = DateTime.fromJSDate(clock.now(), { zone: ZONE }).startOf('day');
    const [from, to] = [start.toJSDate(), start.plus({ days: 1 }).toJSDate()];
    const user = await agents.staff.findUser(me);
    const [figures, callbacks] = await Promise.all([deskRepo.myFigures(db, me, from, to), deskRepo.listMyCallbacks(db, me, user?.skills ?? [], from, 50)]);
    const now = clock.now().getTime();
    res.json({
      figures: { ...figures, handleSeconds: figures.handled > 0 ? Math.round((figures.talk_seconds + figures.after_call_seconds) / figures.handled) : null },
      callbacks: callbacks.map((row) => ({
        id: Number(row.id),
        queue: queueName(catalogue, row.skill),
        phone: maskNumber(row.phone),
        group:
          row.status === 'completed'
            ? 'done'
            : row.status === 'given_up' || row.status === 'cancelled'
              ? 'closed'
              : row.status === 'dialing'
                ? 'dialing'
                : row.attempts > 0
                  ? 'attempted'
                  : new Date(row.not_before).getTime() <= now
                    ? 'due'
                    : 'later',
        placeable: row.status === 'pending',
        attempts: row.attempts,
        notBefore: writtenTime(row.not_before),
        lastAttempt: row.last_attempt_at ? writtenTime(row.last_attempt_at) : '',
      })),
    });
  });

  router.post('/desk/callbacks/:id/place', requireStaff('agent'), async (req, res) => {
    const { id } = parseInput(callbackParamsSchema, req.params, 'path');
    const me = staff(req)!;
    const user = await agents.staff.findUser(me.userId);
    res.status(202).json(await agents.callbacks.placeNow(id, { userId: me.userId, skills: user?.skills ?? [], supervisor: me.role !== 'agent' }));
  });

  router.get('/supervisor/wallboard', requireStaff('supervisor'), async (_req, res) => {
    res.json(await wallboard.read());
  });

  router.use(createStaffManagementRoutes({ accounts: agents.staff, db, catalogue, clock }));
  return router;
}
