import { loadCatalogue } from '../catalogue/index.js';
import { parseFlags, withDatabase, type AdminCommand } from '../platform/admin-command.js';
import { createReconciliationService } from './reconciliation-service.js';
import { CLASS_NAMES } from './reconciliation-views.js';

export const reconciliationCommands: Record<string, AdminCommand> = {
  reconcile: {
    summary: '--from <YYYY-MM-DD> --to <YYYY-MM-DD>: one reconciliation run now, its counts per class printed (npm run reconcile -- ...)',
    run: async (args, admin) => {
      const flags = parseFlags(args, { from: { type: 'string' }, to: { type: 'string' } }, ['from', 'to']);
      const run = await withDatabase(admin, (db) =>
        createReconciliationService({ db, catalogue: loadCatalogue(admin.config.catalogueDir), clock: admin.clock, logger: admin.logger }).run(flags.from!, flags.to!, 'command'),
      );
      console.log(`对账第${run.id}次（${run.from} 至 ${run.to}）：自动处理${run.fixed}项，待处理${run.open}项`);
      for (const [name, count] of Object.entries(run.counts)) console.log(`  ${CLASS_NAMES[name as keyof typeof CLASS_NAMES] ?? name}：${count}`);
      return 0;
    },
  },
};
