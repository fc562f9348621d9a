import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { queryRows, type Executor } from '../platform/db.js';
import {
  pendingWriteParts,
  pendingStageValues,
  summaryColumns,
  type PendingWrites,
} from './calls-end-repository.js';
import type { NewCall } from './calls-repository.js';
import { callEvents, calls } from './calls-tables.js';

/** A status callback as the ledger applies it. */
export interface StatusChange {
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
}

/** Whether the callback was new, and the rank the call had before (0 for a row created here). */
type StatusApplied = { fresh: boolean; previousRank: number | undefined };
type StatusRow = { fresh: boolean; previous_rank: number | null; inserted: boolean | null };

/**
 * The status callback's statement: its event appended unless its dedupe key is there (a
 * retried callback), and, when the event is new, the status applied to the call, the call's row
 * created first when its arrival was never written. The status only moves forward, the highest
 * sequence number is kept, a final status sets `endedAt` once. `set`, `ctes` and `select` add
 * to the update, the `with` list and the result (the final status's summary).
 */
function statusStatement(change: StatusChange, set: SQL, ctes: SQL, select: SQL): SQL {
  const { call, rank } = change;
  const at = change.at.toISOString();
  const sid = call.callSid;
  // A call rebuilt from status callbacks (its arrival was never written) arrived at the earliest
  // time they tell: a callback's own time, or a final one's time less the call's duration.
  const arrivedAt = (current: SQL) =>
    sql`case when exists (select 1 from ${callEvents} e where e.call_sid = ${sid} and e.dedupe_key = 'arrived') then ${current}
             else least(${current}, ${at}::timestamptz,
                        ${at}::timestamptz - make_interval(secs => coalesce(${change.durationSeconds}::int, 0))) end`;
  return sql`with previous as (
          select status_rank, ended_at, summarized_at from ${calls} where call_sid = ${sid} for update
        ), event as (
          insert into ${callEvents} (call_sid, source, event, dedupe_key, sequence_number, occurred_at, payload)
          values (${sid}, 'status', ${change.status}, ${change.dedupeKey}, ${change.sequenceNumber}::int, ${at}::timestamptz, ${JSON.stringify(change.payload)}::jsonb)
          on conflict (call_sid, dedupe_key) do nothing
          returning id
        )${ctes}, applied as (
          insert into ${calls} as c (call_sid, direction, from_number, to_number, hotline_number, hall_id, department_id,
                                     status, status_rank, last_sequence_number, arrived_at, ended_at, duration_seconds)
          select ${sid}, ${call.direction ?? 'inbound'}, ${call.fromNumber ?? ''}, ${call.toNumber ?? ''},
                 ${call.hotlineNumber ?? null}, ${call.hallId ?? null}, ${call.departmentId ?? null},
                 ${rank > 0 ? change.status : 'ringing'}, ${Math.max(0, rank)}::int,
                 ${Math.max(-1, change.sequenceNumber ?? -1)}::int, ${arrivedAt(sql`${at}::timestamptz`)},
                 ${change.final ? at : null}::timestamptz, ${change.durationSeconds}::int
          where exists (select 1 from event)
          on conflict (call_sid) do update set
            status = ${statusAfter(change)},
            status_rank = greatest(c.status_rank, ${rank}),
            last_sequence_number = greatest(coalesce(c.last_sequence_number, -1), ${change.sequenceNumber ?? -1}),
            ended_at = case when ${change.final} then coalesce(c.ended_at, ${at}::timestamptz) else c.ended_at end,
            duration_seconds = coalesce(${change.durationSeconds}::int, c.duration_seconds),
            arrived_at = ${arrivedAt(sql`c.arrived_at`)},
            updated_at = now()${set}
          returning (xmax = 0) as inserted, summarized_at
        )
        select exists (select 1 from event) as fresh,
               (select status_rank from previous) as previous_rank,
               (select inserted from applied) as inserted${select}`;
}

/** The call's status after the callback, in the update of the row `c`: it only moves forward. */
function statusAfter(change: StatusChange): SQL {
  return sql`case when c.status_rank < ${change.rank} then ${change.status} else c.status end`;
}

function statusApplied(row: StatusRow): StatusApplied {
  if (!row.fresh) return { fresh: false, previousRank: undefined };
  // A row created here had the default rank; one another callback created meanwhile (not seen
  // by this statement's snapshot) is taken as such too: the end may then be announced twice.
  return { fresh: true, previousRank: row.inserted ? 0 : (row.previous_rank ?? 0) };
}

/**
 * A status callback in one statement (`statusStatement`). `previousRank` is the rank the call
 * had before (0 for a row this statement created); undefined for a duplicate.
 */
export async function applyStatusOnce(db: Executor, change: StatusChange): Promise<StatusApplied> {
  const rows = await queryRows<StatusRow>(db, statusStatement(change, sql``, sql``, sql``));
  return statusApplied(rows[0]!);
}

/**
 * A final status callback in one statement with the summary of the call it ends: as
 * `applyStatusOnce`, and when the callback is new and the call had not ended, the summary's
 * columns set in the same update (from the stages as they stood and this callback's end) and
 * `pending` written. `summarized` says whether this statement summarized the call; `summarizedAt`
 * is the call's summary time after it (another summary's, or none).
 */
export async function applyFinalStatusOnce(
  db: Executor,
  change: StatusChange,
  summaryAt: Date,
  pending: PendingWrites,
): Promise<StatusApplied & { summarized: boolean; summarizedAt: Date | null }> {
  const at = sql`${change.at.toISOString()}::timestamptz`;
  // The call this callback ends: new, and the row had not ended (read under the row's lock).
  const ending = sql`exists (select 1 from ending)`;
  // The queued and offered stages still pending are written here too, and the summary reads them.
  const queued = pendingStageValues(pending, (column) => sql.raw(`c.${column}`));
  const summary = summaryColumns({
    arrivedAt: sql`c.arrived_at`,
    ivrEndedAt: sql`c.ivr_ended_at`,
    queuedAt: queued.queuedAt ?? sql`c.queued_at`,
    answeredAt: sql`c.answered_at`,
    callbackRequested: sql`c.callback_requested`,
    selfServed: sql`c.self_served`,
    endReason: sql`c.end_reason`,
    status: statusAfter(change),
    endedAt: at,
  });
  // Each column set only when this callback ends the call; otherwise kept as it is.
  const columns = getTableColumns(calls) as Record<string, PgColumn>;
  const set = Object.entries({
    ...queued,
    ...summary,
    summarizedAt: sql`${summaryAt.toISOString()}::timestamptz`,
  }).map(([field, value]) => {
    const name = columns[field]!.name;
    return sql`, ${sql.identifier(name)} = case when ${ending} then ${value} else ${sql.raw(`c.${name}`)} end`;
  });
  const rows = await queryRows<
    StatusRow & { summarized_at: Date | string | null; summarized: boolean }
  >(
    db,
    statusStatement(
      change,
      sql.join(set, sql``),
      sql`, ending as (
          select 1 from previous where ended_at is null and exists (select 1 from event)
        )${pendingWriteParts(change.call.callSid, pending, ending)}`,
      sql`, exists (select 1 from ending) as summarized,
            coalesce((select summarized_at from applied), (select summarized_at from previous)) as summarized_at`,
    ),
  );
  const row = rows[0]!;
  const summarizedAt = row.summarized_at === null ? null : new Date(row.summarized_at);
  return { ...statusApplied(row), summarized: row.summarized, summarizedAt };
}
