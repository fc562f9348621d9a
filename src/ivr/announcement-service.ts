import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db.js';
import { ValidationError } from '../platform/errors.js';
import type { Catalogue } from '../catalogue/index.js';
import * as repo from './announcement-repository.js';
import type { AnnouncementRow } from './announcement-repository.js';
import { parseInput } from '../platform/http.js';
import { freeText } from '../platform/input-schemas.js';

/** Time-bounded announcements after the welcome; read from a short in-memory cache. */
export interface Announcements {
  /** The texts running now for a hotline (its own, its hall's, and those for every hotline). */
  current(hotline: { number: string; hall: string }): Promise<string[]>;
  add(input: {
    text: string;
    startsAt: Date;
    endsAt: Date;
    hotlineNumber?: string | null;
    hallId?: string | null;
    createdBy: string;
  }): Promise<AnnouncementRow>;
  /** Running and scheduled announcements; with `all`, ended ones too. */
  list(all?: boolean): Promise<AnnouncementRow[]>;
  end(id: number): Promise<boolean>;
}

export interface AnnouncementDeps {
  db: Database;
  clock: Clock;
  catalogue: Catalogue;
  /** How long the unended announcements are kept in memory. Default 15 s. */
  cacheMs?: number;
}

export function createAnnouncements({
  db,
  clock,
  catalogue,
  cacheMs = 15_000,
}: AnnouncementDeps): Announcements {
  let cached: { rows: AnnouncementRow[]; loadedAt: number } | undefined;

  async function unended(): Promise<AnnouncementRow[]> {
    const now = clock.now();
    // Cached by wall time so that a test clock set to another year does not keep stale rows.
    if (!cached || Date.now() - cached.loadedAt > cacheMs)
      cached = { rows: await repo.listUnended(db, now), loadedAt: Date.now() };
    return cached.rows;
  }

  return {
    async current(hotline) {
      const now = clock.now().getTime();
      const rows = await unended();
      return rows
        .filter((row) => row.startsAt.getTime() <= now && now < row.endsAt.getTime())
        .filter(
          (row) =>
            (row.hotlineNumber === null || row.hotlineNumber === hotline.number) &&
            (row.hallId === null || row.hallId === hotline.hall),
        )
        .map((row) => row.text);
    },

    async add(input) {
      // Spoken in every call's TwiML: a control character there would break the XML for every caller.
      const text = parseInput(freeText(500), input.text, 'text');
      if (input.endsAt <= input.startsAt)
        throw new ValidationError('to: the end must be after the start');
      if (input.hotlineNumber && !catalogue.hotline(input.hotlineNumber))
        throw new ValidationError(`hotline: ${input.hotlineNumber} is not one of the hotlines`);
      if (input.hallId && !catalogue.hall(input.hallId))
        throw new ValidationError(`hall: ${input.hallId} is not a hall id`);
      const row = await repo.insertAnnouncement(db, {
        text,
        startsAt: input.startsAt,
        endsAt: input.endsAt,
        hotlineNumber: input.hotlineNumber ?? null,
        hallId: input.hallId ?? null,
        createdBy: input.createdBy,
      });
      cached = undefined;
      return row;
    },

    list: async (all = false) => (all ? repo.listAll(db, 1000) : repo.listUnended(db, clock.now())),

    async end(id) {
      const ended = await repo.endAnnouncement(db, id, clock.now());
      cached = undefined;
      return ended;
    },
  };
}

export type { AnnouncementRow } from './announcement-repository.js';
