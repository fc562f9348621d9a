import { DateTime } from 'luxon';
import { ZONE } from '../platform/clock.js';
import { sendTwiml } from '../platform/twiml.js';
import { createVoiceRoutes, type VoiceRoutes } from '../platform/voice-routes.js';
import { createConfirmVoiceRoutes } from './booking-confirm-routes.js';
import { createLookupVoiceRoutes } from './booking-lookup-routes.js';
import {
  buildAsk,
  buildSayAndRedirect,
  MAX_ATTEMPTS,
  spokenDate,
  spokenSlot,
} from './booking-twiml.js';
import type { BookingVoiceDeps } from './booking-voice-context.js';
import { callSchema, createBookingVoiceKit } from './booking-voice-kit.js';
import { callerActor, halfDayCode } from './phone-booking-service.js';

/** IVR self-service booking: service, day, morning or afternoon, first free slot, ID number, confirmation. */
export function createBookingVoiceRoutes(deps: BookingVoiceDeps): VoiceRoutes {
  const { catalogue, clock, config } = deps;
  const kit = createBookingVoiceKit(deps);
  const { phoneBooking, prompts, voice, links, nodeOf, offerAgain } = kit;
  const router = createVoiceRoutes();

  /** A half-day as people say it: 今天下午, 明天12月1日星期二上午, 12月4日星期五上午. */
  function spokenHalfDay(code: string): string {
    const [, day, half] = halfDayCode.exec(code)!;
    const today = DateTime.fromJSDate(clock.now(), { zone: ZONE }).startOf('day');
    const offset = Math.round(DateTime.fromISO(day!, { zone: ZONE }).diff(today, 'days').days);
    const prefix = offset === 0 ? '今天' : offset === 1 ? '明天' : '';
    return `${prefix}${spokenDate(day!)}${half === 'am' ? '上午' : '下午'}`;
  }

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

  router.include(createConfirmVoiceRoutes(deps, kit));
  router.include(createLookupVoiceRoutes({ ...deps, links, actorFor: callerActor }));
  return router;
}
