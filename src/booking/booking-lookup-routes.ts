import { Router, type Request } from 'express';
import { z } from 'zod';
import { menuNode, type Menu } from '../ivr/index.js';
import { AppError } from '../platform/errors.js';
import { sendTwiml } from '../platform/twiml.js';
import { normalizePhone } from './booking-identity.js';
import type { BookingRow } from './booking-repository.js';
import type { Actor } from './booking-service.js';
import { buildAsk, buildGoodbye, buildSayAndRedirect, MAX_ATTEMPTS, spokenDigits, spokenSlot } from './booking-twiml.js';
import type { BookingVoiceDeps, VoiceLinks } from './booking-voice-context.js';

const callSchema = z.object({ CallSid: z.string().min(1), From: z.string().default(''), Digits: z.string().default('') });
const baseQuery = z.object({ menu: z.string().min(1), node: z.string().min(1), attempt: z.coerce.number().int().min(1).default(1) });

/** IVR booking look-up and cancel, by booking code or by the calling number, with confirmation. */
export function createLookupVoiceRoutes(deps: BookingVoiceDeps & { links: VoiceLinks; actorFor: (callSid: string) => Actor }): Router {
  const { booking, catalogue, menus, ledger, links, actorFor } = deps;
  const voice = deps.config.twilio.voice;
  const router = Router();

  function nodeOf(req: Request): { menu: Menu; nodeId: string; attempt: number; back: string } | undefined {
    const query = baseQuery.safeParse(req.query);
    if (!query.success) return undefined;
    const menu = menus.get(query.data.menu);
    const node = menu ? menuNode(menu, query.data.node) : undefined;
    if (!menu || node?.kind !== 'booking-lookup') return undefined;
    return { menu, nodeId: query.data.node, attempt: query.data.attempt, back: links.node(menu.id, node.fallback ?? menu.start) };
  }

  const describe = (row: BookingRow) => `${spokenSlot(row.startsAt, row.endsAt)}，${catalogue.hall(row.hallId)?.name ?? ''}${catalogue.service(row.serviceId)?.service.name ?? ''}`;
  const toPerson = (menu: Menu) => buildSayAndRedirect(voice, ['正在为您转接人工服务。'], links.operator(menu.id));
  const tooMany = (menu: Menu) => buildSayAndRedirect(voice, ['抱歉，没有听到有效的输入，为您转接人工服务。'], links.operator(menu.id));

  router.post('/booking/lookup', (req, res) => {
    const found = nodeOf(req);
    if (!found) throw new Error('not a booking look-up node');
    const { menu, nodeId, attempt } = found;
    sendTwiml(res, buildAsk({ voice, prompt: '按预约码查询或取消预约请按1；查询本机号码的预约请按2；转人工服务请按0；返回主菜单请按星号键。', numDigits: 1, action: links.url('/booking/lookup/choice', { menu: menu.id, node: nodeId, attempt }) }));
  });

  router.post('/booking/lookup/choice', async (req, res) => {
    const found = nodeOf(req);
    if (!found) throw new Error('not a booking look-up node');
    const { menu, nodeId, attempt, back } = found;
    const call = callSchema.parse(req.body);
    if (call.Digits === '1') {
      return sendTwiml(res, buildAsk({ voice, prompt: '请输入8位预约码，输入完毕请按井号键。', action: links.url('/booking/lookup/code', { menu: menu.id, node: nodeId }) }));
    }
    if (call.Digits === '2') {
      const phone = normalizePhone(call.From)?.e164;
      const rows = phone ? await booking.upcomingByPhone(phone) : [];
      if (rows.length === 0) return sendTwiml(res, buildSayAndRedirect(voice, ['没有查到本机号码的有效预约。'], back));
      const list = rows.map((row, i) => `第${i + 1}个，${describe(row)}。`);
      const prompt = `取消预约请按对应的序号，${rows.length === 1 ? '' : '例如取消第1个请按1；'}返回主菜单请按星号键，转人工服务请按0。`;
      return sendTwiml(res, buildAsk({ voice, before: [`您有${rows.length}个有效预约。`, ...list], prompt, numDigits: 1, action: links.url('/booking/lookup/pick', { menu: menu.id, node: nodeId, ids: rows.map((r) => r.id).join(',') }) }));
    }
    if (call.Digits === '0') return sendTwiml(res, toPerson(menu));
    if (call.Digits === '*') return sendTwiml(res, buildSayAndRedirect(voice, [], back));
    if (attempt >= MAX_ATTEMPTS) return sendTwiml(res, tooMany(menu));
    sendTwiml(res, buildSayAndRedirect(voice, ['您的输入有误。'], links.url('/booking/lookup', { menu: menu.id, node: nodeId, attempt: attempt + 1 })));
  });

  const offerCancel = (menu: Menu, nodeId: string, row: BookingRow, before: string[]) =>
    buildAsk({ voice, before, prompt: '取消这个预约请按1；返回主菜单请按星号键；转人工服务请按0。', numDigits: 1, action: links.url('/booking/lookup/cancel', { menu: menu.id, node: nodeId, booking: row.id }) });

  router.post('/booking/lookup/code', async (req, res) => {
    const found = nodeOf(req);
    if (!found) throw new Error('not a booking look-up node');
    const { menu, nodeId, attempt, back } = found;
    const { Digits } = callSchema.parse(req.body);
    const row = /^\d{8}$/.test(Digits) ? await booking.findBookingByCode(Digits) : undefined;
    if (!row) {
      if (attempt >= MAX_ATTEMPTS) return sendTwiml(res, tooMany(menu));
      return sendTwiml(res, buildAsk({ voice, before: ['没有查到这个预约码。'], prompt: '请重新输入8位预约码，输入完毕请按井号键。', action: links.url('/booking/lookup/code', { menu: menu.id, node: nodeId, attempt: attempt + 1 }) }));
    }
    const what = `预约码${spokenDigits(row.code)}：${describe(row)}`;
    if (row.status !== 'confirmed') {
      const state = { cancelled: '已取消', checked_in: '已到厅签到', no_show: '已过期未到' }[row.status];
      return sendTwiml(res, buildSayAndRedirect(voice, [`${what}，状态是${state}。`], back));
    }
    sendTwiml(res, offerCancel(menu, nodeId, row, [`${what}，预约有效。`]));
  });

  router.post('/booking/lookup/pick', async (req, res) => {
    const found = nodeOf(req);
    if (!found) throw new Error('not a booking look-up node');
    const { menu, nodeId, back } = found;
    const ids = z.array(z.uuid()).max(5).parse(String(req.query.ids ?? '').split(','));
    const { Digits } = callSchema.parse(req.body);
    if (Digits === '0') return sendTwiml(res, toPerson(menu));
    const id = /^\d$/.test(Digits) ? ids[Number(Digits) - 1] : undefined;
    const row = id ? await booking.findBooking(id) : undefined;
    if (!row) return sendTwiml(res, buildSayAndRedirect(voice, [], back));
    sendTwiml(res, buildAsk({ voice, before: [`您选择的是${describe(row)}。`], prompt: '确定取消请按1，不取消请按2。', numDigits: 1, action: links.url('/booking/lookup/confirm', { menu: menu.id, node: nodeId, booking: row.id }) }));
  });

  router.post('/booking/lookup/cancel', async (req, res) => {
    const found = nodeOf(req);
    const id = z.uuid().safeParse(req.query.booking);
    if (!found || !id.success) throw new Error('not a booking look-up node');
    const { menu, nodeId, back } = found;
    const { Digits } = callSchema.parse(req.body);
    if (Digits === '0') return sendTwiml(res, toPerson(menu));
    if (Digits !== '1') return sendTwiml(res, buildSayAndRedirect(voice, [], back));
    sendTwiml(res, buildAsk({ voice, prompt: '确定取消请按1，不取消请按2。', numDigits: 1, action: links.url('/booking/lookup/confirm', { menu: menu.id, node: nodeId, booking: id.data }) }));
  });

  router.post('/booking/lookup/confirm', async (req, res) => {
    const found = nodeOf(req);
    const id = z.uuid().safeParse(req.query.booking);
    if (!found || !id.success) throw new Error('not a booking look-up node');
    const { menu, back } = found;
    const call = callSchema.parse(req.body);
    if (call.Digits !== '1') return sendTwiml(res, buildSayAndRedirect(voice, ['预约未取消。'], back));
    try {
      const row = await booking.cancel(id.data, actorFor(call.CallSid));
      await ledger.markSelfServed(call.CallSid);
      sendTwiml(res, buildGoodbye(voice, [`已为您取消${describe(row)}的预约。`]));
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      sendTwiml(res, buildSayAndRedirect(voice, ['抱歉，这个预约已经不能取消。'], links.operator(menu.id)));
    }
  });

  return router;
}
