import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db.js';
import { NotFoundError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import type { Queues } from '../platform/queues.js';
import type { StoredIdNumber } from './booking-identity.js';
import type { Actor } from './booking-access.js';
import type { PlaceRules } from './place-rules.js';
import * as holdRows from './slot-hold-repository.js';
import * as slots from './slot-repository.js';
import type { HoldRow } from './slot-hold-repository.js';

/** One expiry job per hold: a rebuild after a Redis loss never doubles it. */
export const holdExpiryJobId = (holdId: string) => `hold-expiry-${holdId}`;

export interface HoldServiceDeps extends PlaceRules {
  db: Database;
  clock: Clock;
  queues: Queues;
  holdMinutes: number;
  logger: Logger;
}

/** Holds: a place kept while an agent (or the IVR) confirms, given back when it expires or is released. */
export function createHoldService(deps: HoldServiceDeps) {
  const { db, clock, queues, placeRequest, noPlace, holdMinutes } = deps;
  const log = deps.logger;
  const service = {
    /** Holds a place for `holdMinutes`; the place comes back by itself when the hold expires. */
    async createHold(slotId: number, actor: Actor): Promise<HoldRow> {
      const hold = await db.transaction(async (tx) => {
        if (!(await slots.holdPlace(tx, placeRequest(slotId, actor.channel))))
          await noPlace(tx, slotId);
        const now = clock.now();
        return holdRows.insertHold(tx, {
          slotId,
          channel: actor.channel,
          holder: actor.id,
          expiresAt: new Date(now.getTime() + holdMinutes * 60_000),
          createdAt: now,
        });
      });
      try {
        // A second after the expiry, so the job never finds the hold still valid; the sweeper is the safety net.
        await queues.add(
          'booking-hold-expiry',
          { holdId: hold.id },
          { jobId: holdExpiryJobId(hold.id), delay: holdMinutes * 60_000 + 1000 },
        );
      } catch (error) {
        log.warn(
          { holdId: hold.id, err: (error as Error).message },
          'could not queue the hold expiry; the sweeper will release it',
        );
      }
      return hold;
    },

    /** Ends a hold whose time is up and gives its place back; false when it had already ended. */
    async expireHold(holdId: string): Promise<boolean> {
      return db.transaction(async (tx) => {
        const hold = await holdRows.endHold(tx, holdId, 'expired', clock.now());
        if (hold) await slots.releaseHeldPlace(tx, hold.slotId, hold.channel);
        return Boolean(hold);
      });
    },

    /** Lets a hold go before it expires (the caller changed their mind). */
    async releaseHold(holdId: string, actor: Actor): Promise<boolean> {
      return db.transaction(async (tx) => {
        const existing = await holdRows.findHold(tx, holdId);
        if (!existing || existing.holder !== actor.id) throw new NotFoundError(`no hold ${holdId}`);
        const hold = await holdRows.endHold(tx, holdId, 'released', clock.now());
        if (hold) await slots.releaseHeldPlace(tx, hold.slotId, hold.channel);
        return Boolean(hold);
      });
    },

    findHold: (holdId: string) => holdRows.findHold(db, holdId),

    /** Keeps the ID number an IVR caller keyed, as hash and masked form, on their hold. */
    setHoldIdentity: (holdId: string, identity: StoredIdNumber) =>
      holdRows.setHoldIdentity(db, holdId, identity),

    /** Expires every hold whose time is up (the sweeper, behind the delayed jobs). */
    async sweepExpiredHolds(): Promise<number> {
      const ids = await holdRows.listExpiredHolds(db, clock.now(), 500);
      let expired = 0;
      for (const id of ids) if (await service.expireHold(id)) expired += 1;
      return expired;
    },
  };
  return service;
}

/** The hold use cases. */
export type HoldService = ReturnType<typeof createHoldService>;
