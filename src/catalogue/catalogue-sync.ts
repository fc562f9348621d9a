import type { Database } from '../platform/db.js';
import type { Catalogue } from './catalogue-loader.js';
import * as repo from './catalogue-repository.js';

export type { SyncCounts } from './catalogue-repository.js';

/** Mirrors the catalogue into PostgreSQL (release, single-process start, tests), so that SQL reports can join it; returns what it wrote. */
export function syncCatalogue(db: Database, catalogue: Catalogue): Promise<repo.SyncCounts> {
  return repo.syncCatalogue(db, catalogue);
}
