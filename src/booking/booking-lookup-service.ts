import { createAttemptCounter } from '../platform/attempts.js';
import type { Database } from '../platform/db.js';
import { NotFoundError, RateLimitError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import type { Redis } from '../platform/redis.js';
import { mayAct } from './booking-access.js';
import * as repo from './booking-repository.js';
import type { BookingRow } from './booking-repository.js';
import type { Actor } from './booking-service.js';

/** Failed citizen look-ups one API key may make per window before it is refused. */
export const MAX_FAILED_LOOKUPS_PER_KEY = 20;
/**
 * Failed look-ups of one booking code by one key per window before that key is refused the code:
 * counted per key and code, so that a channel can lock only itself out, never the channel that made the booking.
 */
export const MAX_FAILED_LOOKUPS_PER_CODE = 5;
/** The window of both limits. */
export const LOOKUP_WINDOW_SECONDS = 60 * 60;

/** 12345678 -> 12****78: enough to tell codes apart in a log, too little to use one. */
export const maskCode = (code: string) => `${code.slice(0, 2)}****${code.slice(-2)}`;

export interface BookingLookupDeps {
  db: Database;
  redis: Redis;
  redisPrefix: string;
  logger: Logger;
}

/** A channel's look-up of a booking for a citizen who has only its code. */
export type BookingLookup = ReturnType<typeof createBookingLookup>;

/**
 * Citizen-facing look-ups by booking code: the code alone is guessable (8 digits), so the
 * citizen also gives the last four characters of the phone or ID number booked with, and
 * failed look-ups are counted per key, and per key and code, in Redis keys that expire.
 */
export function createBookingLookup({ db, redis, redisPrefix, logger }: BookingLookupDeps) {
  const log = logger.child({ component: 'booking-lookup' });
  const perKey = createAttemptCounter(
    redis,
    redisPrefix,
    'booking-lookup-key',
    LOOKUP_WINDOW_SECONDS,
  );
  const perCode = createAttemptCounter(
    redis,
    redisPrefix,
    'booking-lookup-code',
    LOOKUP_WINDOW_SECONDS,
  );
  const codeOfKey = (actor: Actor, code: string) => `${actor.id}:${code}`;

  const matches = (row: BookingRow, last4: string) =>
    row.phone.slice(-4) === last4 || row.idMasked.slice(-4).toUpperCase() === last4.toUpperCase();

  return {
    /**
     * The booking with `code` when it was made through the actor's channel and `last4` matches
     * its phone or ID number; otherwise 404, the same for every kind of miss. Throws 429 once
     * the key, or the key on this code, has failed too often in the window.
     */
    async findForCitizen(code: string, last4: string, actor: Actor): Promise<BookingRow> {
      const [keyFailures, codeFailures] = await Promise.all([
        perKey.peek(actor.id),
        perCode.peek(codeOfKey(actor, code)),
      ]);
      if (keyFailures.count >= MAX_FAILED_LOOKUPS_PER_KEY)
        throw new RateLimitError(
          'too many failed booking look-ups with this key; try again later',
          keyFailures.retryAfterSeconds,
        );
      if (codeFailures.count >= MAX_FAILED_LOOKUPS_PER_CODE)
        throw new RateLimitError(
          'too many failed look-ups of this booking code with this key; try again later',
          codeFailures.retryAfterSeconds,
        );
      const row = await repo.findBookingByCode(db, code);
      if (row && mayAct(row, actor, 'read') && matches(row, last4)) return row;
      const [byKey, byCode] = await Promise.all([
        perKey.hit(actor.id),
        perCode.hit(codeOfKey(actor, code)),
      ]);
      log.warn(
        {
          keyId: actor.id,
          channel: actor.channel,
          code: maskCode(code),
          failuresByKey: byKey.count,
          failuresByCode: byCode.count,
        },
        'failed booking look-up',
      );
      throw new NotFoundError('no booking with this code and these last 4 digits');
    },

    /** Failed look-ups counted against a key in the current window. */
    failuresOfKey: async (keyId: string) => (await perKey.peek(keyId)).count,
  };
}
