import { createBookingJobs, scheduleBookingJobs } from './booking/index.js';
import { createCallbackJobs, scheduleCallbackJobs } from './callbacks/index.js';
import { createCallJobs } from './calls/index.js';
import { createEvaluationJobs, scheduleEvaluationJobs } from './evaluations/index.js';
import { createGuideJobs } from './guides/index.js';
import { createReconciliationJobs, scheduleReconciliation } from './reconciliation/index.js';
import { createRecordingJobs, scheduleRecordingJobs } from './recordings/index.js';
import { createReportJobs, scheduleDailyReport } from './reports/index.js';
import { createRoutingJobs, scheduleRoutingJobs } from './routing/index.js';
import { createSupervisionJobs, scheduleSupervisionJobs } from './supervision/index.js';
import type { JobDefinition } from './platform/queues.js';
import { startWorkers } from './platform/queues.js';
import { createRedis } from './platform/redis.js';
import { createScheduleGuard, type ScheduleGuard } from './platform/schedule-guard.js';
import type { Runtime } from './runtime.js';

/** Every component's job processors. */
export function jobDefinitions(runtime: Runtime): JobDefinition[] {
  return [
    ...createCallJobs(runtime.ledger),
    ...createReportJobs(runtime.reports, runtime.ledger, () =>
      runtime.database.refreshStatistics(),
    ),
    ...createRoutingJobs(runtime.routing),
    ...createSupervisionJobs(runtime.supervision),
    ...createCallbackJobs(runtime.callbacks, runtime.config.agents),
    ...createRecordingJobs(runtime.recordings, runtime.config.agents.recordingRetentionDays),
    ...createReconciliationJobs({
      reconciliation: runtime.reconciliation.service,
      horizonDays: runtime.config.booking.horizonDays,
    }),
    ...createEvaluationJobs(runtime.followUps),
    ...createGuideJobs({
      guides: runtime.guides,
      twilio: runtime.twilio,
      config: runtime.config,
      logger: runtime.logger,
    }),
    ...createBookingJobs({
      booking: runtime.booking.service,
      capacity: runtime.booking.capacity,
      twilio: runtime.twilio,
      catalogue: runtime.catalogue,
      config: runtime.config,
      logger: runtime.logger,
    }),
  ];
}

/** Starts the workers and the periodic jobs; only the worker role calls this. */
export async function startJobs(runtime: Runtime): Promise<{ close(): Promise<void> }> {
  const connection = createRedis(runtime.config.redisUrl, runtime.logger, {
    forWorker: true,
    name: 'worker',
  });
  const workers = startWorkers(
    jobDefinitions(runtime),
    connection,
    runtime.config.redisPrefix,
    runtime.logger,
  );
  // Always at start, so that a changed schedule (REPORT_DAILY_AT, ...) applies; the guard rebuilds the rest if Redis lost it.
  await scheduleRepeatableJobs(runtime);
  const guard = createScheduleRecovery(runtime);
  await guard.check();
  guard.start();
  runtime.logger.info({ queues: workers.workers.map((w) => w.name) }, 'worker started');
  return {
    async close() {
      guard.stop();
      await workers.close();
      connection.disconnect();
    },
  };
}

/** Registers every periodic job (idempotent: upserts by scheduler id). */
async function scheduleRepeatableJobs(runtime: Runtime): Promise<void> {
  await runtime.queues
    .get('call-summary-sweep')
    .upsertJobScheduler(
      'call-summary-sweep',
      { every: 5 * 60_000 },
      { name: 'call-summary-sweep', data: {} },
    );
  await scheduleDailyReport(runtime.queues, runtime.config.reports.dailyAt);
  await scheduleRoutingJobs(runtime.queues);
  await scheduleSupervisionJobs(runtime.queues);
  await scheduleCallbackJobs(runtime.queues);
  await scheduleRecordingJobs(runtime.queues);
  await scheduleBookingJobs(runtime.queues, runtime.config);
  await scheduleReconciliation(runtime.queues);
  await scheduleEvaluationJobs(runtime.queues);
}

/**
 * What the worker rebuilds from PostgreSQL when Redis lost its data: every periodic job, the
 * booking's delayed jobs (reminders, hold expiries), then routing (agents, waiting callers,
 * callbacks); at a prefix's first start only the periodic jobs. Every step uses deterministic
 * job ids, so a rebuild never doubles a job.
 */
export function createScheduleRecovery(runtime: Runtime): ScheduleGuard {
  return createScheduleGuard({
    redis: runtime.redis,
    db: runtime.database.db,
    prefix: runtime.config.redisPrefix,
    clock: runtime.clock,
    logger: runtime.logger,
    steps: [
      { name: 'repeatable jobs', run: () => scheduleRepeatableJobs(runtime) },
      {
        name: 'booking jobs',
        run: () => runtime.booking.recovery.restorePendingJobs(),
        afterLossOnly: true,
      },
      { name: 'routing', run: () => runtime.routing.recovery.rebuild(), afterLossOnly: true },
    ],
  });
}
