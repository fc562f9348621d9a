import { createBooking } from '../booking/index.js';
import { createWorkCalendar } from '../calendar/index.js';
import { loadCatalogue } from '../catalogue/index.js';
import { parseFlags, withDatabase, type AdminCommand } from '../platform/admin-command.js';
import { createReconciliationService } from './reconciliation-service.js';
import { CLASS_NAMES } from './reconciliation-views.js';

export const reconciliationCommands: Record<string, AdminCommand> = {
  reconcile: {
    summary:
      '--from <YYYY-MM-DD> --to <YYYY-MM-DD>: one reconciliation run now, its counts per class printed (npm run reconcile -- ...)',
    run: async (args, admin) => {
      const flags = parseFlags(args, { from: { type: 'string' }, to: { type: 'string' } }, [
        'from',
        'to',
      ]);
      const { config, clock, logger } = admin;
      const [redis, queues] = [await admin.redis(), await admin.queues()];
      const run = await withDatabase(admin, async (db) => {
        const catalogue = loadCatalogue(config.catalogueDir);
        // A feed's missing bookings are booked through the booking component's rules, as in the web process.
        const booking = createBooking({
          db,
          catalogue,
          calendar: await createWorkCalendar({ db, catalogue, clock, logger }),
          clock,
          config,
          queues,
          redis,
          logger,
        });
        return createReconciliationService({
          db,
          catalogue,
          clock,
          logger,
          bookWithin: booking.service.bookWithin,
        }).run(flags.from!, flags.to!, 'command');
      });
      console.log(
        `对账第${run.id}次（${run.from} 至 ${run.to}）：自动处理${run.fixed}项，待处理${run.open}项`,
      );
      for (const [name, count] of Object.entries(run.counts))
        console.log(`  ${CLASS_NAMES[name as keyof typeof CLASS_NAMES] ?? name}：${count}`);
      return 0;
    },
  },
};
