import express, { Router, type Request } from 'express';
import { z } from 'zod';
import type { Authenticator, Channel } from '../platform/auth.js';
import { authenticate } from '../platform/auth.js';
import { ForbiddenError, UnauthorizedError, ValidationError } from '../platform/errors.js';
import { jsonErrorHandler, parseInput } from '../platform/http.js';
import type { Logger } from '../platform/logger.js';
import type { FeedService } from './feed-service.js';

const uploadQuery = z.object({ channel: z.enum(['web', 'wechat', 'walk_in']) });

/**
 * Who sends a feed, for which channel: a channel with its API key, or a supervisor uploading a
 * channel's file from the reconciliation page (`?channel=`; their session, CSRF header included),
 * counted and recorded under `staff:<id>`.
 */
function sender(req: Request): { channel: Channel; keyId: string } | undefined {
  const principal = req.principal;
  if (principal?.kind === 'channel') return { channel: principal.channel, keyId: principal.keyId };
  if (principal?.kind !== 'staff' || principal.role === 'agent') return undefined;
  const { channel } = parseInput(uploadQuery, { channel: req.query.channel }, 'query');
  return { channel, keyId: `staff:${principal.userId}` };
}

/**
 * `POST /api/channel-feeds`, mounted ahead of the API router: a feed is larger than other
 * requests and its checksum is taken over the bytes as sent, so the body is read raw here (up to
 * FEED_MAX_MB, 413 above), after the key is counted against FEED_MAX_PER_KEY (429 above).
 */
export function createFeedRoutes(deps: {
  feeds: FeedService;
  authenticators: readonly Authenticator[];
  logger: Logger;
}): Router {
  const router = Router();
  router.post(
    '/',
    authenticate(deps.authenticators),
    (req, _res, next) => {
      if (!req.principal) throw new UnauthorizedError();
      if (!sender(req))
        throw new ForbiddenError('名单只能由渠道以其API密钥发送，或由班长在对账页上传');
      next();
    },
    async (req, _res, next) => {
      await deps.feeds.admit(sender(req)!.keyId);
      next();
    },
    express.raw({ type: () => true, limit: deps.feeds.maxBytes }),
    async (req, res) => {
      const from = sender(req);
      if (!from) throw new ForbiddenError();
      const type = (req.header('content-type') ?? '').toLowerCase();
      const format = type.startsWith('text/csv')
        ? 'csv'
        : type.startsWith('application/json')
          ? 'json'
          : undefined;
      if (!format) throw new ValidationError('Content-Type 须为 application/json 或 text/csv');
      if (!Buffer.isBuffer(req.body) || req.body.length === 0)
        throw new ValidationError('名单为空');
      const receipt = await deps.feeds.receive({
        channel: from.channel,
        keyId: from.keyId,
        body: req.body,
        format,
        from: req.query.from,
        to: req.query.to,
      });
      res.status(receipt.duplicate ? 200 : 201).json(receipt);
    },
  );
  router.use(jsonErrorHandler(deps.logger));
  return router;
}
