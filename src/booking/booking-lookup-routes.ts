import type { Request } from 'express';
import { z } from 'zod';
import { menuNode, type Menu } from '../ivr/index.js';
import { AppError } from '../platform/errors.js';
import { sendTwiml } from '../platform/twiml.js';
import { createVoiceRoutes, type VoiceRoutes } from '../platform/voice-routes.js';
import { normalizePhone } from './booking-identity.js';
import type { Actor, BookingRow } from './booking-service.js';
import {
  buildAsk,
  buildGoodbye,
  buildSayAndRedirect,
  MAX_ATTEMPTS,
  spokenDigits,
  spokenSlot,
} from './booking-twiml.js';
import type { BookingVoiceDeps, VoiceLinks } from './booking-voice-context.js';

const callSchema = z.object({
  CallSid: z.string().min(1),
  From: z.string().default(''),
  Digits: z.string().default(''),
});
const baseQuery = z.object({
  menu: z.string().min(1),
  node: z.string().min(1),
  attempt: z.coerce.number().int().min(1).default(1),
});

/** IVR booking look-up and cancel, by booking code or by the calling number, with confirmation. */
export function createLookupVoiceRoutes(
  deps: BookingVoiceDeps & { links: VoiceLinks; actorFor: (callSid: string) => Actor },
): VoiceRoutes {
  const { booking, catalogue, menus, ledger, links, actorFor } = deps;
  const voice = deps.config.twilio.voice;
  const { prompts } = catalogue;
  const router = createVoiceRoutes();

  function nodeOf(
    req: Request,
  ): { menu: Menu; nodeId: string; attempt: number; back: string } | undefined {
    const query = baseQuery.safeParse(req.query);
    if (!query.success) return undefined;
    const menu = menus.get(query.data.menu);
    const node = menu ? menuNode(menu, query.data.node) : undefined;
    if (!menu || node?.kind !== 'booking-lookup') return undefined;
    return {
      menu,
      nodeId: query.data.node,
      attempt: query.data.attempt,
      back: links.node(menu.id, node.fallback ?? menu.start),
    };
  }

  const describe = (row: BookingRow) =>
    prompts.say('lookup.booking', {
      slot: spokenSlot(row.startsAt, row.endsAt),
      hall: catalogue.hall(row.hallId)?.name ?? '',
      service: catalogue.service(row.serviceId)?.service.name ?? '',
    });
  const toPerson = (menu: Menu) =>
    buildSayAndRedirect(voice, [prompts.say('booking.toOperator')], links.operator(menu.id));
  const tooMany = (menu: Menu) =>
    buildSayAndRedirect(voice, [prompts.say('lookup.tooMany')], links.operator(menu.id));

  router.post('/booking/lookup', (req, res) => {
    const found = nodeOf(req);
    if (!found) throw new Error('not a booking look-up node');
    const { menu, nodeId, attempt } = found;
    sendTwiml(
      res,
      buildAsk({
        voice,
        prompt: prompts.say('lookup.menu'),
        numDigits: 1,
        action: links.url('/booking/lookup/choice', { menu: menu.id, node: nodeId, attempt }),
      }),
    );
  });

  router.post('/booking/lookup/choice', async (req, res) => {
    const found = nodeOf(req);
    if (!found) throw new Error('not a booking look-up node');
    const { menu, nodeId, attempt, back } = found;
    const call = callSchema.parse(req.body);
    if (call.Digits === '1') {
      return sendTwiml(
        res,
        buildAsk({
          voice,
          prompt: prompts.say('lookup.code.ask'),
          action: links.url('/booking/lookup/code', { menu: menu.id, node: nodeId }),
        }),
      );
    }
    if (call.Digits === '2') {
      const phone = normalizePhone(call.From)?.e164;
      const rows = phone ? await booking.upcomingByPhone(phone) : [];
      await booking.recordPhoneAction({
        actor: actorFor(call.CallSid),
        action: 'lookup',
        result: rows.length > 0 ? 'ok' : 'refused',
        details: { by: 'phone', found: rows.length },
      });
      if (rows.length === 0)
        return sendTwiml(res, buildSayAndRedirect(voice, [prompts.say('lookup.phone.none')], back));
      const list = rows.map((row, i) =>
        prompts.say('lookup.phone.item', { number: i + 1, booking: describe(row) }),
      );
      const prompt = prompts.say('lookup.phone.prompt', {
        example: rows.length === 1 ? '' : prompts.say('lookup.phone.example'),
      });
      return sendTwiml(
        res,
        buildAsk({
          voice,
          before: [prompts.say('lookup.phone.count', { count: rows.length }), ...list],
          prompt,
          numDigits: 1,
          action: links.url('/booking/lookup/pick', {
            menu: menu.id,
            node: nodeId,
            ids: rows.map((r) => r.id).join(','),
          }),
        }),
      );
    }
    if (call.Digits === '0') return sendTwiml(res, toPerson(menu));
    if (call.Digits === '*') return sendTwiml(res, buildSayAndRedirect(voice, [], back));
    if (attempt >= MAX_ATTEMPTS) return sendTwiml(res, tooMany(menu));
    sendTwiml(
      res,
      buildSayAndRedirect(
        voice,
        [prompts.say('lookup.invalid')],
        links.url('/booking/lookup', { menu: menu.id, node: nodeId, attempt: attempt + 1 }),
      ),
    );
  });

  const offerCancel = (menu: Menu, nodeId: string, row: BookingRow, before: string[]) =>
    buildAsk({
      voice,
      before,
      prompt: prompts.say('lookup.cancel.offer'),
      numDigits: 1,
      action: links.url('/booking/lookup/cancel', { menu: menu.id, node: nodeId, booking: row.id }),
    });

  router.post('/booking/lookup/code', async (req, res) => {
    const found = nodeOf(req);
    if (!found) throw new Error('not a booking look-up node');
    const { menu, nodeId, attempt, back } = found;
    const { Digits, CallSid } = callSchema.parse(req.body);
    const row = /^\d{8}$/.test(Digits) ? await booking.findBookingByCode(Digits) : undefined;
    await booking.recordPhoneAction({
      actor: actorFor(CallSid),
      action: 'lookup',
      result: row ? 'ok' : 'refused',
      bookingId: row?.id,
      details: { by: 'code' },
    });
    if (!row) {
      if (attempt >= MAX_ATTEMPTS) return sendTwiml(res, tooMany(menu));
      return sendTwiml(
        res,
        buildAsk({
          voice,
          before: [prompts.say('lookup.code.notFound')],
          prompt: prompts.say('lookup.code.again'),
          action: links.url('/booking/lookup/code', {
            menu: menu.id,
            node: nodeId,
            attempt: attempt + 1,
          }),
        }),
      );
    }
    const what = { code: spokenDigits(row.code), booking: describe(row) };
    if (row.status !== 'confirmed') {
      const state = {
        cancelled: prompts.say('lookup.state.cancelled'),
        checked_in: prompts.say('lookup.state.checkedIn'),
        no_show: prompts.say('lookup.state.noShow'),
      }[row.status];
      return sendTwiml(
        res,
        buildSayAndRedirect(voice, [prompts.say('lookup.code.status', { ...what, state })], back),
      );
    }
    sendTwiml(res, offerCancel(menu, nodeId, row, [prompts.say('lookup.code.valid', what)]));
  });

  router.post('/booking/lookup/pick', async (req, res) => {
    const found = nodeOf(req);
    if (!found) throw new Error('not a booking look-up node');
    const { menu, nodeId, back } = found;
    const ids = z
      .array(z.uuid())
      .max(5)
      .parse(String(req.query.ids ?? '').split(','));
    const { Digits } = callSchema.parse(req.body);
    if (Digits === '0') return sendTwiml(res, toPerson(menu));
    const id = /^\d$/.test(Digits) ? ids[Number(Digits) - 1] : undefined;
    const row = id ? await booking.findBooking(id) : undefined;
    if (!row) return sendTwiml(res, buildSayAndRedirect(voice, [], back));
    sendTwiml(
      res,
      buildAsk({
        voice,
        before: [prompts.say('lookup.cancel.chosen', { booking: describe(row) })],
        prompt: prompts.say('lookup.cancel.confirm'),
        numDigits: 1,
        action: links.url('/booking/lookup/confirm', {
          menu: menu.id,
          node: nodeId,
          booking: row.id,
        }),
      }),
    );
  });

  router.post('/booking/lookup/cancel', async (req, res) => {
    const found = nodeOf(req);
    const id = z.uuid().safeParse(req.query.booking);
    if (!found || !id.success) throw new Error('not a booking look-up node');
    const { menu, nodeId, back } = found;
    const { Digits } = callSchema.parse(req.body);
    if (Digits === '0') return sendTwiml(res, toPerson(menu));
    if (Digits !== '1') return sendTwiml(res, buildSayAndRedirect(voice, [], back));
    sendTwiml(
      res,
      buildAsk({
        voice,
        prompt: prompts.say('lookup.cancel.confirm'),
        numDigits: 1,
        action: links.url('/booking/lookup/confirm', {
          menu: menu.id,
          node: nodeId,
          booking: id.data,
        }),
      }),
    );
  });

  router.post('/booking/lookup/confirm', async (req, res) => {
    const found = nodeOf(req);
    const id = z.uuid().safeParse(req.query.booking);
    if (!found || !id.success) throw new Error('not a booking look-up node');
    const { menu, back } = found;
    const call = callSchema.parse(req.body);
    if (call.Digits !== '1')
      return sendTwiml(res, buildSayAndRedirect(voice, [prompts.say('lookup.cancel.kept')], back));
    try {
      const row = await booking.cancel(id.data, actorFor(call.CallSid));
      await ledger.markSelfServed(call.CallSid);
      sendTwiml(
        res,
        buildGoodbye(
          voice,
          [prompts.say('lookup.cancel.done', { booking: describe(row) })],
          prompts.say('goodbye'),
        ),
      );
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      sendTwiml(
        res,
        buildSayAndRedirect(voice, [prompts.say('lookup.cancel.refused')], links.operator(menu.id)),
      );
    }
  });

  return router;
}
