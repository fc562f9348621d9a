import { and, asc, desc, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
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

/** Which figures a row of {@link countEvaluations} holds: all of the period's, or one group's. */
export type EvaluationDimension = 'total' | 'hotline' | 'department' | 'agent' | 'service';

/** The counts behind the 好差评 figures of one group. */
export interface EvaluationCounts extends Record<string, unknown> {
  dimension: EvaluationDimension;
  /** The hotline number, department, agent or service id; '' for none (and for the total). */
  key: string;
  /** Evaluations offered. */
  offered: number;
  /** Evaluated by key 1 (非常满意) .. 5 (非常不满意). */
  level1: number;
  level2: number;
  level3: number;
  level4: number;
  level5: number;
  /** 差评 (keys 4 and 5) whose case was called back, closed, closed by its due time. */
  revisited: number;
  rectified: number;
  rectified_in_time: number;
}

/**
 * The counts of the evaluations offered in [from, to) (not on training calls), in total and by
 * hotline, department, agent and the service the call's outcome names: one row per group, added
 * up by PostgreSQL. A group's key is '' where the evaluation has none.
 */
export async function countEvaluations(
  db: Executor,
  from: Date,
  to: Date,
): Promise<EvaluationCounts[]> {
  return db.transaction(async (tx) => {
    // The default cost of a random read (4) suits disks; with the tables in memory (PGlite), it made
    // a day's figures scan every call and outcome instead of looking up its thousand by key.
    await tx.execute(sql`set local random_page_cost = 2`);
    return queryRows<EvaluationCounts>(
      tx,
      sql`with facts as (
          select coalesce(e.hotline_number, '') as hotline, coalesce(e.department_id, '') as department,
            coalesce(e.agent_id, '') as agent, coalesce(o.service_id, '') as service, e.level,
            e.level in (4, 5) as poor,
            case when c.id is null then false else exists (select 1 from evaluation_case_steps s
              where s.case_id = c.id and s.kind = 'callback') end as called_back,
            c.status = 'closed' as closed,
            c.status = 'closed' and c.closed_at <= c.due_at as closed_in_time
          from evaluations e
          left join call_outcomes o on o.call_sid = e.call_sid and o.agent_id = e.agent_id
          left join evaluation_cases c on c.evaluation_id = e.id
          where e.offered_at >= ${from.toISOString()}::timestamptz and e.offered_at < ${to.toISOString()}::timestamptz
            and not exists (select 1 from calls t where t.call_sid = e.call_sid and t.training))
        select case when grouping(hotline) = 0 then 'hotline' when grouping(department) = 0 then 'department'
            when grouping(agent) = 0 then 'agent' when grouping(service) = 0 then 'service'
            else 'total' end as dimension,
          coalesce(hotline, department, agent, service, '') as key,
          count(*)::int as offered,
          count(*) filter (where level = 1)::int as level1,
          count(*) filter (where level = 2)::int as level2,
          count(*) filter (where level = 3)::int as level3,
          count(*) filter (where level = 4)::int as level4,
          count(*) filter (where level = 5)::int as level5,
          count(*) filter (where poor and called_back)::int as revisited,
          count(*) filter (where poor and closed)::int as rectified,
          count(*) filter (where poor and closed_in_time)::int as rectified_in_time
        from facts
        group by grouping sets ((hotline), (department), (agent), (service), ())`,
    );
  });
}
