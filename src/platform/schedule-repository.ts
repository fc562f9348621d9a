import { eq, sql } from 'drizzle-orm';
import type { Executor } from './db.js';
import { scheduleBuilds } from './schedule-tables.js';

export type ScheduleBuildRow = typeof scheduleBuilds.$inferSelect;

export async function findScheduleBuild(
  db: Executor,
  redisPrefix: string,
): Promise<ScheduleBuildRow | undefined> {
  const [row] = await db
    .select()
    .from(scheduleBuilds)
    .where(eq(scheduleBuilds.redisPrefix, redisPrefix));
  return row;
}

/** Records a build of the prefix's schedule; `afterLoss` counts it as a rebuild. */
export async function recordScheduleBuild(
  db: Executor,
  redisPrefix: string,
  at: Date,
  afterLoss: boolean,
): Promise<void> {
  await db
    .insert(scheduleBuilds)
    .values({ redisPrefix, firstBuiltAt: at, lastBuiltAt: at, rebuilds: 0 })
    .onConflictDoUpdate({
      target: scheduleBuilds.redisPrefix,
      set: {
        lastBuiltAt: at,
        rebuilds: afterLoss ? sql`${scheduleBuilds.rebuilds} + 1` : scheduleBuilds.rebuilds,
      },
    });
}
