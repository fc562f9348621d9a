import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import { and, asc, desc, eq, gt, isNotNull, isNull, lt, sql, type SQL } from 'drizzle-orm';
import { queryRows, tableRows, type Executor } from '../platform/db.js';
import { insertWhen, partCtes, type StatementPart } from '../platform/sql-parts.js';
import { callEvents, calls, callSteps } from './calls-tables.js';

export type CallRow = typeof calls.$inferSelect;
export type CallEventRow = typeof callEvents.$inferSelect;
export type CallStepRow = typeof callSteps.$inferSelect;
export type NewCall = typeof calls.$inferInsert;
export type NewCallEvent = Omit<typeof callEvents.$inferInsert, 'id' | 'receivedAt'>;

/** Stage columns that are set once, first writer wins. */
export type Stage = 'ivrEndedAt' | 'queuedAt' | 'offeredAt' | 'answeredAt' | 'endedAt';
const stageColumns = {
  ivrEndedAt: calls.ivrEndedAt,
  queuedAt: calls.queuedAt,
  offeredAt: calls.offeredAt,
  answeredAt: calls.answeredAt,
  endedAt: calls.endedAt,
} as const;

/**
 * The ledger's rebuildable writes of many webhook requests in one statement (one round trip,
 * one implicit transaction): arriving calls with their `arrived` events, and IVR path steps.
 * Committed with `synchronous_commit = off` for this transaction only: the commit does not wait
 * for the WAL flush, so a PostgreSQL crash may lose the last fraction of a second of them, which
 * Twilio's status callbacks rebuild (the call) or which only the path display misses (steps).
 * Returns the SIDs this statement created, so that a retried webhook's SID is not among them.
 */
export async function insertRebuildable(
  db: Executor,
  writes: {
    arrivals: ReadonlyArray<{ call: NewCall; payload: Record<string, unknown> }>;
    steps: ReadonlyArray<Omit<NewCallStep, 'id'>>;
  },
): Promise<Set<string>> {
  const arrivals = JSON.stringify(
    writes.arrivals.map(({ call, payload }) => ({
      call_sid: call.callSid,
      direction: call.direction ?? 'inbound',
      hotline_number: call.hotlineNumber ?? null,
      hall_id: call.hallId ?? null,
      department_id: call.departmentId ?? null,
      enterprise_id: call.enterpriseId ?? null,
      from_number: call.fromNumber ?? '',
      to_number: call.toNumber ?? '',
      arrived_at: call.arrivedAt.toISOString(),
      payload,
    })),
  );
  const steps = JSON.stringify(
    writes.steps.map((step) => ({
      call_sid: step.callSid,
      node_id: step.nodeId,
      kind: step.kind,
      input: step.input ?? null,
      at: step.at.toISOString(),
    })),
  );
  // The path's steps in the order given, in both statements below.
  const insertPath = sql`insert into ${callSteps} (call_sid, node_id, kind, input, at)
    select s.call_sid, s.node_id, s.kind, s.input, s.at
    from rows from (jsonb_to_recordset(${steps}::jsonb) as (call_sid text, node_id text, kind text, input text, at timestamptz))
      with ordinality as s(call_sid, node_id, kind, input, at, n)
    order by s.n`;
  if (writes.arrivals.length === 0) {
    // Menu steps alone (most requests): a statement a third the cost of the whole one.
    await db.execute(
      sql`with path as (
            ${insertPath}
          )
          select set_config('synchronous_commit', 'off', true) as commit_mode`,
    );
    return new Set();
  }
  const rows = await queryRows<{ created: string[] }>(
    db,
    sql`with input as (
          select * from jsonb_to_recordset(${arrivals}::jsonb) as x(
            call_sid text, direction text, hotline_number text, hall_id text, department_id text, enterprise_id text,
            from_number text, to_number text, arrived_at timestamptz, payload jsonb)
        ), inserted as (
          insert into ${calls} (call_sid, direction, hotline_number, hall_id, department_id, enterprise_id, from_number, to_number, arrived_at)
          select call_sid, direction, hotline_number, hall_id, department_id, enterprise_id, from_number, to_number, arrived_at from input
          on conflict (call_sid) do nothing
          returning call_sid
        ), events as (
          insert into ${callEvents} (call_sid, source, event, dedupe_key, occurred_at, payload)
          select i.call_sid, 'ivr', 'arrived', 'arrived', i.arrived_at, i.payload from input i join inserted using (call_sid)
          on conflict (call_sid, dedupe_key) do nothing
        ), path as (
          ${insertPath}
        )
        select array(select call_sid from inserted) as created,
               set_config('synchronous_commit', 'off', true) as commit_mode`,
  );
  return new Set(rows[0]?.created ?? []);
}

/** Appends an event unless one with the same dedupe key exists; true when it was new. */
export async function insertEventIfNew(db: Executor, event: NewCallEvent): Promise<boolean> {
  const inserted = await db
    .insert(callEvents)
    .values(event)
    .onConflictDoNothing({ target: [callEvents.callSid, callEvents.dedupeKey] })
    .returning({ id: callEvents.id });
  return inserted.length > 0;
}

/** An event appended, unless its dedupe key is there, when `when` holds: a part of another component's statement. */
export function eventPart(event: NewCallEvent, when: SQL): StatementPart {
  return insertWhen(callEvents, event, when, sql`on conflict (call_sid, dedupe_key) do nothing`);
}

/**
 * Sets a stage timestamp unless it is already set; with `event`, appends that event (unless its
 * dedupe key is there), and runs `parts` (other components' writes), in the same statement.
 * Returns the call as it stands after the update.
 */
export async function setStageOnce(
  db: Executor,
  callSid: string,
  stage: Stage,
  at: Date,
  extra: PgUpdateSetSource<typeof calls> = {},
  event?: NewCallEvent,
  parts: ReadonlyArray<StatementPart> = [],
): Promise<CallRow | undefined> {
  const column = stageColumns[stage];
  const update = db
    .update(calls)
    .set({
      [stage]: sql`coalesce(${column}, ${at.toISOString()}::timestamptz)`,
      ...extra,
      updatedAt: new Date(),
    })
    .where(eq(calls.callSid, callSid))
    .returning();
  if (!event && parts.length === 0) return (await update)[0];
  const append = event
    ? sql`, event as (${db
        .insert(callEvents)
        .values(event)
        .onConflictDoNothing({ target: [callEvents.callSid, callEvents.dedupeKey] })
        .getSQL()})`
    : sql``;
  const rows = await queryRows(
    db,
    sql`with stage as (${update.getSQL()}) ${append} ${partCtes(parts)} select * from stage`,
  );
  return tableRows(calls, rows)[0];
}

export async function updateCall(
  db: Executor,
  callSid: string,
  values: PgUpdateSetSource<typeof calls>,
): Promise<void> {
  await db
    .update(calls)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(calls.callSid, callSid));
}

/** Updates the call and returns it as it stands after the update. */
export async function updateCallReturning(
  db: Executor,
  callSid: string,
  values: Partial<NewCall>,
): Promise<CallRow | undefined> {
  const [row] = await db
    .update(calls)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(calls.callSid, callSid))
    .returning();
  return row;
}

export async function findCall(db: Executor, callSid: string): Promise<CallRow | undefined> {
  const rows = await db.select().from(calls).where(eq(calls.callSid, callSid)).limit(1);
  return rows[0];
}

export async function listEvents(db: Executor, callSid: string): Promise<CallEventRow[]> {
  return db
    .select()
    .from(callEvents)
    .where(eq(callEvents.callSid, callSid))
    .orderBy(asc(callEvents.id));
}

export type NewCallStep = typeof callSteps.$inferInsert;

/** Ended calls whose summary was never written (a lost job), oldest first. */
export async function listUnsummarized(
  db: Executor,
  endedBefore: Date,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .select({ callSid: calls.callSid })
    .from(calls)
    .where(
      and(isNull(calls.summarizedAt), isNotNull(calls.endedAt), lt(calls.endedAt, endedBefore)),
    )
    .orderBy(asc(calls.endedAt))
    .limit(limit);
  return rows.map((r) => r.callSid);
}

/**
 * Inbound calls queued since `since` that no agent has answered and that have not ended: the
 * callers still waiting, highest priority first, then in their original place.
 */
export async function listWaitingCalls(db: Executor, since: Date): Promise<CallRow[]> {
  return db
    .select()
    .from(calls)
    .where(
      and(
        eq(calls.direction, 'inbound'),
        isNotNull(calls.queuedAt),
        isNotNull(calls.queueSkill),
        isNull(calls.answeredAt),
        isNull(calls.endedAt),
        gt(calls.queuedAt, since),
      ),
    )
    .orderBy(desc(calls.priority), asc(calls.queuedAt), asc(calls.callSid));
}
