import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalogue } from '../catalogue/index.js';
import { parseFlags, type AdminCommand, withDatabase } from '../platform/admin-command.js';
import { systemClock } from '../platform/clock.js';
import { createLogger } from '../platform/logger.js';
import { createReportsService } from './reports-service.js';

export const reportCommands: Record<string, AdminCommand> = {
  'report:export': {
    summary: '--day <YYYY-MM-DD> [--out <dir>]: make the day\'s statistics export (CSV and XLSX) now',
    run: async (args, config) => {
      const flags = parseFlags(args, { day: { type: 'string' }, out: { type: 'string' } }, ['day']);
      return withDatabase(config, async (db) => {
        const reports = createReportsService({
          db,
          catalogue: loadCatalogue(config.catalogueDir),
          clock: systemClock,
          logger: createLogger('warn'),
          serviceLevelSeconds: config.reports.serviceLevelSeconds,
          shortAbandonSeconds: config.reports.shortAbandonSeconds,
        });
        const { csv, xlsx, report } = await reports.exportDay(flags.day!);
        const dir = flags.out ?? './exports';
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, `hotline-statistics-${flags.day}.csv`), csv);
        writeFileSync(join(dir, `hotline-statistics-${flags.day}.xlsx`), xlsx);
        console.log(`${reports.cumulativeSentence(report)}\nwritten to ${dir}`);
        return 0;
      });
    },
  },
};
