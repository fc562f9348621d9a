import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalogue } from '../catalogue/index.js';
import {
  parseFlags,
  type AdminCommand,
  type AdminRuntime,
  withDatabase,
} from '../platform/admin-command.js';
import type { Database } from '../platform/db.js';
import { createReportsService } from './reports-service.js';

const reportsOf = (db: Database, { config, clock, logger }: AdminRuntime) =>
  createReportsService({
    db,
    catalogue: loadCatalogue(config.catalogueDir),
    clock,
    logger,
    ...config.reports,
  });

export const reportCommands: Record<string, AdminCommand> = {
  'report:export': {
    summary:
      "--day <YYYY-MM-DD> [--out <dir>]: make (or remake) the day's statistics export (CSV and XLSX) now",
    run: async (args, admin) => {
      const flags = parseFlags(args, { day: { type: 'string' }, out: { type: 'string' } }, ['day']);
      return withDatabase(admin, async (db) => {
        const reports = reportsOf(db, admin);
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
  'report:period': {
    summary:
      "--day D | --week 2020-W10 | --month 2020-03 | --year 2020 | --from D --to D [--out <dir>]: a period's export (CSV, and XLSX with the staffing plan)",
    run: async (args, admin) => {
      const flags = parseFlags(
        args,
        {
          day: { type: 'string' },
          week: { type: 'string' },
          month: { type: 'string' },
          year: { type: 'string' },
          from: { type: 'string' },
          to: { type: 'string' },
          out: { type: 'string' },
        },
        [],
      );
      return withDatabase(admin, async (db) => {
        const reports = reportsOf(db, admin);
        const { csv, xlsx, report } = await reports.exportPeriod(flags);
        const dir = flags.out ?? './exports';
        const stem = `hotline-statistics-${report.from}_${report.to}`;
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, `${stem}.csv`), csv);
        writeFileSync(join(dir, `${stem}.xlsx`), xlsx);
        console.log(
          `${reports.cumulativeSentence(report)}${report.history.note ? `\n（${report.history.note}）` : ''}\nwritten to ${dir}/${stem}.csv and .xlsx`,
        );
        return 0;
      });
    },
  },
};
