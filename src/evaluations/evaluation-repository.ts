import { and, asc, desc, eq, inArray, isNull, lt, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../platform/db.js';
import {
  evaluationCases,
  evaluationCaseSteps,
  evaluations,
  evaluationSettings,
} from './evaluation-tables.js';

export type EvaluationRow = typeof evaluations.$inferSelect;
export type CaseRow = typeof evaluationCases.$inferSelect;
export type CaseStepRow = typeof evaluationCaseSteps.$inferSelect;
export type SettingRow = typeof evaluationSettings.$inferSelect;

/** The latest switch of each hotline that was ever switched. */
export async function listLatestSettings(db: Executor): Promise<SettingRow[]> {
  return db
    .selectDistinctOn([evaluationSettings.hotlineNumber])
    .from(evaluationSettings)
    .orderBy(evaluationSettings.hotlineNumber, desc(evaluationSettings.id));
}

export async function latestSetting(
  db: Executor,
  hotlineNumber: string,
): Promise<SettingRow | undefined> {
  const [row] = await db
    .select()
    .from(evaluationSettings)
    .where(eq(evaluationSettings.hotlineNumber, hotlineNumber))
    .orderBy(desc(evaluationSettings.id))
    .limit(1);
  return row;
}

/** Whether the hotline's latest switch is on, as a scalar subquery to read in another statement (false when never switched). */
export function settingEnabledRead(hotlineNumber: string | null): SQL {
  return sql`coalesce((select ${evaluationSettings.enabled} from ${evaluationSettings}
    where ${evaluationSettings.hotlineNumber} = ${hotlineNumber}
    order by ${evaluationSettings.id} desc limit 1), false)`;
}

export async function insertSetting(
  db: Executor,
  row: Omit<typeof evaluationSettings.$inferInsert, 'id'>,
): Promise<void> {
  await db.insert(evaluationSettings).values(row);
}

/** Stores the evaluation of a call once; the existing one when the call has one already. */
export async function insertEvaluation(
  db: Executor,
  row: Omit<typeof evaluations.$inferInsert, 'id'>,
): Promise<{ row: EvaluationRow; created: boolean }> {
  const [inserted] = await db
    .insert(evaluations)
    .values(row)
    .onConflictDoNothing({ target: evaluations.callSid })
    .returning();
  if (inserted) return { row: inserted, created: true };
  const [existing] = await db
    .select()
    .from(evaluations)
    .where(eq(evaluations.callSid, row.callSid!));
  return { row: existing!, created: false };
}

export async function findEvaluationByCall(
  db: Executor,
  callSid: string,
): Promise<EvaluationRow | undefined> {
  const [row] = await db.select().from(evaluations).where(eq(evaluations.callSid, callSid));
  return row;
}

export async function findEvaluation(db: Executor, id: number): Promise<EvaluationRow | undefined> {
  const [row] = await db.select().from(evaluations).where(eq(evaluations.id, id));
  return row;
}

/** Settles an offered evaluation (compare-and-set): the row, or undefined when it was settled already. */
export async function settleEvaluation(
  db: Executor,
  callSid: string,
  values: { result: EvaluationRow['result']; level: number | null; answeredAt: Date },
): Promise<EvaluationRow | undefined> {
  const [row] = await db
    .update(evaluations)
    .set(values)
    .where(and(eq(evaluations.callSid, callSid), eq(evaluations.result, 'offered')))
    .returning();
  return row;
}

export async function insertCase(
  db: Executor,
  row: Omit<typeof evaluationCases.$inferInsert, 'id' | 'status'>,
): Promise<CaseRow | undefined> {
  const [inserted] = await db
    .insert(evaluationCases)
    .values(row)
    .onConflictDoNothing({ target: evaluationCases.evaluationId })
    .returning();
  return inserted;
}

export async function findCaseByEvaluation(
  db: Executor,
  evaluationId: number,
): Promise<CaseRow | undefined> {
  const [row] = await db
    .select()
    .from(evaluationCases)
    .where(eq(evaluationCases.evaluationId, evaluationId));
  return row;
}

export async function findCase(db: Executor, id: number): Promise<CaseRow | undefined> {
  const [row] = await db.select().from(evaluationCases).where(eq(evaluationCases.id, id));
  return row;
}

export async function updateCase(
  db: Executor,
  id: number,
  values: Partial<typeof evaluationCases.$inferInsert>,
): Promise<CaseRow> {
  const [row] = await db
    .update(evaluationCases)
    .set(values)
    .where(eq(evaluationCases.id, id))
    .returning();
  return row!;
}

/** Closes an open case (compare-and-set): the row, or undefined when it was closed already. */
export async function closeCase(
  db: Executor,
  id: number,
  values: Partial<typeof evaluationCases.$inferInsert>,
): Promise<CaseRow | undefined> {
  const [row] = await db
    .update(evaluationCases)
    .set({ ...values, status: 'closed' })
    .where(and(eq(evaluationCases.id, id), eq(evaluationCases.status, 'open')))
    .returning();
  return row;
}

export async function insertStep(
  db: Executor,
  row: Omit<typeof evaluationCaseSteps.$inferInsert, 'id'>,
): Promise<void> {
  await db.insert(evaluationCaseSteps).values(row);
}

export async function listSteps(db: Executor, caseIds: readonly number[]): Promise<CaseStepRow[]> {
  if (caseIds.length === 0) return [];
  return db
    .select()
    .from(evaluationCaseSteps)
    .where(inArray(evaluationCaseSteps.caseId, [...caseIds]))
    .orderBy(asc(evaluationCaseSteps.id));
}

/** Cases of these departments (all when undefined), open ones first by due time, then the latest closed. */
export async function listCases(
  db: Executor,
  departments: readonly string[] | undefined,
  limit: number,
): Promise<CaseRow[]> {
  const where = departments ? inArray(evaluationCases.departmentId, [...departments]) : undefined;
  if (departments && departments.length === 0) return [];
  return db
    .select()
    .from(evaluationCases)
    .where(where)
    .orderBy(
      sql`case when ${evaluationCases.status} = 'open' then 0 else 1 end`,
      asc(evaluationCases.dueAt),
      desc(evaluationCases.id),
    )
    .limit(limit);
}

/** Open cases past their due time that were not alerted yet. */
export async function listOverdueUnalerted(
  db: Executor,
  now: Date,
  limit: number,
): Promise<CaseRow[]> {
  return db
    .select()
    .from(evaluationCases)
    .where(
      and(
        eq(evaluationCases.status, 'open'),
        lt(evaluationCases.dueAt, now),
        isNull(evaluationCases.alertedAt),
      ),
    )
    .orderBy(asc(evaluationCases.dueAt))
    .limit(limit);
}

/** Marks the overdue alert of a case as sent, once. */
export async function markAlerted(db: Executor, id: number, at: Date): Promise<boolean> {
  const rows = await db
    .update(evaluationCases)
    .set({ alertedAt: at })
    .where(and(eq(evaluationCases.id, id), isNull(evaluationCases.alertedAt)))
    .returning({ id: evaluationCases.id });
  return rows.length > 0;
}

/** One evaluation offered in a period, with what the figures need: its groups, level and its case's progress. */
export interface EvaluationFact extends Record<string, unknown> {
  hotline_number: string | null;
  department_id: string | null;
  agent_id: string | null;
  /** The service the call's outcome names, if any. */
  service_id: string | null;
  level: number | null;
  has_case: boolean;
  called_back: boolean;
  closed: boolean;
  closed_in_time: boolean;
}

/** The evaluations offered in [from, to) (not on training calls), one row each; the outcome's service and the case's progress joined. */
export async function listEvaluationFacts(
  db: Executor,
  from: Date,
  to: Date,
): Promise<EvaluationFact[]> {
  return queryRows<EvaluationFact>(
    db,
    sql`select e.hotline_number, e.department_id, e.agent_id, o.service_id, e.level,
          c.id is not null as has_case,
          exists (select 1 from evaluation_case_steps s where s.case_id = c.id and s.kind = 'callback') as called_back,
          coalesce(c.status = 'closed', false) as closed,
          coalesce(c.status = 'closed' and c.closed_at <= c.due_at, false) as closed_in_time
        from evaluations e
        left join call_outcomes o on o.call_sid = e.call_sid and o.agent_id = e.agent_id
        left join evaluation_cases c on c.evaluation_id = e.id
        where e.offered_at >= ${from.toISOString()}::timestamptz and e.offered_at < ${to.toISOString()}::timestamptz
          and not exists (select 1 from calls t where t.call_sid = e.call_sid and t.training)
        order by e.id`,
  );
}
