import { and, eq, getTableColumns, isNotNull, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { queryRows, tableRows, type Executor } from '../platform/db.js';
import type { PendingEvent, PendingStages, PendingStep } from './calls-path.js';
import type { CallRow, CallStepRow } from './calls-repository.js';
import { callEvents, calls, callSteps } from './calls-tables.js';

/** A call's stage columns as the summary reads them: table columns, or a statement's own values. */
interface SummaryInputs {
  arrivedAt: SQL;
  ivrEndedAt: SQL;
  queuedAt: SQL;
  answeredAt: SQL;
  callbackRequested: SQL;
  selfServed: SQL;
  endReason: SQL;
  status: SQL;
  endedAt: SQL;
}

/**
 * The summary's columns from a call's stages: how it ended (the rules of `classifyEnd`, in SQL)
 * and its IVR, queue and talk seconds. One definition for the summary's own statement and the
 * final status callback's (which summarizes the call it ends).
 */
export function summaryColumns(c: SummaryInputs) {
  const seconds = (from: SQL, to: SQL) =>
    sql`greatest(0, round(extract(epoch from (${to} - ${from}))))::int`;
  return {
    endReason: sql`case
        when ${c.answeredAt} is not null then 'answered'
        when ${c.callbackRequested} then 'callback_requested'
        when ${c.queuedAt} is not null then 'abandoned_in_queue'
        when ${c.selfServed} then 'self_served'
        when ${c.endReason} is not null then ${c.endReason}
        when ${c.status} in ('failed', 'busy', 'no-answer', 'canceled') then 'failed'
        else 'abandoned_in_ivr' end`,
    ivrSeconds: seconds(c.arrivedAt, sql`coalesce(${c.ivrEndedAt}, ${c.queuedAt}, ${c.endedAt})`),
    queueSeconds: sql`case when ${c.queuedAt} is not null then ${seconds(
      c.queuedAt,
      sql`coalesce(${c.answeredAt}, ${c.endedAt})`,
    )} end`,
    talkSeconds: sql`case when ${c.answeredAt} is not null then ${seconds(c.answeredAt, c.endedAt)} end`,
  };
}

/**
 * What waits in Redis until the summary writes it: the IVR path and the events held with it, and
 * the queued and offered stages when no write of the call has carried them yet.
 */
export interface PendingWrites extends PendingStages {
  steps: ReadonlyArray<PendingStep>;
  events: ReadonlyArray<PendingEvent>;
}

/**
 * The columns of the stages waiting in Redis (see calls-path.ts), keyed by the table's field
 * names: the queued stage's (its routing attributes) and the offered stage's (its agent and
 * Twilio queue), each with its time unless the call has one (`current` reads a column as it
 * stands: `c.queued_at`, or the table's).
 */
export function pendingStageValues(
  stages: PendingStages,
  current: (column: string) => SQL,
): Record<string, SQL> {
  return {
    ...(stages.offered ? stageValues('offeredAt', stages.offered, current) : {}),
    ...(stages.queued ? stageValues('queuedAt', stages.queued, current) : {}),
  };
}

function stageValues(
  time: 'queuedAt' | 'offeredAt',
  stage: { at: Date; attributes: Record<string, unknown> },
  current: (column: string) => SQL,
): Record<string, SQL> {
  const columns = getTableColumns(calls) as Record<string, PgColumn>;
  const values: Record<string, SQL> = {
    [time]: sql`coalesce(${current(columns[time]!.name)}, ${stage.at.toISOString()}::timestamptz)`,
  };
  for (const [field, value] of Object.entries(stage.attributes)) {
    if (value === undefined) continue;
    const column = columns[field]!;
    values[field] = sql`${sql.param(value, column)}::${sql.raw(column.getSQLType())}`;
  }
  return values;
}

/**
 * The CTEs that write a call's pending steps (to `call_steps`, in order) and events (to
 * `call_events`, each once by its dedupe key) when `when` holds: `, path as (…), held as (…)`.
 */
export function pendingWriteParts(callSid: string, pending: PendingWrites, when: SQL): SQL {
  const steps = JSON.stringify(
    pending.steps.map((step) => ({
      node_id: step.nodeId,
      kind: step.kind,
      input: step.input ?? null,
      at: step.at.toISOString(),
    })),
  );
  const events = JSON.stringify(
    pending.events.map((event) => ({
      source: event.source,
      event: event.event,
      dedupe_key: event.dedupeKey,
      occurred_at: event.occurredAt.toISOString(),
      payload: event.payload,
    })),
  );
  return sql`, path as (
          insert into ${callSteps} (call_sid, node_id, kind, input, at)
          select ${callSid}, s.node_id, s.kind, s.input, s.at
          from rows from (jsonb_to_recordset(${steps}::jsonb) as (node_id text, kind text, input text, at timestamptz))
            with ordinality as s(node_id, kind, input, at, n)
          where ${when}
          order by s.n
        ), held as (
          insert into ${callEvents} (call_sid, source, event, dedupe_key, occurred_at, payload)
          select ${callSid}, e.source, e.event, e.dedupe_key, e.occurred_at, e.payload
          from jsonb_to_recordset(${events}::jsonb) as e(source text, event text, dedupe_key text, occurred_at timestamptz, payload jsonb)
          where ${when}
          on conflict (call_sid, dedupe_key) do nothing
        )`;
}

/**
 * The post-call summary of an ended call, written in one statement: how it ended, its IVR,
 * queue and talk seconds (`summaryColumns`), and what waited in Redis (`pending`: the IVR path,
 * appended to `call_steps` in order, and the events held with it, by the first summary only: a
 * second one finds `summarized_at` set, under the row's lock). Returns the call as summarized,
 * or undefined when there is no such ended call.
 */
export async function summarizeEnded(
  db: Executor,
  callSid: string,
  at: Date,
  pending: PendingWrites = { steps: [], events: [] },
): Promise<CallRow | undefined> {
  const any =
    pending.steps.length > 0 || pending.events.length > 0 || pending.queued || pending.offered;
  // With something to write, the update reads `prior` (below) in its condition, so that the row
  // is locked and its summary read before this statement updates it.
  const locked = any ? sql`exists (select 1 from prior)` : undefined;
  const queued = pendingStageValues(pending, (column) => sql`${sql.identifier(column)}`);
  const update = db
    .update(calls)
    .set({
      ...queued,
      ...summaryColumns({
        arrivedAt: sql`${calls.arrivedAt}`,
        ivrEndedAt: sql`${calls.ivrEndedAt}`,
        queuedAt: queued.queuedAt ?? sql`${calls.queuedAt}`,
        answeredAt: sql`${calls.answeredAt}`,
        callbackRequested: sql`${calls.callbackRequested}`,
        selfServed: sql`${calls.selfServed}`,
        endReason: sql`${calls.endReason}`,
        status: sql`${calls.status}`,
        endedAt: sql`${calls.endedAt}`,
      }),
      summarizedAt: at,
      updatedAt: new Date(),
    })
    .where(and(eq(calls.callSid, callSid), isNotNull(calls.endedAt), locked))
    .returning();
  if (!locked) return (await update)[0];
  const rows = await queryRows(
    db,
    sql`with prior as (
          select summarized_at from ${calls} where call_sid = ${callSid} and ended_at is not null for update
        )${pendingWriteParts(
          callSid,
          pending,
          sql`exists (select 1 from prior where summarized_at is null)`,
        )}
        ${update.getSQL()}`,
  );
  return tableRows(calls, rows)[0];
}

/**
 * The call's IVR path in `call_steps`, in order, and whether its summary ran (then every step
 * is here; before, the steps after the arrival wait in Redis).
 */
export async function listPath(
  db: Executor,
  callSid: string,
): Promise<{ steps: CallStepRow[]; summarized: boolean }> {
  const rows = await queryRows<Record<string, unknown> & { summarized: boolean | null }>(
    db,
    sql`select s.*, (select summarized_at is not null from ${calls} where call_sid = ${callSid}) as summarized
        from (select 1) as one
        left join ${callSteps} s on s.call_sid = ${callSid}
        order by s.at, s.id`,
  );
  return {
    steps: tableRows(
      callSteps,
      rows.filter((row) => row.id !== null),
    ),
    summarized: rows[0]?.summarized === true,
  };
}
