import { loadCatalogue } from '../catalogue/index.js';
import {
  parseFlags,
  type AdminCommand,
  type AdminRuntime,
  withDatabase,
} from '../platform/admin-command.js';
import { createWorkCalendar, type WorkCalendar } from './calendar-service.js';
import { readScheduleFile } from './schedule-file.js';

async function withCalendar(
  admin: AdminRuntime,
  use: (calendar: WorkCalendar) => Promise<number>,
): Promise<number> {
  return withDatabase(admin, async (db) =>
    use(
      await createWorkCalendar({
        db,
        catalogue: loadCatalogue(admin.config.catalogueDir),
        clock: admin.clock,
        logger: admin.logger,
      }),
    ),
  );
}

export const calendarCommands: Record<string, AdminCommand> = {
  'holidays:import': {
    summary:
      "--file <yaml> --by <name>: enter a year's holidays and 调休 working days from the notice",
    run: async (args, admin) => {
      const flags = parseFlags(args, { file: { type: 'string' }, by: { type: 'string' } }, [
        'file',
        'by',
      ]);
      const schedule = readScheduleFile(flags.file!);
      return withCalendar(admin, async (calendar) => {
        await calendar.enterYear({ ...schedule, enteredBy: flags.by! });
        const holidays = schedule.days.filter((d) => d.kind === 'holiday').length;
        console.log(
          `${schedule.year}: ${holidays} holidays and ${schedule.days.length - holidays} working days entered (${schedule.reference})`,
        );
        return 0;
      });
    },
  },
  'holidays:show': {
    summary: '--year <yyyy>: which source covers the year, and its non-ordinary days',
    run: async (args, admin) => {
      const flags = parseFlags(args, { year: { type: 'string' } }, ['year']);
      const year = Number(flags.year);
      return withCalendar(admin, async (calendar) => {
        console.log(`${year}: covered by ${calendar.coverage(year)}`);
        for (
          let d = new Date(Date.UTC(year, 0, 1));
          d.getUTCFullYear() === year;
          d.setUTCDate(d.getUTCDate() + 1)
        ) {
          const day = calendar.day(d.toISOString().slice(0, 10));
          if (day.kind === 'holiday' || day.kind === 'adjusted-workday')
            console.log(`  ${day.date}  ${day.working ? '上班' : '放假'}  ${day.name ?? ''}`);
          else if (day.kind === 'uncertain')
            console.log(
              `  ${day.date}  待定  ${day.name ?? ''}（日期以放假通知为准，暂不开放预约）`,
            );
        }
        return 0;
      });
    },
  },
  'closure:add': {
    summary:
      '--hall <id|all> --from <date> --to <date> --reason <text> --by <name>: close a hall on a range of days',
    run: async (args, admin) => {
      const flags = parseFlags(
        args,
        {
          hall: { type: 'string' },
          from: { type: 'string' },
          to: { type: 'string' },
          reason: { type: 'string' },
          by: { type: 'string' },
        },
        ['hall', 'from', 'to', 'reason', 'by'],
      );
      return withCalendar(admin, async (calendar) => {
        const row = await calendar.addClosure({
          hallId: flags.hall === 'all' ? null : flags.hall!,
          startsOn: flags.from!,
          endsOn: flags.to!,
          reason: flags.reason!,
          createdBy: flags.by!,
        });
        console.log(
          `closure ${row.id}: ${row.hallId ?? 'all halls'} ${row.startsOn}..${row.endsOn} ${row.reason}`,
        );
        return 0;
      });
    },
  },
  'closure:remove': {
    summary: '--id <n>: remove a hall closure',
    run: async (args, admin) => {
      const flags = parseFlags(args, { id: { type: 'string' } }, ['id']);
      return withCalendar(admin, async (calendar) => {
        const removed = await calendar.removeClosure(Number(flags.id));
        console.log(removed ? `closure ${flags.id} removed` : `no closure ${flags.id}`);
        return removed ? 0 : 1;
      });
    },
  },
};
