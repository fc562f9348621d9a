import express, { Router } from 'express';
import type { Authenticator } from '../platform/auth.js';
import { authenticate } from '../platform/auth.js';
import { ForbiddenError, UnauthorizedError, ValidationError } from '../platform/errors.js';
import { jsonErrorHandler } from '../platform/http.js';
import type { Logger } from '../platform/logger.js';
import type { FeedService } from './feed-service.js';

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
      if (req.principal.kind !== 'channel')
        throw new ForbiddenError('名单只能由渠道以其API密钥发送');
      next();
    },
    async (req, _res, next) => {
      if (req.principal?.kind === 'channel') await deps.feeds.admit(req.principal.keyId);
      next();
    },
    express.raw({ type: () => true, limit: deps.feeds.maxBytes }),
    async (req, res) => {
      const principal = req.principal!;
      if (principal.kind !== 'channel') throw new ForbiddenError();
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
        channel: principal.channel,
        keyId: principal.keyId,
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
