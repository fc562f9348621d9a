import type { Request } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { menuNode, type Menu, type MenuNode } from '../ivr/index.js';
import { ZONE } from '../platform/clock.js';
import { sendTwiml } from '../platform/twiml.js';
import { createVoiceRoutes, type VoiceRoutes } from '../platform/voice-routes.js';
import { normalizePhone } from './booking-identity.js';
import { createLookupVoiceRoutes } from './booking-lookup-routes.js';
import { voiceLinks, type BookingVoiceDeps } from './booking-voice-context.js';
import {
  buildAsk,
  buildGoodbye,
  buildSayAndRedirect,
  MAX_ATTEMPTS,
  spokenDate,
  spokenDigits,
  spokenSlot,
} from './booking-twiml.js';
import {
  callerActor,
  createPhoneBooking,
  halfDayCode,
  isKeyedMobile,
} from './phone-booking-service.js';
/** A mainland mobile number as keyed: 11 digits in a block the numbering plan gives to mobiles (SMS reaches it). */

const callSchema = z.object({
  CallSid: z.string().min(1),
  From: z.string().default(''),
  To: z.string().default(''),
  Digits: z.string().default(''),
});
const baseQuery = z.object({
  menu: z.string().min(1),
  node: z.string().min(1),
  attempt: z.coerce.number().int().min(1).default(1),
});

type BookingNode = Extract<MenuNode, { kind: 'booking' }>;

/** IVR self-service booking: service, day, morning or afternoon, first free slot, ID number, confirmation. */
export function createBookingVoiceRoutes(deps: BookingVoiceDeps): VoiceRoutes {
  const { booking, capacity, catalogue, menus, clock, config } = deps;
  const phoneBooking = createPhoneBooking(deps);
  const { prompts } = catalogue;
  const voice = config.twilio.voice;
  const links = voiceLinks(config.publicBaseUrl);
  const router = createVoiceRoutes();

  function nodeOf(
    req: Request,
  ): { menu: Menu; node: BookingNode; query: z.infer<typeof baseQuery> } | undefined {
    const query = baseQuery.safeParse(req.query);
    if (!query.success) return undefined;
    const menu = menus.get(query.data.menu);
    const node = menu ? menuNode(menu, query.data.node) : undefined;
    return menu && node?.kind === 'booking' ? { menu, node, query: query.data } : undefined;
  }

  /** After too many wrong keys, or when nothing fits: choose again or reach a person. */
  const offerAgain = (menu: Menu, nodeId: string, serviceId: string, texts: string[]) =>
    buildAsk({
      voice,
      before: texts,
      prompt: prompts.say('booking.again'),
      numDigits: 1,
      action: links.url('/booking/again', { menu: menu.id, node: nodeId, service: serviceId }),
    });

  /** A half-day as people say it: 今天下午, 明天12月1日星期二上午, 12月4日星期五上午. */
  function spokenHalfDay(code: string): string {
    const [, day, half] = halfDayCode.exec(code)!;
    const today = DateTime.fromJSDate(clock.now(), { zone: ZONE }).startOf('day');
    const offset = Math.round(DateTime.fromISO(day!, { zone: ZONE }).diff(today, 'days').days);
    const prefix = offset === 0 ? '今天' : offset === 1 ? '明天' : '';
    return `${prefix}${spokenDate(day!)}${half === 'am' ? '上午' : '下午'}`;
  }

  /** The ID number and the slot read back, then confirm (1), choose again (2) or a person (0); the SMS goes to `phone`. */
  async function readBack(menu: Menu, nodeId: string, holdId: string, phone?: string) {
    const hold = (await booking.findHold(holdId))!;
    const slot = (await capacity.findSlot(hold.slotId))!;
    const sms = phone ? prompts.say('booking.readBack.sms', { phone: spokenDigits(phone) }) : '';
    return buildAsk({
      voice,
      before: [
        prompts.say('booking.readBack.sentence', {
          service: catalogue.service(slot.serviceId)!.service.name,
          slot: spokenSlot(slot.startsAt, slot.endsAt),
          idLast4: spokenDigits((hold.idMasked ?? '').slice(-4).replace('X', '叉')),
          sms,
        }),
      ],
      prompt: prompts.say('booking.readBack.prompt'),
      numDigits: 1,
      action: links.url('/booking/confirm', { menu: menu.id, node: nodeId, hold: holdId }),
    });
  }

  /** Asks a caller whose number cannot receive SMS (withheld, a landline) for a mobile number. */
  const askMobile = (
    menu: Menu,
    nodeId: string,
    holdId: string,
    attempt: number,
    before: string[],
  ) =>
    buildAsk({
      voice,
      before,
      prompt: prompts.say('booking.mobile.ask'),
      action: links.url('/booking/phone', { menu: menu.id, node: nodeId, hold: holdId, attempt }),
    });

  router.post('/booking/start', (req, res) => {
    const found = nodeOf(req);
    if (!found) throw new Error(`not a booking node: ${JSON.stringify(req.query)}`);
    const { menu, node, query } = found;
    if (node.services.length === 1) {
      sendTwiml(
        res,
        buildSayAndRedirect(
          voice,
          node.prompt ? [node.prompt] : [],
          links.url('/booking/day', {
            menu: menu.id,
            node: query.node,
            service: node.services[0]!,
          }),
        ),
      );
      return;
    }
    const choices = node.services
      .map((id, i) =>
        prompts.say('booking.service.option', {
          service: catalogue.service(id)?.service.name ?? id,
          key: i + 1,
        }),
      )
      .join('；');
    sendTwiml(
      res,
      buildAsk({
        voice,
        before: node.prompt ? [node.prompt] : [],
        prompt: prompts.say('booking.service.prompt', { options: choices }),
        numDigits: 1,
        action: links.url('/booking/service', {
          menu: menu.id,
          node: query.node,
          attempt: query.attempt,
        }),
      }),
    );
  });

  router.post('/booking/service', (req, res) => {
    const found = nodeOf(req);
    if (!found) throw new Error('not a booking node');
    const { menu, node, query } = found;
    const { Digits } = callSchema.parse(req.body);
    if (Digits === '0')
      return sendTwiml(
        res,
        buildSayAndRedirect(voice, [prompts.say('booking.toOperator')], links.operator(menu.id)),
      );
    const serviceId = node.services[Number(Digits) - 1];
    if (!serviceId || !/^\d$/.test(Digits)) {
      if (query.attempt >= MAX_ATTEMPTS)
        return sendTwiml(
          res,
          buildSayAndRedirect(voice, [prompts.say('booking.tooMany')], links.operator(menu.id)),
        );
      return sendTwiml(
        res,
        buildSayAndRedirect(
          voice,
          [prompts.say('booking.invalid')],
          links.url('/booking/start', {
            menu: menu.id,
            node: query.node,
            attempt: query.attempt + 1,
          }),
        ),
      );
    }
    sendTwiml(
      res,
      buildSayAndRedirect(
        voice,
        [],
        links.url('/booking/day', { menu: menu.id, node: query.node, service: serviceId }),
      ),
    );
  });

  router.post('/booking/day', async (req, res) => {
    const found = nodeOf(req);
    const serviceId = String(req.query.service ?? '');
    if (!found || !found.node.services.includes(serviceId))
      throw new Error('not a booking node or service');
    const { menu, query } = found;
    const hall = catalogue.service(serviceId)!.hall;
    const from = halfDayCode.test(String(req.query.from ?? ''))
      ? String(req.query.from)
      : undefined;
    let { shown, next } = await phoneBooking.offeredHalfDays(hall.id, serviceId, from);
    // The later dates filled up since the caller pressed 9: start again from the first page.
    if (shown.length === 0 && from)
      ({ shown, next } = await phoneBooking.offeredHalfDays(hall.id, serviceId));
    if (shown.length === 0)
      return sendTwiml(
        res,
        buildSayAndRedirect(voice, [prompts.say('booking.day.none')], links.operator(menu.id)),
      );
    const more = next !== undefined;
    const choices = shown
      .map((code, i) =>
        prompts.say('booking.day.option', { date: spokenHalfDay(code), key: i + 1 }),
      )
      .join('；');
    const before =
      from === undefined
        ? [
            prompts.say('booking.day.chosenService', {
              service: catalogue.service(serviceId)!.service.name,
            }),
          ]
        : [];
    sendTwiml(
      res,
      buildAsk({
        voice,
        before,
        prompt: prompts.say('booking.day.prompt', {
          options: choices,
          more: more ? prompts.say('booking.day.more') : '',
        }),
        numDigits: 1,
        action: links.url('/booking/period', {
          menu: menu.id,
          node: query.node,
          service: serviceId,
          choices: shown.join(','),
          from: next,
          attempt: query.attempt,
        }),
      }),
    );
  });

  router.post('/booking/period', async (req, res) => {
    const found = nodeOf(req);
    const serviceId = String(req.query.service ?? '');
    const codes = String(req.query.choices ?? '').split(',');
    if (
      !found ||
      !found.node.services.includes(serviceId) ||
      !codes.every((code) => halfDayCode.test(code))
    )
      throw new Error('not a booking node or service');
    const { menu, query } = found;
    const call = callSchema.parse(req.body);
    const { Digits } = call;
    if (Digits === '0')
      return sendTwiml(
        res,
        buildSayAndRedirect(voice, [prompts.say('booking.toOperator')], links.operator(menu.id)),
      );
    const from = String(req.query.from ?? '');
    if (Digits === '9' && halfDayCode.test(from)) {
      return sendTwiml(
        res,
        buildSayAndRedirect(
          voice,
          [],
          links.url('/booking/day', { menu: menu.id, node: query.node, service: serviceId, from }),
        ),
      );
    }
    const code = /^[1-8]$/.test(Digits) ? codes[Number(Digits) - 1] : undefined;
    if (!code) {
      if (query.attempt >= MAX_ATTEMPTS)
        return sendTwiml(
          res,
          buildSayAndRedirect(voice, [prompts.say('booking.tooMany')], links.operator(menu.id)),
        );
      return sendTwiml(
        res,
        buildSayAndRedirect(
          voice,
          [prompts.say('booking.invalid')],
          links.url('/booking/day', {
            menu: menu.id,
            node: query.node,
            service: serviceId,
            attempt: query.attempt + 1,
          }),
        ),
      );
    }
    const held = await phoneBooking.holdFirstFree(call.CallSid, serviceId, code);
    if (held) {
      return sendTwiml(
        res,
        buildAsk({
          voice,
          before: [
            prompts.say('booking.slot.found', {
              slot: spokenSlot(held.slot.startsAt, held.slot.endsAt),
              minutes: config.booking.holdMinutes,
            }),
          ],
          prompt: prompts.say('booking.id.ask'),
          action: links.url('/booking/id', { menu: menu.id, node: query.node, hold: held.hold.id }),
        }),
      );
    }
    sendTwiml(
      res,
      offerAgain(menu, query.node, serviceId, [
        prompts.say('booking.slot.full', { halfDay: spokenHalfDay(code) }),
      ]),
    );
  });

  router.post('/booking/id', async (req, res) => {
    const found = nodeOf(req);
    const holdId = z.uuid().safeParse(req.query.hold);
    if (!found || !holdId.success) throw new Error('not a booking node or hold');
    const { menu, query } = found;
    const hold = await booking.findHold(holdId.data);
    const serviceId = hold ? (await capacity.findSlot(hold.slotId))?.serviceId : undefined;
    if (!hold || !serviceId) throw new Error('unknown hold');
    const { Digits } = callSchema.parse(req.body);
    // The keypad has no X: callers key * for it.
    if (!(await phoneBooking.setIdNumber(hold.id, Digits))) {
      if (query.attempt >= MAX_ATTEMPTS)
        return sendTwiml(
          res,
          offerAgain(menu, query.node, serviceId, [prompts.say('booking.id.stillWrong')]),
        );
      return sendTwiml(
        res,
        buildAsk({
          voice,
          before: [prompts.say('booking.id.wrong')],
          prompt: prompts.say('booking.id.again'),
          action: links.url('/booking/id', {
            menu: menu.id,
            node: query.node,
            hold: hold.id,
            attempt: query.attempt + 1,
          }),
        }),
      );
    }
    const { From } = callSchema.parse(req.body);
    // SMS reaches only mobiles: a withheld number or a landline is asked for one.
    if (normalizePhone(From)?.kind !== 'mobile')
      return sendTwiml(
        res,
        askMobile(menu, query.node, hold.id, 1, [prompts.say('booking.mobile.noSms')]),
      );
    sendTwiml(res, await readBack(menu, query.node, hold.id));
  });

  router.post('/booking/phone', async (req, res) => {
    const found = nodeOf(req);
    const holdId = z.uuid().safeParse(req.query.hold);
    if (!found || !holdId.success) throw new Error('not a booking node or hold');
    const { menu, query } = found;
    const hold = await booking.findHold(holdId.data);
    const slot = hold ? await capacity.findSlot(hold.slotId) : undefined;
    if (!hold || !slot) throw new Error('unknown hold');
    const digits = callSchema.parse(req.body).Digits.replace(/\D/g, '');
    if (!isKeyedMobile(digits)) {
      if (query.attempt >= MAX_ATTEMPTS)
        return sendTwiml(
          res,
          offerAgain(menu, query.node, slot.serviceId, [prompts.say('booking.mobile.stillWrong')]),
        );
      return sendTwiml(
        res,
        askMobile(menu, query.node, hold.id, query.attempt + 1, [
          prompts.say('booking.mobile.wrong'),
        ]),
      );
    }
    const { CallSid } = callSchema.parse(req.body);
    await phoneBooking.rememberMobile(CallSid, hold.id, digits);
    sendTwiml(
      res,
      buildAsk({
        voice,
        before: [prompts.say('booking.mobile.readBack', { phone: spokenDigits(digits) })],
        prompt: prompts.say('booking.mobile.confirm'),
        numDigits: 1,
        action: links.url('/booking/phone-check', {
          menu: menu.id,
          node: query.node,
          hold: hold.id,
        }),
      }),
    );
  });

  router.post('/booking/phone-check', async (req, res) => {
    const found = nodeOf(req);
    const holdId = z.uuid().safeParse(req.query.hold);
    if (!found || !holdId.success) throw new Error('not a booking node or hold');
    const { menu, query } = found;
    const call = callSchema.parse(req.body);
    const phone = await phoneBooking.keyedMobile(call.CallSid, holdId.data);
    // The keyed number expired (a very long pause): ask for it again rather than guess.
    if (!phone) return sendTwiml(res, askMobile(menu, query.node, holdId.data, 1, []));
    if (call.Digits === '1')
      return sendTwiml(res, await readBack(menu, query.node, holdId.data, phone));
    sendTwiml(res, askMobile(menu, query.node, holdId.data, 1, []));
  });

  router.post('/booking/confirm', async (req, res) => {
    const found = nodeOf(req);
    const holdId = z.uuid().safeParse(req.query.hold);
    if (!found || !holdId.success) throw new Error('not a booking node or hold');
    const { menu, query } = found;
    const call = callSchema.parse(req.body);
    const actor = callerActor(call.CallSid);
    const hold = await booking.findHold(holdId.data);
    const slot = hold ? await capacity.findSlot(hold.slotId) : undefined;
    if (!hold || !slot || !hold.idHash || !hold.idMasked || hold.holder !== call.CallSid)
      throw new Error('unknown hold');
    if (call.Digits !== '1') {
      if (hold.status === 'active') await booking.releaseHold(hold.id, actor);
      if (call.Digits === '2')
        return sendTwiml(
          res,
          buildSayAndRedirect(
            voice,
            [],
            links.url('/booking/day', { menu: menu.id, node: query.node, service: slot.serviceId }),
          ),
        );
      return sendTwiml(
        res,
        buildSayAndRedirect(voice, [prompts.say('booking.toOperator')], links.operator(menu.id)),
      );
    }
    const result = await phoneBooking.confirm(
      { callSid: call.CallSid, from: call.From, to: call.To },
      { id: hold.id, idHash: hold.idHash, idMasked: hold.idMasked },
      slot.id,
    );
    if (!result.booked) {
      const texts: Record<string, string> = {
        slot_full: prompts.say('booking.error.slotFull'),
        duplicate_booking: prompts.say('booking.error.duplicate'),
        booking_suspended: prompts.say('booking.error.suspended'),
      };
      return sendTwiml(
        res,
        offerAgain(menu, query.node, slot.serviceId, [
          texts[result.reason] ?? prompts.say('booking.error.other'),
        ]),
      );
    }
    const sms =
      normalizePhone(result.phone)?.kind === 'mobile' ? prompts.say('booking.done.sms') : '';
    const done = [
      prompts.say('booking.done.code', { code: spokenDigits(result.code) }),
      prompts.say('booking.done.where', {
        slot: spokenSlot(slot.startsAt, slot.endsAt),
        hall: catalogue.hall(slot.hallId)?.name ?? '',
        sms,
      }),
    ];
    // A hotline with 好差评 on asks the caller to evaluate before the call ends.
    const evaluation = await deps.afterSelfService?.(call.CallSid);
    sendTwiml(
      res,
      evaluation
        ? buildSayAndRedirect(voice, done, evaluation)
        : buildGoodbye(voice, done, prompts.say('goodbye')),
    );
  });

  router.post('/booking/again', (req, res) => {
    const found = nodeOf(req);
    const serviceId = String(req.query.service ?? '');
    if (!found || !found.node.services.includes(serviceId))
      throw new Error('not a booking node or service');
    const { menu, node, query } = found;
    const { Digits } = callSchema.parse(req.body);
    if (Digits === '1')
      return sendTwiml(
        res,
        buildSayAndRedirect(
          voice,
          [],
          links.url('/booking/day', { menu: menu.id, node: query.node, service: serviceId }),
        ),
      );
    if (Digits === '*')
      return sendTwiml(res, buildSayAndRedirect(voice, [], links.node(menu.id, menu.start)));
    if (Digits === '0')
      return sendTwiml(
        res,
        buildSayAndRedirect(voice, [prompts.say('booking.toOperator')], links.operator(menu.id)),
      );
    sendTwiml(res, buildSayAndRedirect(voice, [], links.node(menu.id, node.fallback)));
  });

  router.include(createLookupVoiceRoutes({ ...deps, links, actorFor: callerActor }));
  return router;
}
