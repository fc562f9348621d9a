import { Router, type Request } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Catalogue } from '../catalogue/index.js';
import { requireStaff } from '../staff/index.js';
import { ZONE, type Clock } from '../platform/clock.js';
import { NotFoundError, ValidationError } from '../platform/errors.js';
import { parseInput } from '../platform/http.js';
import { freeText, plainText } from '../platform/input-schemas.js';
import type {
  AnnouncementAdded,
  AnnouncementList,
  AnnouncementView,
} from './announcement-responses.js';
import type { AnnouncementRow, Announcements } from './announcement-service.js';

/** A Beijing wall-clock time as a datetime-local field sends it: 2026-12-01T09:00. */
const localTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'invalid_time')
  .transform((value, ctx) => {
    const at = DateTime.fromISO(value, { zone: ZONE });
    if (!at.isValid) {
      ctx.addIssue({ code: 'custom', message: 'invalid_time' });
      return z.NEVER;
    }
    return at.toJSDate();
  });

const addSchema = z.object({
  text: freeText(500),
  startsAt: localTime.optional(),
  endsAt: localTime,
  hallId: plainText(64).optional(),
  hotlineNumber: plainText(32).optional(),
});
const idParams = z.object({ id: z.coerce.number().int().positive() });

const written = (at: Date) =>
  DateTime.fromJSDate(at, { zone: ZONE }).toFormat('yyyy年M月d日 HH:mm');

/**
 * The IVR announcements from the supervisors' pages (under /api, supervisor role): list the
 * running and scheduled ones, add one with its start and end (Beijing time), end one now.
 */
export function createAnnouncementRoutes(deps: {
  announcements: Announcements;
  catalogue: Catalogue;
  clock: Clock;
}): Router {
  const { announcements, catalogue, clock } = deps;
  const router = Router();
  const view = (row: AnnouncementRow): AnnouncementView => {
    const now = clock.now().getTime();
    return {
      id: row.id,
      text: row.text,
      scope: row.hotlineNumber
        ? (catalogue.hotline(row.hotlineNumber)?.name ?? '单条热线')
        : row.hallId
          ? (catalogue.hall(row.hallId)?.name ?? '单个大厅')
          : '全部热线',
      startsAt: written(row.startsAt),
      endsAt: written(row.endsAt),
      running: row.startsAt.getTime() <= now && now < row.endsAt.getTime(),
    };
  };
  const who = (req: Request) =>
    req.principal?.kind === 'staff' ? req.principal.userId : 'unknown';

  router.get('/supervisor/announcements', requireStaff('supervisor'), async (_req, res) => {
    const body: AnnouncementList = {
      announcements: (await announcements.list()).map(view),
      halls: catalogue.halls.map((hall) => ({ id: hall.id, name: hall.name })),
    };
    res.json(body);
  });

  router.post('/supervisor/announcements', requireStaff('supervisor'), async (req, res) => {
    const input = parseInput(addSchema, req.body);
    const startsAt = input.startsAt ?? clock.now();
    if (input.endsAt <= startsAt)
      throw new ValidationError('endsAt: the end must be after the start', {
        fields: [{ field: 'endsAt', reason: 'end_before_start' }],
      });
    const row = await announcements.add({
      text: input.text,
      startsAt,
      endsAt: input.endsAt,
      hallId: input.hallId ?? null,
      hotlineNumber: input.hotlineNumber ?? null,
      createdBy: who(req),
    });
    const body: AnnouncementAdded = { announcement: view(row) };
    res.status(201).json(body);
  });

  router.post('/supervisor/announcements/:id/end', requireStaff('supervisor'), async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'path');
    if (!(await announcements.end(id))) throw new NotFoundError(`no running announcement ${id}`);
    res.status(204).end();
  });

  return router;
}
