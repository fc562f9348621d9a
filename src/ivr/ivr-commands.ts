import { DateTime } from 'luxon';
import { loadCatalogue } from '../catalogue/index.js';
import {
  parseFlags,
  type AdminCommand,
  type AdminRuntime,
  withDatabase,
} from '../platform/admin-command.js';
import { ZONE } from '../platform/clock.js';
import { ValidationError } from '../platform/errors.js';
import { createAnnouncements, type Announcements } from './announcement-service.js';

async function withAnnouncements(
  admin: AdminRuntime,
  use: (announcements: Announcements) => Promise<number>,
): Promise<number> {
  return withDatabase(admin, (db) =>
    use(
      createAnnouncements({
        db,
        clock: admin.clock,
        catalogue: loadCatalogue(admin.config.catalogueDir),
      }),
    ),
  );
}

/** A date-time as staff type it (2020-02-10T08:00, or a date), read in Asia/Shanghai. */
function parseTime(value: string, flag: string): Date {
  const parsed = DateTime.fromISO(value, { zone: ZONE });
  if (!parsed.isValid)
    throw new ValidationError(`--${flag} must be an ISO date or date-time, e.g. 2020-02-10T08:00`);
  return parsed.toJSDate();
}

const show = (d: Date) => DateTime.fromJSDate(d, { zone: ZONE }).toFormat('yyyy-MM-dd HH:mm');

/** `npm run admin -- announcement:*`: the announcements spoken after the welcome. */
export const ivrCommands: Record<string, AdminCommand> = {
  'announcement:add': {
    summary:
      '--text <text> --from <time> --to <time> [--hotline <+86…> | --hall <id>] --by <name>: speak an announcement after the welcome',
    run: async (args, admin) => {
      const flags = parseFlags(
        args,
        {
          text: { type: 'string' },
          from: { type: 'string' },
          to: { type: 'string' },
          hotline: { type: 'string' },
          hall: { type: 'string' },
          by: { type: 'string' },
        },
        ['text', 'from', 'to', 'by'],
      );
      if (flags.hotline && flags.hall)
        throw new ValidationError('give --hotline or --hall, not both');
      return withAnnouncements(admin, async (announcements) => {
        const row = await announcements.add({
          text: flags.text!,
          startsAt: parseTime(flags.from!, 'from'),
          endsAt: parseTime(flags.to!, 'to'),
          hotlineNumber: flags.hotline ?? null,
          hallId: flags.hall ?? null,
          createdBy: flags.by!,
        });
        console.log(
          `announcement ${row.id}: ${show(row.startsAt)}..${show(row.endsAt)} ${row.hotlineNumber ?? row.hallId ?? 'all hotlines'}: ${row.text}`,
        );
        return 0;
      });
    },
  },
  'announcement:list': {
    summary: '[--all]: running and scheduled announcements (with --all, ended ones too)',
    run: async (args, admin) => {
      const flags = parseFlags(args, { all: { type: 'boolean' } });
      return withAnnouncements(admin, async (announcements) => {
        const rows = await announcements.list(flags.all ?? false);
        if (rows.length === 0) console.log('no announcements');
        for (const row of rows)
          console.log(
            `${row.id}\t${show(row.startsAt)}..${show(row.endsAt)}\t${row.hotlineNumber ?? row.hallId ?? 'all'}\t${row.text}\t(${row.createdBy})`,
          );
        return 0;
      });
    },
  },
  'announcement:end': {
    summary: '--id <n>: end an announcement now',
    run: async (args, admin) => {
      const flags = parseFlags(args, { id: { type: 'string' } }, ['id']);
      return withAnnouncements(admin, async (announcements) => {
        const ended = await announcements.end(Number(flags.id));
        console.log(
          ended
            ? `announcement ${flags.id} ended`
            : `no running or scheduled announcement ${flags.id}`,
        );
        return ended ? 0 : 1;
      });
    },
  },
};
