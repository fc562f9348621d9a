import { Router, type Request } from 'express';
import { z } from 'zod';
import type { Authenticator } from '../platform/auth.js';
import type { InboxMessage, LocalSoftphone, TelephonyInbox } from './telephony-types.js';

const inboxQuery = z.object({ number: z.string().regex(/^\+?[0-9]{3,20}$/) });

/**
 * What the panel's pages ask the built-in provider: `GET /telephony/softphone` says the desk's
 * softphone registers on its socket (the desk picks its softphone from it, as from the API for the
 * Voice SDK and SIP ones), and `GET /telephony/inbox?number=` gives staff the SMS the service sent
 * to a number (the test phone's inbox).
 */
export function createTelephonyPageRoutes(options: {
  inbox(number: string): readonly InboxMessage[];
  authenticator: Authenticator;
}): Router {
  const router = Router();
  router.get('/softphone', (_req, res) => {
    const answer: LocalSoftphone = { kind: 'local', socket: '/telephony/phone' };
    res.set('Cache-Control', 'no-store').json(answer);
  });
  router.get('/inbox', async (req: Request, res) => {
    const principal = await options.authenticator(req).catch(() => undefined);
    if (principal?.kind !== 'staff') {
      res
        .status(401)
        .json({ error: { code: 'unauthorized', message: '请先登录（login required）' } });
      return;
    }
    const query = inboxQuery.safeParse(req.query);
    if (!query.success) {
      res.status(400).json({
        error: {
          code: 'invalid_number',
          message: '号码格式不正确（number: digits, optionally with +）',
        },
      });
      return;
    }
    const answer: TelephonyInbox = { messages: options.inbox(query.data.number) };
    res.set('Cache-Control', 'no-store').json(answer);
  });
  return router;
}
