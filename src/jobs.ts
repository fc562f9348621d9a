import { createAgentJobs, scheduleAgentJobs } from './agents/index.js';
import { createCallJobs } from './calls/index.js';
import { createReportJobs, scheduleDailyReport } from './reports/index.js';
import type { JobDefinition } from './platform/queues.js';
import { startWorkers } from './platform/queues.js';
import { createRedis } from './platform/redis.js';
import type { Runtime } from './runtime.js';

/** Every component's job processors. */
export function jobDefinitions(runtime: Runtime): JobDefinition[] {
  return [...createCallJobs(runtime.ledger), ...createReportJobs(runtime.reports, runtime.ledger), ...createAgentJobs(runtime.agents)];
}

/** Starts the workers and the periodic jobs; only the worker role calls this. */
export async function startJobs(runtime: Runtime): Promise<{ close(): Promise<void> }> {
  const connection = createRedis(runtime.config.redisUrl, runtime.logger, { forWorker: true, name: 'worker' });
  const workers = startWorkers(jobDefinitions(runtime), connection, runtime.config.redisPrefix, runtime.logger);
  await runtime.queues.get('call-summary-sweep').upsertJobScheduler('call-summary-sweep', { every: 5 * 60_000 }, { name: 'call-summary-sweep', data: {} });
  await scheduleDailyReport(runtime.queues, runtime.config.reports.dailyAt);
  await scheduleAgentJobs(runtime.agents);
  runtime.logger.info({ queues: workers.workers.map((w) => w.name) }, 'worker started');
  return {
    async close() {
      await workers.close();
      connection.disconnect();
    },
  };
}
