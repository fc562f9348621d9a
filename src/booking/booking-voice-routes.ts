import { Router, type Request } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { menuNode, type Menu, type MenuNode } from '../ivr/index.js';
import { ZONE } from '../platform/clock.js';
import { AppError } from '../platform/errors.js';
import { sendTwiml } from '../platform/twiml.js';
import { checkIdNumber, normalizePhone, protectIdNumber } from './booking-identity.js';
import { createLookupVoiceRoutes } from './booking-lookup-routes.js';
import { voiceLinks, type BookingVoiceDeps } from './booking-voice-context.js';
import type { Actor } from './booking-service.js';
import { buildAsk, buildGoodbye, buildSayAndRedirect, MAX_ATTEMPTS, spokenDate, spokenDigits, spokenSlot } from './booking-twiml.js';
import { availableFor } from './booking-views.js';

/** Half-days offered at a time on keys 1-8; 9 hears more dates up to the release horizon, 0 a person. */
const CHOICES_PER_PAGE = 8;
/** A half-day as carried in a URL: 2026-12-04.am. */
const halfDayCode = /^(\d{4}-\d{2}-\d{2})\.(am|pm)$/;
/** A mainland mobile number as keyed: 11 digits. */
const mobileDigits = /^1[3-9]\d{9}$/;

const callSchema = z.object({ CallSid: z.string().min(1), From: z.string().default(''), To: z.string().default(''), Digits: z.string().default('') });
const baseQuery = z.object({ menu: z.string().min(1), node: z.string().min(1), attempt: z.coerce.number().int().min(1).default(1) });

type BookingNode = Extract<MenuNode, { kind: 'booking' }>;

/** IVR self-service booking: service, day, morning or afternoon, first free slot, ID number, confirmation. */
export function createBookingVoiceRoutes(deps: BookingVoiceDeps): Router {
  const { booking, capacity, calendar, catalogue, menus, ledger, clock, config } = deps;
  const voice = config.twilio.voice;
  const links = voiceLinks(config.publicBaseUrl);
  const log = deps.logger.child({ component: 'booking-ivr' });
  const router = Router();

  function nodeOf(req: Request): { menu: Menu; node: BookingNode; query: z.infer<typeof baseQuery> } | undefined {
    const query = baseQuery.safeParse(req.query);
    if (!query.success) return undefined;
    const menu = menus.get(query.data.menu);
    const node = menu ? menuNode(menu, query.data.node) : undefined;
    return menu && node?.kind === 'booking' ? { menu, node, query: query.data } : undefined;
  }

  const actorFor = (callSid: string): Actor => ({ channel: 'ivr', id: callSid, label: `call:${callSid}` });

  /** After too many wrong keys, or when nothing fits: choose again or reach a person. */
  const offerAgain = (menu: Menu, nodeId: string, serviceId: string, texts: string[]) =>
    buildAsk({ voice, before: texts, prompt: '重新选择日期请按1，转人工服务请按0，返回主菜单请按星号键。', numDigits: 1, action: links.url('/booking/again', { menu: menu.id, node: nodeId, service: serviceId }) });

  /**
   * Half-days from today (its remaining slots) up to the release horizon on which the service
   * still has a place for phone bookings, in order: 2026-12-04.am, 2026-12-04.pm, ...
   */
  async function offeredHalfDays(hallId: string, serviceId: string): Promise<string[]> {
    const now = clock.now();
    const today = DateTime.fromJSDate(now, { zone: ZONE });
    const slots = await capacity.listSlots({ hallId, serviceId, fromDay: today.toISODate()!, toDay: today.plus({ days: config.booking.horizonDays }).toISODate()! });
    const codes: string[] = [];
    for (const slot of slots) {
      const start = DateTime.fromJSDate(slot.startsAt, { zone: ZONE });
      const day = start.toISODate()!;
      if (calendar.coverage(start.year) === 'none' || !calendar.hallDay(hallId, day).open) continue;
      if (availableFor(slot, 'ivr', now, config.booking.phoneShareHours) <= 0) continue;
      const code = `${day}.${start.hour < 12 ? 'am' : 'pm'}`;
      if (!codes.includes(code)) codes.push(code);
    }
    return codes;
  }

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
    const sms = phone ? `预约短信将发送到手机号码${spokenDigits(phone)}。` : '';
    return buildAsk({
      voice,
      before: [`您预约的是${catalogue.service(slot.serviceId)!.service.name}，时间是${spokenSlot(slot.startsAt, slot.endsAt)}，身份证号码尾号${spokenDigits((hold.idMasked ?? '').slice(-4).replace('X', '叉'))}。${sms}`],
      prompt: '确认预约请按1，重新选择请按2，转人工服务请按0。',
      numDigits: 1,
      action: links.url('/booking/confirm', { menu: menu.id, node: nodeId, hold: holdId, phone }),
    });
  }

  /** Asks a caller whose number cannot receive SMS (withheld, a landline) for a mobile number. */
  const askMobile = (menu: Menu, nodeId: string, holdId: string, attempt: number, before: string[]) =>
    buildAsk({ voice, before, prompt: '请输入接收预约短信的11位手机号码，输入完毕请按井号键。', action: links.url('/booking/phone', { menu: menu.id, node: nodeId, hold: holdId, attempt }) });

  router.post('/booking/start', (req, res) => {
    const found = nodeOf(req);
    if (!found) throw new Error(`not a booking node: ${JSON.stringify(req.query)}`);
    const { menu, node, query } = found;
    if (node.services.length === 1) {
      sendTwiml(res, buildSayAndRedirect(voice, node.prompt ? [node.prompt] : [], links.url('/booking/day', { menu: menu.id, node: query.node, service: node.services[0]! })));
      return;
    }
    const choices = node.services.map((id, i) => `${catalogue.service(id)?.service.name ?? id}请按${i + 1}`).join('；');
    sendTwiml(res, buildAsk({ voice, before: node.prompt ? [node.prompt] : [], prompt: `${choices}；转人工服务请按0。`, numDigits: 1, action: links.url('/booking/service', { menu: menu.id, node: query.node, attempt: query.attempt }) }));
  });

  router.post('/booking/service', (req, res) => {
    const found = nodeOf(req);
    if (!found) throw new Error('not a booking node');
    const { menu, node, query } = found;
    const { Digits } = callSchema.parse(req.body);
    if (Digits === '0') return sendTwiml(res, buildSayAndRedirect(voice, ['正在为您转接人工服务。'], links.operator(menu.id)));
    const serviceId = node.services[Number(Digits) - 1];
    if (!serviceId || !/^\d$/.test(Digits)) {
      if (query.attempt >= MAX_ATTEMPTS) return sendTwiml(res, buildSayAndRedirect(voice, ['抱歉，没有听到有效的选择，为您转接人工服务。'], links.operator(menu.id)));
      return sendTwiml(res, buildSayAndRedirect(voice, ['您的输入有误，请重新选择。'], links.url('/booking/start', { menu: menu.id, node: query.node, attempt: query.attempt + 1 })));
    }
    sendTwiml(res, buildSayAndRedirect(voice, [], links.url('/booking/day', { menu: menu.id, node: query.node, service: serviceId })));
  });

  router.post('/booking/day', async (req, res) => {
    const found = nodeOf(req);
    const serviceId = String(req.query.service ?? '');
    const page = z.coerce.number().int().min(0).catch(0).parse(req.query.page ?? 0);
    if (!found || !found.node.services.includes(serviceId)) throw new Error('not a booking node or service');
    const { menu, query } = found;
    const hall = catalogue.service(serviceId)!.hall;
    const codes = await offeredHalfDays(hall.id, serviceId);
    if (codes.length === 0) return sendTwiml(res, buildSayAndRedirect(voice, ['抱歉，近期暂无可预约的日期，为您转接人工服务。'], links.operator(menu.id)));
    const start = page * CHOICES_PER_PAGE < codes.length ? page * CHOICES_PER_PAGE : 0;
    const shown = codes.slice(start, start + CHOICES_PER_PAGE);
    const more = start + CHOICES_PER_PAGE < codes.length;
    const choices = shown.map((code, i) => `${spokenHalfDay(code)}请按${i + 1}`).join('；');
    const before = page === 0 ? [`您选择的是${catalogue.service(serviceId)!.service.name}。`] : [];
    sendTwiml(
      res,
      buildAsk({
        voice,
        before,
        prompt: `请选择日期。${choices}；${more ? '听更多日期请按9；' : ''}转人工服务请按0。`,
        numDigits: 1,
        action: links.url('/booking/period', { menu: menu.id, node: query.node, service: serviceId, choices: shown.join(','), page: more ? start / CHOICES_PER_PAGE + 1 : undefined, attempt: query.attempt }),
      }),
    );
  });

  router.post('/booking/period', async (req, res) => {
    const found = nodeOf(req);
    const serviceId = String(req.query.service ?? '');
    const codes = String(req.query.choices ?? '').split(',');
    if (!found || !found.node.services.includes(serviceId) || !codes.every((code) => halfDayCode.test(code))) throw new Error('not a booking node or service');
    const { menu, query } = found;
    const call = callSchema.parse(req.body);
    const { Digits } = call;
    if (Digits === '0') return sendTwiml(res, buildSayAndRedirect(voice, ['正在为您转接人工服务。'], links.operator(menu.id)));
    if (Digits === '9' && req.query.page !== undefined) {
      return sendTwiml(res, buildSayAndRedirect(voice, [], links.url('/booking/day', { menu: menu.id, node: query.node, service: serviceId, page: String(req.query.page) })));
    }
    const code = /^[1-8]$/.test(Digits) ? codes[Number(Digits) - 1] : undefined;
    if (!code) {
      if (query.attempt >= MAX_ATTEMPTS) return sendTwiml(res, buildSayAndRedirect(voice, ['抱歉，没有听到有效的选择，为您转接人工服务。'], links.operator(menu.id)));
      return sendTwiml(res, buildSayAndRedirect(voice, ['您的输入有误，请重新选择。'], links.url('/booking/day', { menu: menu.id, node: query.node, service: serviceId, attempt: query.attempt + 1 })));
    }
    const [, day, half] = halfDayCode.exec(code)!;
    const morning = half === 'am';
    const hallId = catalogue.service(serviceId)!.hall.id;
    const candidates = (await capacity.listSlots({ hallId, serviceId, fromDay: day!, toDay: day! }))
      .filter((slot) => DateTime.fromJSDate(slot.startsAt, { zone: ZONE }).hour < 12 === morning)
      .filter((slot) => availableFor(slot, 'ivr', clock.now(), config.booking.phoneShareHours) > 0);
    for (const slot of candidates) {
      try {
        const hold = await booking.createHold(slot.id, actorFor(call.CallSid));
        return sendTwiml(
          res,
          buildAsk({
            voice,
            before: [`为您找到${spokenSlot(slot.startsAt, slot.endsAt)}的号，已为您保留${config.booking.holdMinutes}分钟。`],
            prompt: '请输入预约人的18位身份证号码，字母X请按星号键，输入完毕请按井号键。',
            action: links.url('/booking/id', { menu: menu.id, node: query.node, hold: hold.id }),
          }),
        );
      } catch (error) {
        // Another channel took the last place between the listing and the hold: try the next slot.
        if (!(error instanceof AppError) || error.code !== 'slot_full') throw error;
      }
    }
    sendTwiml(res, offerAgain(menu, query.node, serviceId, [`抱歉，${spokenHalfDay(code)}的号已约满。`]));
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
    const checked = checkIdNumber(Digits.replace(/\*/g, 'X'), DateTime.fromJSDate(clock.now(), { zone: ZONE }));
    if (!checked.ok) {
      if (query.attempt >= MAX_ATTEMPTS) return sendTwiml(res, offerAgain(menu, query.node, serviceId, ['抱歉，身份证号码仍然无法识别。']));
      return sendTwiml(
        res,
        buildAsk({ voice, before: ['您输入的身份证号码有误。'], prompt: '请重新输入18位身份证号码，字母X请按星号键，输入完毕请按井号键。', action: links.url('/booking/id', { menu: menu.id, node: query.node, hold: hold.id, attempt: query.attempt + 1 }) }),
      );
    }
    const identity = protectIdNumber(checked.idNumber, config.booking.idHashKey);
    await booking.setHoldIdentity(hold.id, identity);
    const { From } = callSchema.parse(req.body);
    // SMS reaches only mobiles: a withheld number or a landline is asked for one.
    if (normalizePhone(From)?.kind !== 'mobile') return sendTwiml(res, askMobile(menu, query.node, hold.id, 1, ['您的来电号码无法接收短信。']));
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
    if (!mobileDigits.test(digits)) {
      if (query.attempt >= MAX_ATTEMPTS) return sendTwiml(res, offerAgain(menu, query.node, slot.serviceId, ['抱歉，手机号码仍然无法识别。']));
      return sendTwiml(res, askMobile(menu, query.node, hold.id, query.attempt + 1, ['您输入的不是11位手机号码。']));
    }
    sendTwiml(
      res,
      buildAsk({
        voice,
        before: [`您输入的手机号码是${spokenDigits(digits)}。`],
        prompt: '确认请按1，重新输入请按2。',
        numDigits: 1,
        action: links.url('/booking/phone-check', { menu: menu.id, node: query.node, hold: hold.id, phone: digits }),
      }),
    );
  });

  router.post('/booking/phone-check', async (req, res) => {
    const found = nodeOf(req);
    const holdId = z.uuid().safeParse(req.query.hold);
    const phone = String(req.query.phone ?? '');
    if (!found || !holdId.success || !mobileDigits.test(phone)) throw new Error('not a booking node, hold or mobile');
    const { menu, query } = found;
    if (callSchema.parse(req.body).Digits === '1') return sendTwiml(res, await readBack(menu, query.node, holdId.data, phone));
    sendTwiml(res, askMobile(menu, query.node, holdId.data, 1, []));
  });

  router.post('/booking/confirm', async (req, res) => {
    const found = nodeOf(req);
    const holdId = z.uuid().safeParse(req.query.hold);
    if (!found || !holdId.success) throw new Error('not a booking node or hold');
    const { menu, query } = found;
    const call = callSchema.parse(req.body);
    const actor = actorFor(call.CallSid);
    const hold = await booking.findHold(holdId.data);
    const slot = hold ? await capacity.findSlot(hold.slotId) : undefined;
    if (!hold || !slot || !hold.idHash || !hold.idMasked || hold.holder !== call.CallSid) throw new Error('unknown hold');
    if (call.Digits !== '1') {
      if (hold.status === 'active') await booking.releaseHold(hold.id, actor);
      if (call.Digits === '2') return sendTwiml(res, buildSayAndRedirect(voice, [], links.url('/booking/day', { menu: menu.id, node: query.node, service: slot.serviceId })));
      return sendTwiml(res, buildSayAndRedirect(voice, ['正在为您转接人工服务。'], links.operator(menu.id)));
    }
    const keyed = String(req.query.phone ?? '');
    const phone = mobileDigits.test(keyed) ? `+86${keyed}` : (normalizePhone(call.From)?.e164 ?? call.From);
    const request = { name: '', phone, identity: { idHash: hold.idHash, idMasked: hold.idMasked }, hotlineNumber: call.To || undefined };
    try {
      let outcome;
      try {
        outcome = await booking.createBooking({ ...request, holdId: hold.id }, actor, `ivr-${hold.id}`);
      } catch (error) {
        // The hold ran out while the caller keyed: book the same slot if a place is still free.
        if (!(error instanceof AppError) || error.code !== 'hold_expired') throw error;
        outcome = await booking.createBooking({ ...request, slotId: slot.id }, actor, `ivr-${hold.id}-slot`);
      }
      await ledger.markSelfServed(call.CallSid);
      const code = spokenDigits(outcome.body.code);
      const sms = normalizePhone(phone)?.kind === 'mobile' ? '预约短信已发送到您的手机。' : '';
      log.info({ callSid: call.CallSid, bookingId: outcome.body.id }, 'IVR booking made');
      sendTwiml(res, buildGoodbye(voice, [`预约成功。您的预约码是：${code}。再说一遍：${code}。`, `请于${spokenSlot(slot.startsAt, slot.endsAt)}携带本人身份证到${catalogue.hall(slot.hallId)?.name ?? ''}办理。${sms}`]));
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      const texts: Record<string, string> = {
        slot_full: '抱歉，这个时段的号刚刚约满了。',
        duplicate_booking: '您当天已经预约过这项业务，不能重复预约。如需改约，请先取消原预约。',
        booking_suspended: '由于多次预约未到，您的电话和网上预约暂时停用，可以到大厅现场取号办理。',
      };
      sendTwiml(res, offerAgain(menu, query.node, slot.serviceId, [texts[error.code] ?? '抱歉，这个时段现在不能预约。']));
    }
  });

  router.post('/booking/again', (req, res) => {
    const found = nodeOf(req);
    const serviceId = String(req.query.service ?? '');
    if (!found || !found.node.services.includes(serviceId)) throw new Error('not a booking node or service');
    const { menu, node, query } = found;
    const { Digits } = callSchema.parse(req.body);
    if (Digits === '1') return sendTwiml(res, buildSayAndRedirect(voice, [], links.url('/booking/day', { menu: menu.id, node: query.node, service: serviceId })));
    if (Digits === '*') return sendTwiml(res, buildSayAndRedirect(voice, [], links.node(menu.id, menu.start)));
    if (Digits === '0') return sendTwiml(res, buildSayAndRedirect(voice, ['正在为您转接人工服务。'], links.operator(menu.id)));
    sendTwiml(res, buildSayAndRedirect(voice, [], links.node(menu.id, node.fallback)));
  });

  router.use(createLookupVoiceRoutes({ ...deps, links, actorFor }));
  return router;
}
