import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../platform/db.js';

/** Today's figures of one queue (department skill), from the call ledger. */
export interface QueueTodayRow {
  queue_skill: string;
  /** Calls that joined the queue (short abandons included). */
  offered: number;
  answered: number;
  /** Seconds the answered calls waited, summed (for the average speed of answer). */
  answered_wait_seconds: number;
  answered_in_target: number;
  abandoned: number;
  short_abandons: number;
}

/** Seconds a call waited in the queue: the summary's figure, or from its stage times while it is not summarised yet. */
const waited = sql`coalesce(queue_seconds, extract(epoch from (coalesce(answered_at, ended_at) - queued_at)))`;

/**
 * Per queue, inbound calls queued in [from, to): offered, answered (and their summed wait), answered within `targetSeconds`,
 * abandoned in the queue (short abandons apart, as in the daily export).
 */
export async function countQueuesToday(
  db: Executor,
  from: Date,
  to: Date,
  targetSeconds: number,
  shortAbandonSeconds: number,
): Promise<QueueTodayRow[]> {
  return queryRows<QueueTodayRow & Record<string, unknown>>(
    db,
    sql`select queue_skill,
          count(*)::int as offered,
          count(*) filter (where answered_at is not null)::int as answered,
          coalesce(sum(${waited}) filter (where answered_at is not null), 0)::float8 as answered_wait_seconds,
          count(*) filter (where answered_at is not null and ${waited} <= ${targetSeconds})::int as answered_in_target,
          count(*) filter (where end_reason = 'abandoned_in_queue' and ${waited} >= ${shortAbandonSeconds})::int as abandoned,
          count(*) filter (where end_reason = 'abandoned_in_queue' and ${waited} < ${shortAbandonSeconds})::int as short_abandons
        from calls
        where direction = 'inbound' and queue_skill is not null and not training
          and queued_at >= ${from.toISOString()}::timestamptz and queued_at < ${to.toISOString()}::timestamptz
        group by queue_skill`,
  );
}

/** When each of these calls joined its queue. */
export async function queuedTimes(
  db: Executor,
  callSids: readonly string[],
): Promise<Map<string, Date>> {
  if (callSids.length === 0) return new Map();
  const rows = await queryRows<{ call_sid: string; queued_at: Date | string | null }>(
    db,
    sql`select call_sid, queued_at from calls where call_sid in (${sql.join(
      callSids.map((sid) => sql`${sid}`),
      sql`, `,
    )})`,
  );
  return new Map(rows.filter((r) => r.queued_at).map((r) => [r.call_sid, new Date(r.queued_at!)]));
}

/** Calls each agent answered in [from, to). */
export async function countAgentCallsToday(
  db: Executor,
  from: Date,
  to: Date,
): Promise<Map<string, number>> {
  const rows = await queryRows<{ agent_id: string; n: number }>(
    db,
    sql`select agent_id, count(*)::int as n from agent_calls
        where answered_at >= ${from.toISOString()}::timestamptz and answered_at < ${to.toISOString()}::timestamptz
        group by agent_id`,
  );
  return new Map(rows.map((r) => [r.agent_id, r.n]));
}
