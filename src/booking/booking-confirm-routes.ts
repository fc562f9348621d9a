import { z } from 'zod';
import type { Menu } from '../ivr/index.js';
import { sendTwiml } from '../platform/twiml.js';
import { createVoiceRoutes, type VoiceRoutes } from '../platform/voice-routes.js';
import { normalizePhone } from './booking-identity.js';
import {
  buildAsk,
  buildGoodbye,
  buildSayAndRedirect,
  MAX_ATTEMPTS,
  spokenDigits,
  spokenSlot,
} from './booking-twiml.js';
import type { BookingVoiceDeps } from './booking-voice-context.js';
import { callSchema, type BookingVoiceKit } from './booking-voice-kit.js';
import { callerActor, isKeyedMobile } from './phone-booking-service.js';

/**
 * IVR self-service booking once a slot is held: the ID number, a mobile number for the SMS when
 * the calling number cannot take one, the read-back and the confirmation.
 */
export function createConfirmVoiceRoutes(
  deps: BookingVoiceDeps,
  kit: BookingVoiceKit,
): VoiceRoutes {
  const { booking, capacity, catalogue } = deps;
  const { phoneBooking, prompts, voice, links, nodeOf, offerAgain } = kit;
  const router = createVoiceRoutes();

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

  return router;
}
