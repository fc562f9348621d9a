import { createHash } from 'node:crypto';
import type { Catalogue } from '../catalogue/index.js';
import { protectIdNumber } from '../booking/index.js';
import type { Channel } from '../platform/auth.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import { parseCsvFeed, parseJsonFeed, type FeedProblem } from './feed-parser.js';
import * as repo from './feed-repository.js';

/** 422 `feed_invalid`: the feed was refused whole; `details.problems` lists each bad row's line, field and reason. */
export class FeedRefusedError extends AppError {
  constructor(problems: FeedProblem[]) {
    super(`名单有${new Set(problems.map((p) => p.line)).size}行有误，整份未予接收`, 422, 'feed_invalid', { problems: problems.slice(0, 500) });
  }
}

/** What a sender is told: the feed's id, and whether the same feed had been received before. */
export interface FeedReceipt {
  id: string;
  channel: Channel;
  from: string;
  to: string;
  rows: number;
  checksum: string;
  receivedAt: string;
  duplicate: boolean;
}

export type FeedService = ReturnType<typeof createFeedService>;

/** Channel feeds: a channel's own booking list, validated whole and stored as received (ID numbers as our HMAC). */
export function createFeedService(deps: { db: Database; catalogue: Catalogue; clock: Clock; idHashKey: string; logger: Logger }) {
  const { db, catalogue, clock, idHashKey } = deps;
  const log = deps.logger.child({ component: 'reconciliation' });
  const receipt = (feed: repo.FeedRecord, duplicate: boolean): FeedReceipt => ({
    id: feed.id,
    channel: feed.channel,
    from: feed.fromDay,
    to: feed.toDay,
    rows: feed.rowCount,
    checksum: feed.checksum,
    receivedAt: feed.receivedAt.toISOString(),
    duplicate,
  });
  return {
    /**
     * Receives a feed: JSON (range inside) or CSV (range given beside it). Nothing is stored
     * unless every row is valid; the same bytes sent again answer the first feed's receipt.
     */
    async receive(input: { channel: Channel; keyId: string; body: Buffer; format: 'json' | 'csv'; from?: unknown; to?: unknown }): Promise<FeedReceipt> {
      const checksum = createHash('sha256').update(input.body).digest('hex');
      const known = await repo.findFeedByChecksum(db, input.channel, checksum);
      if (known) return receipt(known, true);
      const text = input.body.toString('utf8');
      let parsed;
      if (input.format === 'csv') parsed = parseCsvFeed(text, input.from, input.to, catalogue);
      else {
        let body: unknown;
        try {
          body = JSON.parse(text.replace(/^\uFEFF/, ''));
        } catch {
          throw new AppError('名单不是有效的JSON', 400, 'bad_request');
        }
        parsed = parseJsonFeed(body, catalogue);
      }
      if (!parsed.ok) throw new FeedRefusedError(parsed.problems);
      const { from, to, rows } = parsed;
      const stored = await db.transaction(async (tx) => {
        const feed = await repo.insertFeed(tx, { channel: input.channel, keyId: input.keyId, format: input.format, fromDay: from, toDay: to, checksum, rowCount: rows.length, receivedAt: clock.now() });
        if (!feed) return undefined;
        await repo.insertFeedRows(
          tx,
          rows.map((row) => {
            const identity = row.idNumber ? protectIdNumber(row.idNumber, idHashKey) : { idHash: row.idHash!, idMasked: '' };
            return { feedId: feed.id, line: row.line, externalId: row.externalId, hallId: row.hallId, serviceId: row.serviceId, startsAt: row.startsAt, day: row.day, idHash: identity.idHash, idMasked: identity.idMasked, phone: row.phone, status: row.status };
          }),
        );
        return feed;
      });
      // Sent twice at the same moment: the other request stored it.
      if (!stored) return receipt((await repo.findFeedByChecksum(db, input.channel, checksum))!, true);
      log.info({ feedId: stored.id, channel: input.channel, from, to, rows: rows.length }, 'channel feed received');
      return receipt(stored, false);
    },
    find: (id: string) => repo.findFeed(db, id),
  };
}
