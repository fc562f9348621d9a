import { loadCatalogue, syncCatalogue } from './catalogue/index.js';
import { loadGuides } from './guides/index.js';
import { loadMenus } from './ivr/index.js';
import { systemClock } from './platform/clock.js';
import { createDatabase } from './platform/db.js';
import { createLogger } from './platform/logger.js';
import { configOrExit, exitOnStartupError } from './process.js';
import { createReportsService } from './reports/index.js';

/** The `release` role: validates the catalogue (menus and guides too), applies migrations, mirrors the catalogue, refreshes the planner's statistics, builds missing statistics rollups. */
const config = configOrExit();
const logger = createLogger(config.logLevel);
try {
  const catalogue = loadCatalogue(config.catalogueDir);
  loadMenus(config.catalogueDir, catalogue, {
    maxOptions: config.ivr.menuMaxOptions,
    speechInput: config.telephony.speechInput,
  });
  loadGuides(config.catalogueDir, catalogue);
  const database = await createDatabase({
    url: config.databaseUrl,
    pgliteDir: config.pgliteDir,
    logger,
  });
  await database.migrate();
  logger.info('migrations applied');
  const counts = await syncCatalogue(database.db, catalogue);
  logger.info(counts, 'catalogue mirrored into the database');
  // The embedded database has no autovacuum: the rollups' build below is planned on fresh statistics.
  await database.refreshStatistics();
  // The rollups of days recorded before this release (or changed since): idempotent, so every release may run it.
  const days = await createReportsService({
    db: database.db,
    catalogue,
    clock: systemClock,
    logger,
    ...config.reports,
  }).backfillRollups();
  logger.info({ days }, 'statistics rollups built');
  await database.close();
} catch (error) {
  exitOnStartupError(error);
}
