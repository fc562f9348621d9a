import { and, eq, isNotNull, sql, type SQL } from 'drizzle-orm';
import { queryRows, tableRows, type Executor } from '../platform/db.js';
import type { PendingStep } from './calls-path.js';
import type { CallRow, CallStepRow, NewCall } from './calls-repository.js';
import { callEvents, calls, callSteps } from './calls-tables.js';

/**
 * A status callback in one statement: its event appended unless its dedupe key is there (a
 * retried callback), and, when the event is new, the status applied to the call, the call's row
 * created first when its arrival was never written. The status only moves forward, the highest
 * sequence number is kept, a final status sets `endedAt` once. `previousRank` is the rank the
 * call had before (0 for a row this statement created); undefined for a duplicate.
 */
export async function applyStatusOnce(
  db: Executor,
  change: {
    call: Pick<
      NewCall,
      | 'callSid'
      | 'direction'
      | 'fromNumber'
      | 'toNumber'
      | 'hotlineNumber'
      | 'hallId'
      | 'departmentId'
    >;
    status: string;
    rank: number;
    final: boolean;
    sequenceNumber: number | null;
    at: Date;
    durationSeconds: number | null;
    payload: Record<string, unknown>;
    dedupeKey: string;
  },
): Promise<{ fresh: boolean; previousRank: number | undefined }> {
  const { call, rank } = change;
  const at = change.at.toISOString();
  const sid = call.callSid;
  // A call rebuilt from status callbacks (its arrival was never written) arrived at the earliest
  // time they tell: a callback's own time, or a final one's time less the call's duration.
  const arrivedAt = (current: SQL) =>
    sql`case when exists (select 1 from ${callEvents} e where e.call_sid = ${sid} and e.dedupe_key = 'arrived') then ${current}
             else least(${current}, ${at}::timestamptz,
                        ${at}::timestamptz - make_interval(secs => coalesce(${change.durationSeconds}::int, 0))) end`;
  const rows = await queryRows<{
    fresh: boolean;
    previous_rank: number | null;
    inserted: boolean | null;
  }>(
    db,
    sql`with previous as (
          select status_rank from ${calls} where call_sid = ${sid} for update
        ), event as (
          insert into ${callEvents} (call_sid, source, event, dedupe_key, sequence_number, occurred_at, payload)
          values (${sid}, 'status', ${change.status}, ${change.dedupeKey}, ${change.sequenceNumber}::int, ${at}::timestamptz, ${JSON.stringify(change.payload)}::jsonb)
          on conflict (call_sid, dedupe_key) do nothing
          returning id
        ), applied as (
          insert into ${calls} as c (call_sid, direction, from_number, to_number, hotline_number, hall_id, department_id,
                                     status, status_rank, last_sequence_number, arrived_at, ended_at, duration_seconds)
          select ${sid}, ${call.direction ?? 'inbound'}, ${call.fromNumber ?? ''}, ${call.toNumber ?? ''},
                 ${call.hotlineNumber ?? null}, ${call.hallId ?? null}, ${call.departmentId ?? null},
                 ${rank > 0 ? change.status : 'ringing'}, ${Math.max(0, rank)}::int,
                 ${Math.max(-1, change.sequenceNumber ?? -1)}::int, ${arrivedAt(sql`${at}::timestamptz`)},
                 ${change.final ? at : null}::timestamptz, ${change.durationSeconds}::int
          where exists (select 1 from event)
          on conflict (call_sid) do update set
            status = case when c.status_rank < ${rank} then ${change.status} else c.status end,
            status_rank = greatest(c.status_rank, ${rank}),
            last_sequence_number = greatest(coalesce(c.last_sequence_number, -1), ${change.sequenceNumber ?? -1}),
            ended_at = case when ${change.final} then coalesce(c.ended_at, ${at}::timestamptz) else c.ended_at end,
            duration_seconds = coalesce(${change.durationSeconds}::int, c.duration_seconds),
            arrived_at = ${arrivedAt(sql`c.arrived_at`)},
            updated_at = now()
          returning (xmax = 0) as inserted
        )
        select exists (select 1 from event) as fresh,
               (select status_rank from previous) as previous_rank,
               (select inserted from applied) as inserted`,
  );
  const row = rows[0]!;
  if (!row.fresh) return { fresh: false, previousRank: undefined };
  // A row created here had the default rank; one another callback created meanwhile (not seen
  // by this statement's snapshot) is taken as such too: the end may then be announced twice.
  return { fresh: true, previousRank: row.inserted ? 0 : (row.previous_rank ?? 0) };
}

/**
 * The post-call summary of an ended call, written in one statement: how it ended (the rules of
 * `classifyEnd`, in SQL), its IVR, queue and talk seconds, and the IVR path `pending` in Redis
 * (appended to `call_steps` in order, by the first summary only: a second one finds
 * `summarized_at` set, under the row's lock). Returns the call as summarized, or undefined when
 * there is no such ended call.
 */
export async function summarizeEnded(
  db: Executor,
  callSid: string,
  at: Date,
  pending: ReadonlyArray<PendingStep> = [],
): Promise<CallRow | undefined> {
  const seconds = (from: SQL, to: SQL) =>
    sql`greatest(0, round(extract(epoch from (${to} - ${from}))))::int`;
  // With a path to write, the update reads `prior` (below) in its condition, so that the row is
  // locked and its summary read before this statement updates it.
  const locked = pending.length > 0 ? sql`exists (select 1 from prior)` : undefined;
  const update = db
    .update(calls)
    .set({
      endReason: sql`case
        when ${calls.answeredAt} is not null then 'answered'
        when ${calls.callbackRequested} then 'callback_requested'
        when ${calls.queuedAt} is not null then 'abandoned_in_queue'
        when ${calls.selfServed} then 'self_served'
        when ${calls.endReason} is not null then ${calls.endReason}
        when ${calls.status} in ('failed', 'busy', 'no-answer', 'canceled') then 'failed'
        else 'abandoned_in_ivr' end`,
      ivrSeconds: seconds(
        sql`${calls.arrivedAt}`,
        sql`coalesce(${calls.ivrEndedAt}, ${calls.queuedAt}, ${calls.endedAt})`,
      ),
      queueSeconds: sql`case when ${calls.queuedAt} is not null then ${seconds(
        sql`${calls.queuedAt}`,
        sql`coalesce(${calls.answeredAt}, ${calls.endedAt})`,
      )} end`,
      talkSeconds: sql`case when ${calls.answeredAt} is not null then ${seconds(
        sql`${calls.answeredAt}`,
        sql`${calls.endedAt}`,
      )} end`,
      summarizedAt: at,
      updatedAt: new Date(),
    })
    .where(and(eq(calls.callSid, callSid), isNotNull(calls.endedAt), locked))
    .returning();
  if (!locked) return (await update)[0];
  const steps = JSON.stringify(
    pending.map((step) => ({
      node_id: step.nodeId,
      kind: step.kind,
      input: step.input ?? null,
      at: step.at.toISOString(),
    })),
  );
  const rows = await queryRows(
    db,
    sql`with prior as (
          select summarized_at from ${calls} where call_sid = ${callSid} and ended_at is not null for update
        ), path as (
          insert into ${callSteps} (call_sid, node_id, kind, input, at)
          select ${callSid}, s.node_id, s.kind, s.input, s.at
          from rows from (jsonb_to_recordset(${steps}::jsonb) as (node_id text, kind text, input text, at timestamptz))
            with ordinality as s(node_id, kind, input, at, n)
          where exists (select 1 from prior where summarized_at is null)
          order by s.n
        )
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
