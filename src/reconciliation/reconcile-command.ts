import { loadCatalogue } from '../catalogue/index.js';
import { configOrExit } from '../process.js';
import { parseFlags, withDatabase } from '../platform/admin-command.js';
import { systemClock } from '../platform/clock.js';
import { createLogger } from '../platform/logger.js';
import { createReconciliationService } from './reconciliation-service.js';
import { CLASS_NAMES } from './reconciliation-views.js';

/** `npm run reconcile -- --from YYYY-MM-DD --to YYYY-MM-DD`: one reconciliation run now, its counts per class printed. */
const config = configOrExit();
try {
  const flags = parseFlags(process.argv.slice(2), { from: { type: 'string' }, to: { type: 'string' } }, ['from', 'to']);
  const run = await withDatabase(config, (db) =>
    createReconciliationService({ db, catalogue: loadCatalogue(config.catalogueDir), clock: systemClock, logger: createLogger('warn') }).run(flags.from!, flags.to!, 'command'),
  );
  console.log(`对账第${run.id}次（${run.from} 至 ${run.to}）：自动处理${run.fixed}项，待处理${run.open}项`);
  for (const [name, count] of Object.entries(run.counts)) console.log(`  ${CLASS_NAMES[name as keyof typeof CLASS_NAMES] ?? name}：${count}`);
  process.exit(0);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
