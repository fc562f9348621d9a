import { Router } from 'express';
import { z } from 'zod';
import type { CallLedger } from '../calls/index.js';
import type { Catalogue } from '../catalogue/index.js';
import type { Logger } from '../platform/logger.js';
import { maskPhone } from '../platform/logger.js';
import { sendTwiml } from '../platform/twiml.js';
import { buildFallback, buildUnknownNumber, buildWelcome } from './ivr-twiml.js';
import type { Menu } from './menu-schemas.js';

export interface IvrDeps {
  catalogue: Catalogue;
  menus: ReadonlyMap<string, Menu>;
  ledger: CallLedger;
  logger: Logger;
  voice: string;
  publicBaseUrl: string;
}

const incomingSchema = z.object({
  CallSid: z.string().min(1),
  To: z.string().default(''),
  From: z.string().default(''),
});

/** An absolute URL of one of the service's voice routes, as Twilio will request and sign it. */
export function voiceUrl(publicBaseUrl: string, path: string, params: Record<string, string | number> = {}): string {
  const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
  return `${publicBaseUrl}/twilio/voice${path}${query ? `?${query}` : ''}`;
}

/** Voice webhooks of the IVR, mounted under the signed /twilio/voice router. */
export function createIvrRoutes(deps: IvrDeps): Router {
  const { catalogue, menus, ledger, voice, publicBaseUrl } = deps;
  const log = deps.logger.child({ component: 'ivr' });
  const router = Router();

  router.post('/incoming', async (req, res) => {
    const call = incomingSchema.parse(req.body);
    const hotline = catalogue.hotline(call.To);
    const menu = hotline ? menus.get(hotline.menu) : undefined;
    try {
      await ledger.recordArrival({
        callSid: call.CallSid,
        from: call.From,
        to: call.To,
        hotline: hotline && { number: hotline.number, hall: hotline.hall, department: hotline.department },
        payload: req.body as Record<string, unknown>,
      });
      if (!hotline) await ledger.update(call.CallSid, { endReason: 'rejected' });
    } catch (error) {
      // The caller is still served from memory; the status callback creates the record later.
      log.error({ callSid: call.CallSid, err: (error as Error).message }, 'could not record the call arrival');
    }
    if (!hotline || !menu) {
      log.warn({ callSid: call.CallSid, to: maskPhone(call.To) }, 'call to a number that is not a hotline');
      sendTwiml(res, buildUnknownNumber(voice));
      return;
    }
    log.info({ callSid: call.CallSid, hotline: hotline.number, from: maskPhone(call.From) }, 'welcome');
    sendTwiml(
      res,
      buildWelcome({
        hotline,
        menu,
        announcements: [],
        voice,
        startAction: voiceUrl(publicBaseUrl, '/ivr/step', { menu: menu.id, node: menu.start }),
      }),
    );
  });

  router.post('/fallback', (req, res) => {
    const body = (req.body ?? {}) as Record<string, string | undefined>;
    const hotline = body.To ? catalogue.hotline(body.To) : undefined;
    log.error({ callSid: body.CallSid, errorCode: body.ErrorCode, errorUrl: body.ErrorUrl, hotline: hotline?.number }, 'Twilio used the fallback URL');
    sendTwiml(res, buildFallback(voice, hotline, hotline ? catalogue.hall(hotline.hall) : undefined));
  });

  return router;
}
