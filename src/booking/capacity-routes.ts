import { Router, type Request } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Catalogue } from '../catalogue/index.js';
import { requireStaff } from '../staff/index.js';
import { ZONE } from '../platform/clock.js';
import { parseInput } from '../platform/http.js';
import { calendarDay, freeText } from '../platform/input-schemas.js';
import type { BookingService } from './booking-service.js';
import type { CapacityService } from './capacity-service.js';
import { actorFromPrincipal } from './booking-routes.js';

const limitSchema = z
  .object({
    hallId: z.string().min(1),
    serviceId: z.string().min(1).optional(),
    from: calendarDay,
    to: calendarDay,
    percent: z.coerce.number().int().min(0).max(100),
    reason: freeText(200),
  })
  .refine((input) => input.from <= input.to, { message: 'end_before_start', path: ['to'] });

const FLAGS: Readonly<Record<string, string>> = { capacity_lowered: '接待能力下调', hall_closed: '大厅闭厅' };
const STATUS: Readonly<Record<string, string>> = { confirmed: '已预约', checked_in: '已到场', cancelled: '已取消', no_show: '未到场' };

/**
 * The supervisors' capacity page (under /api, supervisor role): lower a hall's or a service's
 * capacity over days (0 % closes the hall), and the bookings that such changes flagged, with the
 * citizen's full number so that someone can call them back; every such read is audited.
 */
export function createCapacityRoutes(deps: { booking: BookingService; capacity: CapacityService; catalogue: Catalogue }): Router {
  const { booking, capacity, catalogue } = deps;
  const router = Router();
  const who = (req: Request) => (req.principal?.kind === 'staff' ? req.principal.userId : 'unknown');

  router.post('/supervisor/capacity-limits', requireStaff('supervisor'), async (req, res) => {
    const input = parseInput(limitSchema, req.body);
    const { limit, result } = await capacity.limitCapacity({ ...input, createdBy: who(req) });
    res.status(201).json({ id: limit.id, flagged: result.flagged, changedSlots: result.changed, holdsReleased: result.holdsReleased });
  });

  router.get('/supervisor/flagged-bookings', requireStaff('supervisor'), async (req, res) => {
    const rows = await booking.listFlagged();
    const actor = actorFromPrincipal(req.principal!);
    await Promise.all(rows.map((row) => booking.recordRead(row, actor)));
    res.json({
      halls: catalogue.halls.map((hall) => ({ id: hall.id, name: hall.name, services: hall.departments.flatMap((d) => d.services.filter((s) => s.bookable).map((s) => ({ id: s.id, name: s.name }))) })),
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
    });
  });

  return router;
}
