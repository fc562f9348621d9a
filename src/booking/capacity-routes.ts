import { Router, type Request } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Catalogue } from '../catalogue/index.js';
import { requireStaff } from '../staff/index.js';
import { ZONE } from '../platform/clock.js';
import { parseInput } from '../platform/http.js';
import { calendarDay, freeText, plainText } from '../platform/input-schemas.js';
import type { BookingService } from './booking-service.js';
import type { WorkCalendar } from '../calendar/index.js';
import { NotFoundError, ValidationError } from '../platform/errors.js';
import type {
  CapacityLimitAdded,
  CapacityLimitRemoved,
  CapacityLimits,
  ClosureAdded,
  Closures,
  FlaggedBookings,
} from './capacity-responses.js';
import type { CapacityService } from './capacity-service.js';
import { actorFromPrincipal } from './booking-routes.js';

const limitSchema = z
  .object({
    hallId: plainText(64),
    serviceId: plainText(64).optional(),
    from: calendarDay,
    to: calendarDay,
    percent: z.coerce.number().int().min(0).max(100),
    reason: freeText(200),
  })
  .refine((input) => input.from <= input.to, { message: 'end_before_start', path: ['to'] });

/** A hall closure from the browser: one hall or every hall (`all`), a range of days, the reason callers hear. */
const closureSchema = z
  .object({ hallId: plainText(64), from: calendarDay, to: calendarDay, reason: freeText(200) })
  .refine((input) => input.from <= input.to, { message: 'end_before_start', path: ['to'] });

const idParam = z.object({ id: z.coerce.number().int().positive() });

/** A day as people write it: 2026年12月3日. */
const spokenDay = (day: string) => DateTime.fromISO(day, { zone: ZONE }).toFormat('yyyy年M月d日');
const spokenRange = (from: string, to: string) =>
  from === to ? spokenDay(from) : `${spokenDay(from)}至${spokenDay(to)}`;

const FLAGS: Readonly<Record<string, string>> = {
  capacity_lowered: '接待能力下调',
  hall_closed: '大厅闭厅',
};
const STATUS: Readonly<Record<string, string>> = {
  confirmed: '已预约',
  checked_in: '已到场',
  cancelled: '已取消',
  no_show: '未到场',
};

/**
 * The supervisors' capacity page (under /api, supervisor role): lower a hall's or a service's
 * capacity over days (0 % closes the hall), and the bookings that such changes flagged, with the
 * citizen's full number so that someone can call them back; every such read is audited.
 */
export function createCapacityRoutes(deps: {
  booking: BookingService;
  capacity: CapacityService;
  catalogue: Catalogue;
  calendar: WorkCalendar;
}): Router {
  const { booking, capacity, catalogue, calendar } = deps;
  const router = Router();
  const who = (req: Request) =>
    req.principal?.kind === 'staff' ? req.principal.userId : 'unknown';

  router.post('/supervisor/capacity-limits', requireStaff('supervisor'), async (req, res) => {
    const input = parseInput(limitSchema, req.body);
    const { limit, result } = await capacity.limitCapacity({ ...input, createdBy: who(req) });
    const body: CapacityLimitAdded = {
      id: limit.id,
      flagged: result.flagged,
      changedSlots: result.changed,
      holdsReleased: result.holdsReleased,
    };
    res.status(201).json(body);
  });

  router.get('/supervisor/capacity-limits', requireStaff('supervisor'), async (_req, res) => {
    const body: CapacityLimits = {
      limits: (await capacity.listLimits()).map((limit) => {
        const hall = catalogue.hall(limit.hallId);
        return {
          id: limit.id,
          hall: hall?.name ?? '已撤销的大厅',
          service: limit.serviceId
            ? (catalogue.service(limit.serviceId)?.service.name ?? '已撤销的事项')
            : '全部事项',
          days: spokenRange(limit.startsOn, limit.endsOn),
          percent: limit.percent,
          reason: limit.reason,
        };
      }),
    };
    res.json(body);
  });

  router.delete('/supervisor/capacity-limits/:id', requireStaff('supervisor'), async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const result = await capacity.removeLimit(id);
    if (!result) throw new NotFoundError(`no capacity limit ${id}`);
    const body: CapacityLimitRemoved = { changedSlots: result.changed, flagged: result.flagged };
    res.json(body);
  });

  /** Hall closures (the calendar's): callers hear the reason, slots of those days close and their bookings are flagged. */
  const reconcileHalls = async (hallId: string | null, from: string, to: string) => {
    let flagged = 0;
    for (const hall of hallId ? [hallId] : catalogue.halls.map((h) => h.id))
      flagged += (await capacity.reconcileCapacity(hall, from, to)).flagged;
    return flagged;
  };

  router.get('/supervisor/closures', requireStaff('supervisor'), (_req, res) => {
    const body: Closures = {
      closures: calendar.listClosures().map((closure) => ({
        id: closure.id,
        hall: closure.hallId
          ? (catalogue.hall(closure.hallId)?.name ?? '已撤销的大厅')
          : '全部大厅',
        days: spokenRange(closure.startsOn, closure.endsOn),
        reason: closure.reason,
      })),
    };
    res.json(body);
  });

  router.post('/supervisor/closures', requireStaff('supervisor'), async (req, res) => {
    const input = parseInput(closureSchema, req.body);
    const hallId = input.hallId === 'all' ? null : input.hallId;
    if (hallId && !catalogue.hall(hallId))
      throw new ValidationError(`hallId: no such hall: ${hallId}`, {
        fields: [{ field: 'hallId', reason: 'pick_from_list' }],
      });
    const row = await calendar.addClosure({
      hallId,
      startsOn: input.from,
      endsOn: input.to,
      reason: input.reason,
      createdBy: who(req),
    });
    const body: ClosureAdded = {
      id: row.id,
      flagged: await reconcileHalls(hallId, input.from, input.to),
    };
    res.status(201).json(body);
  });

  router.delete('/supervisor/closures/:id', requireStaff('supervisor'), async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const closure = calendar.listClosures().find((c) => c.id === id);
    if (!closure || !(await calendar.removeClosure(id)))
      throw new NotFoundError(`no hall closure ${id} today or later`);
    await reconcileHalls(closure.hallId, closure.startsOn, closure.endsOn);
    res.status(204).end();
  });

  router.get('/supervisor/flagged-bookings', requireStaff('supervisor'), async (req, res) => {
    const rows = await booking.listFlagged();
    const actor = actorFromPrincipal(req.principal!);
    await Promise.all(rows.map((row) => booking.recordRead(row, actor)));
    const body: FlaggedBookings = {
      halls: catalogue.halls.map((hall) => ({
        id: hall.id,
        name: hall.name,
        services: hall.departments.flatMap((d) =>
          d.services.filter((s) => s.bookable).map((s) => ({ id: s.id, name: s.name })),
        ),
      })),
      bookings: rows.map((row) => {
        const place = catalogue.service(row.serviceId);
        return {
          code: row.code,
          name: row.name,
          phone: row.phone,
          service: place?.service.name ?? '未知事项',
          hall: place?.hall.name ?? '',
          when: DateTime.fromJSDate(row.startsAt, { zone: ZONE }).toFormat('yyyy年M月d日 HH:mm'),
          status: STATUS[row.status] ?? '',
          flag: row.flag ? (FLAGS[row.flag] ?? '容量调整') : '',
        };
      }),
    };
    res.json(body);
  });

  return router;
}
