import { DateTime } from 'luxon';
import type { Catalogue } from '../catalogue/index.js';
import { protectIdNumber } from '../booking/index.js';
import { createAttemptCounter } from '../platform/attempts.js';
import type { Channel } from '../platform/auth.js';
import { ZONE, type Clock } from '../platform/clock.js';
import type { Database } from '../platform/db.js';
import { AppError, RateLimitError } from '../platform/errors.js';
import { isCalendarDay } from '../platform/input-schemas.js';
import type { Logger } from '../platform/logger.js';
import type { Redis } from '../platform/redis.js';
import { sha256Paced } from '../platform/slices.js';
import { parseCsvFeed, parseJsonFeed } from './feed-parser.js';
import type { FeedProblem, FeedRow, FeedSink } from './feed-rows.js';
import * as repo from './feed-repository.js';

/** The same feed was stored by a request that ran at the same moment (the unique index waited for it). */
class StoredMeanwhile extends Error {
  constructor(readonly range: { from: string; to: string }) {
    super('the same feed was stored meanwhile');
  }
}

/** 422 `feed_invalid`: the feed was refused whole; `details.problems` lists each bad row's line, field and reason. */
export class FeedRefusedError extends AppError {
  constructor(problems: FeedProblem[], badLines: number) {
    super(`名单有${badLines}行有误，整份未予接收`, 422, 'feed_invalid', { problems });
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

/** How large a feed may be and how many one channel key may send per window (FEED_MAX_MB, FEED_MAX_PER_KEY, FEED_WINDOW_MINUTES). */
export interface FeedLimits {
  maxBytes: number;
  maxPerKey: number;
  windowSeconds: number;
}

export type FeedService = ReturnType<typeof createFeedService>;

/**
 * Channel feeds: a channel's own booking list, validated whole and stored as received (ID numbers
 * as our HMAC). A feed of 200,000 rows is worked through in slices (hash, parse, checks,
 * inserts) with yields to the event loop between them, so that it never holds the process.
 */
export function createFeedService(deps: {
  db: Database;
  catalogue: Catalogue;
  clock: Clock;
  idHashKey: string;
  logger: Logger;
  redis: Redis;
  redisPrefix: string;
  feedLimits: FeedLimits;
}) {
  const { db, catalogue, clock, idHashKey, feedLimits } = deps;
  const log = deps.logger.child({ component: 'reconciliation' });
  const sentByKey = createAttemptCounter(
    deps.redis,
    deps.redisPrefix,
    'channel-feeds-key',
    feedLimits.windowSeconds,
  );
  const toStoredRow = (row: FeedRow): Omit<repo.NewFeedRow, 'feedId'> => {
    const identity = row.idNumber
      ? protectIdNumber(row.idNumber, idHashKey)
      : { idHash: row.idHash!, idMasked: '' };
    return {
      line: row.line,
      externalId: row.externalId,
      hallId: row.hallId,
      serviceId: row.serviceId,
      startsAt: row.startsAt,
      day: row.day,
      idHash: identity.idHash,
      idMasked: identity.idMasked,
      phone: row.phone,
      status: row.status,
    };
  };
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
    /** The largest feed body to read (FEED_MAX_MB). */
    maxBytes: feedLimits.maxBytes,

    /**
     * Counts a feed from a key before its body is read; 429 once the key has sent
     * FEED_MAX_PER_KEY in the window. Every attempt counts: a refused feed costs the same work.
     */
    async admit(keyId: string): Promise<void> {
      const sent = await sentByKey.hit(keyId);
      if (sent.count > feedLimits.maxPerKey) {
        throw new RateLimitError(
          `每个渠道密钥每${Math.round(feedLimits.windowSeconds / 60)}分钟最多发送${feedLimits.maxPerKey}份名单，请稍后再试`,
          sent.retryAfterSeconds,
        );
      }
    },

    /**
     * Receives a feed: JSON (range inside) or CSV (range given beside it). Nothing is stored
     * unless every row is valid; the same bytes sent again for the same range answer the first
     * feed's receipt.
     */
    async receive(input: {
      channel: Channel;
      keyId: string;
      body: Buffer;
      format: 'json' | 'csv';
      from?: unknown;
      to?: unknown;
    }): Promise<FeedReceipt> {
      const checksum = await sha256Paced(input.body);
      const csvRange =
        input.format === 'csv' &&
        typeof input.from === 'string' &&
        typeof input.to === 'string' &&
        isCalendarDay(input.from) &&
        isCalendarDay(input.to)
          ? { from: input.from, to: input.to }
          : undefined;
      if (input.format === 'json' || csvRange) {
        const known = await repo.findSameFeed(db, {
          channel: input.channel,
          format: input.format,
          checksum,
          range: csvRange,
        });
        if (known) return receipt(known, true);
      }
      const today = DateTime.fromJSDate(clock.now(), { zone: ZONE });
      const stored = await db
        .transaction(async (tx) => {
          let feed: repo.FeedRecord | undefined;
          const header = async (range: { from: string; to: string }) => {
            feed = await repo.insertFeed(tx, {
              channel: input.channel,
              keyId: input.keyId,
              format: input.format,
              fromDay: range.from,
              toDay: range.to,
              checksum,
              rowCount: 0,
              receivedAt: clock.now(),
            });
            if (!feed) throw new StoredMeanwhile(range);
            return feed;
          };
          // Rows are stored while the feed is read; a refusal at the end rolls them back.
          const store: FeedSink = async (rows, range) => {
            const { id } = feed ?? (await header(range));
            await repo.insertFeedRows(tx, id, rows.map(toStoredRow));
          };
          const parsed =
            input.format === 'csv'
              ? await parseCsvFeed(input.body, input.from, input.to, catalogue, today, store)
              : await parseJsonFeed(input.body, catalogue, today, store);
          if (!parsed) throw new AppError('名单不是有效的JSON', 400, 'bad_request');
          if (!parsed.ok) throw new FeedRefusedError(parsed.problems, parsed.badLines);
          const { id } = feed ?? (await header(parsed));
          return repo.setRowCount(tx, id, parsed.rows);
        })
        .catch((error: unknown) => {
          if (error instanceof StoredMeanwhile) return error.range;
          throw error;
        });
      // Sent twice at the same moment: the other request stored it.
      if (!('id' in stored))
        return receipt(
          (await repo.findSameFeed(db, {
            channel: input.channel,
            format: input.format,
            checksum,
            range: stored,
          }))!,
          true,
        );
      log.info(
        {
          feedId: stored.id,
          channel: input.channel,
          from: stored.fromDay,
          to: stored.toDay,
          rows: stored.rowCount,
        },
        'channel feed received',
      );
      return receipt(stored, false);
    },
    find: (id: string) => repo.findFeed(db, id),
  };
}
