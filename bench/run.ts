import { runBookingBench } from './booking-bench.js';
import { runCallCostBench } from './call-cost-bench.js';
import { runFeedsBench } from './feeds-bench.js';
import { runHistoryBench } from './history-bench.js';
import { runIncomingBench } from './incoming-bench.js';
import { runIvrBench } from './ivr-bench.js';
import { runReconcileBench } from './reconcile-bench.js';
import { runReportsBench } from './reports-bench.js';
import { runRoutingBench } from './routing-bench.js';
import { runSoakBench } from './soak-bench.js';

/**
 * `npm run bench`: every scenario, each against a baseline measured in the same run.
 * `npm run bench -- incoming` runs one scenario; `reports-embedded` is `reports` on the embedded
 * database (`npm start`'s default) instead of a PostgreSQL server.
 */
const scenarios: Record<string, () => Promise<Record<string, unknown>>> = {
  incoming: () => runIncomingBench(),
  ivr: () => runIvrBench(),
  booking: () => runBookingBench(),
  routing: () => runRoutingBench(),
  reports: () => runReportsBench(),
  'reports-embedded': () => runReportsBench({ embedded: true }),
  reconcile: () => runReconcileBench(),
  soak: () => runSoakBench(),
  feeds: () => runFeedsBench(),
  history: () => runHistoryBench(),
  callcost: () => runCallCostBench(),
};

const only = process.argv.slice(2);
for (const [name, run] of Object.entries(scenarios)) {
  if (only.length > 0 && !only.includes(name)) continue;
  const result = await run();
  console.log(`\n== ${name}`);
  console.log(JSON.stringify(result, null, 2));
}
process.exit(0);
