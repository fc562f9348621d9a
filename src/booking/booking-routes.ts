import { Router, type Request } from 'express';
import { DateTime } from 'luxon';
import type { Catalogue } from '../catalogue/index.js';
import { requirePrincipal, type Principal } from '../platform/auth.js';
import { ZONE, type Clock } from '../platform/clock.js';
import type { Config } from '../platform/config.js';
import { ForbiddenError, NotFoundError } from '../platform/errors.js';
import { parseInput } from '../platform/http.js';
import { requireStaff } from '../staff/index.js';
import type { BookingLookup } from './booking-lookup-service.js';
import type { Actor } from './booking-service.js';
import type { LedgeredBookingService } from './phone-ledger-service.js';
import {
  bookingBodySchema,
  codeParam,
  citizenLookupQuerySchema,
  holdBodySchema,
  hallQuerySchema,
  idempotencyKeySchema,
  rescheduleBodySchema,
  slotsQuerySchema,
  uuidParam,
} from './booking-schemas.js';
import {
  toBookingView,
  toSlotView,
  type BookingView,
  type HoldView,
  type SlotView,
} from './booking-views.js';
import type { CapacityService } from './capacity-service.js';
import { isoLocal } from './capacity-rules.js';

/** The actor behind an authenticated request: channel clients book with (and reach only) their channel, staff with `phone`. */
export function actorFromPrincipal(principal: Principal): Actor {
  return principal.kind === 'channel'
    ? {
        channel: principal.channel,
        id: principal.keyId,
        label: `channel:${principal.keyId}`,
        ownChannelOnly: true,
      }
    : { channel: 'phone', id: principal.userId, label: `staff:${principal.userId}` };
}

const actorOf = (req: Request): Actor => actorFromPrincipal(req.principal!);

export interface BookingRoutesDeps {
  booking: LedgeredBookingService;
  lookup: BookingLookup;
  capacity: CapacityService;
  catalogue: Catalogue;
  clock: Clock;
  config: Config;
}

/** The booking API for every channel, under /api. Reads of services and slots are public. */
export function createBookingRoutes(deps: BookingRoutesDeps): Router {
  const { booking, lookup, capacity, catalogue, clock, config } = deps;
  const router = Router();

  const services = catalogue.halls.flatMap((hall) =>
    hall.departments.flatMap((department) =>
      department.services
        .filter((s) => s.bookable)
        .map((s) => ({
          id: s.id,
          name: s.name,
          hallId: hall.id,
          hallName: hall.name,
          departmentId: department.id,
          departmentName: department.name,
          minutes: s.minutes,
          bring: s.bring,
        })),
    ),
  );

  router.get('/services', (_req, res) => {
    res.json(services);
  });

  router.get('/slots', async (req, res) => {
    const query = parseInput(slotsQuerySchema, req.query, 'query');
    const place = catalogue.service(query.service);
    if (!place || place.hall.id !== query.hall || !place.service.bookable)
      throw new NotFoundError(`no bookable service ${query.service} in hall ${query.hall}`);
    const today = DateTime.fromJSDate(clock.now(), { zone: ZONE });
    const from = query.from ?? today.toISODate()!;
    const to =
      query.to ??
      DateTime.fromISO(from, { zone: ZONE })
        .plus({ days: config.booking.horizonDays })
        .toISODate()!;
    // Without credentials, availability is shown as the website would see it.
    const channel = req.principal ? actorOf(req).channel : 'web';
    const rows = await capacity.listSlots({
      hallId: query.hall,
      serviceId: query.service,
      fromDay: from,
      toDay: to,
    });
    if (req.principal?.kind === 'staff')
      await booking.recordPhoneAction({
        actor: actorOf(req),
        action: 'search',
        result: 'ok',
        details: { serviceId: query.service, from, to, found: rows.length },
      });
    const slots: SlotView[] = rows
      .filter((slot) => !slot.closed)
      .map((slot) => toSlotView(slot, channel, clock.now(), config.booking.phoneShareHours));
    res.json(slots);
  });

  router.post('/holds', requirePrincipal, async (req, res) => {
    const body = parseInput(holdBodySchema, req.body, 'body');
    const hold = await booking.createHold(body.slotId, actorOf(req));
    const held: HoldView = {
      id: hold.id,
      slotId: hold.slotId,
      status: hold.status,
      expiresAt: isoLocal(hold.expiresAt),
    };
    res.status(201).json(held);
  });

  router.delete('/holds/:id', requirePrincipal, async (req, res) => {
    const id = parseInput(uuidParam, req.params.id, 'id');
    await booking.releaseHold(id, actorOf(req));
    res.status(204).end();
  });

  router.post('/bookings', requirePrincipal, async (req, res) => {
    const key = parseInput(
      idempotencyKeySchema,
      req.header('idempotency-key') ?? '',
      'Idempotency-Key',
    );
    const body = parseInput(bookingBodySchema, req.body, 'body');
    const outcome = await booking.createBooking(
      {
        slotId: body.slotId,
        holdId: body.holdId,
        name: body.name,
        phone: body.phone,
        identity: { idNumber: body.idNumber },
      },
      actorOf(req),
      key,
    );
    if (outcome.replayed) res.setHeader('Idempotent-Replayed', 'true');
    const created: BookingView = outcome.body;
    res.status(outcome.status).json(created);
  });

  router.get('/bookings/flagged', requireStaff('agent'), async (req, res) => {
    const { hall } = parseInput(hallQuerySchema, req.query, 'query');
    const rows = await booking.listFlagged(hall);
    res.json(rows.map((row) => toBookingView(row, catalogue)));
  });

  router.get('/bookings/:code', requirePrincipal, async (req, res) => {
    const code = parseInput(codeParam, req.params.code, 'code');
    if (req.principal!.kind === 'channel') {
      // A channel acts for a citizen who has only the code: a second factor, rate-limited.
      const { last4 } = parseInput(citizenLookupQuerySchema, req.query, 'query');
      res.json(toBookingView(await lookup.findForCitizen(code, last4, actorOf(req)), catalogue));
      return;
    }
    const row = await booking.findBookingByCode(code);
    if (!row) throw new NotFoundError(`no booking with code ${code}`);
    await booking.recordRead(row, actorOf(req));
    const found: BookingView = toBookingView(row, catalogue);
    res.json(found);
  });

  /**
   * A booking named by its id or by its 8-digit code (what the caller reads out). A channel names
   * by code only its own channel's bookings: any other code is as unknown as a wrong one.
   */
  async function bookingIdOf(req: Request, raw: unknown): Promise<string> {
    if (typeof raw === 'string' && /^\d{8}$/.test(raw)) {
      const row = await booking.findBookingByCode(raw);
      const actor = actorOf(req);
      if (!row || (actor.ownChannelOnly && row.channel !== actor.channel))
        throw new NotFoundError(`no booking with code ${raw}`);
      return row.id;
    }
    return parseInput(uuidParam, raw, 'id');
  }

  router.post('/bookings/:id/cancel', requirePrincipal, async (req, res) => {
    const id = await bookingIdOf(req, req.params.id);
    const cancelled: BookingView = toBookingView(await booking.cancel(id, actorOf(req)), catalogue);
    res.json(cancelled);
  });

  router.post('/bookings/:id/reschedule', requirePrincipal, async (req, res) => {
    const id = await bookingIdOf(req, req.params.id);
    const body = parseInput(rescheduleBodySchema, req.body, 'body');
    const moved: BookingView = toBookingView(
      await booking.reschedule(id, body.slotId, actorOf(req)),
      catalogue,
    );
    res.json(moved);
  });

  router.post('/bookings/:id/check-in', requirePrincipal, async (req, res) => {
    const id = await bookingIdOf(req, req.params.id);
    const actor = actorOf(req);
    // Check-in happens at the hall: the walk-in desk or staff, not the website or WeChat.
    if (actor.channel !== 'walk_in' && actor.channel !== 'phone')
      throw new ForbiddenError('check-in is done at the hall (walk-in desk or staff)');
    res.json(toBookingView(await booking.checkIn(id, actor), catalogue));
  });

  return router;
}
