import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true });

/** Supervisors' switches of the evaluation per hotline: each change a row with who and when; the latest counts (none: off). */
export const evaluationSettings = pgTable(
  'evaluation_settings',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    hotlineNumber: text('hotline_number').notNull(),
    enabled: boolean('enabled').notNull(),
    changedBy: text('changed_by').notNull(),
    changedAt: ts('changed_at').notNull(),
  },
  (t) => [index('evaluation_settings_hotline_idx').on(t.hotlineNumber, t.id)],
);

/**
 * One evaluation (好差评) offered after a call: to the call, its agent, department and hall (the
 * service is the one the call's outcome names). `level` is the key pressed: 1 非常满意, 2 满意,
 * 3 基本满意, 4 不满意, 5 非常不满意; null whatever else happened, which is 未评价, never satisfied.
 */
export const evaluations = pgTable(
  'evaluations',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    callSid: text('call_sid').notNull(),
    channel: text('channel', { enum: ['agent', 'self_service'] }).notNull(),
    hotlineNumber: text('hotline_number'),
    hallId: text('hall_id'),
    departmentId: text('department_id'),
    agentId: text('agent_id'),
    offeredAt: ts('offered_at').notNull(),
    /** offered: the menu was played and nothing came back (a hang-up in the menu); hung_up: the caller left before it. */
    result: text('result', { enum: ['offered', 'evaluated', 'no_input', 'invalid', 'hung_up'] })
      .notNull()
      .default('offered'),
    level: integer('level'),
    answeredAt: ts('answered_at'),
  },
  (t) => [
    uniqueIndex('evaluations_call_idx').on(t.callSid),
    index('evaluations_offered_idx').on(t.offeredAt),
  ],
);

/**
 * A follow-up case (回访) for a 差评: due on the N-th working day after it opened (EVALUATION_FOLLOW_UP_DAYS),
 * for the department's supervisor. Its state is here; every step, with who and when, is in
 * {@link evaluationCaseSteps}. Nothing is deleted.
 */
export const evaluationCases = pgTable(
  'evaluation_cases',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    evaluationId: bigint('evaluation_id', { mode: 'number' }).notNull(),
    departmentId: text('department_id').notNull(),
    hallId: text('hall_id').notNull(),
    openedAt: ts('opened_at').notNull(),
    /** The last working day (YYYY-MM-DD, Asia/Shanghai). */
    dueOn: text('due_on').notNull(),
    /** The end of that day: a case closed after it is late. */
    dueAt: ts('due_at').notNull(),
    status: text('status', { enum: ['open', 'closed'] })
      .notNull()
      .default('open'),
    /** The callback request that rings the citizen back from the panel. */
    callbackRequestId: bigint('callback_request_id', { mode: 'number' }),
    finding: text('finding', { enum: ['substantiated', 'unsubstantiated'] }),
    rectification: text('rectification'),
    reply: text('reply'),
    closedAt: ts('closed_at'),
    closedBy: text('closed_by'),
    /** 追评: the citizen's second evaluation, on the same 1-5 keys. */
    reEvaluationLevel: integer('re_evaluation_level'),
    /** When the overdue alert went out (once). */
    alertedAt: ts('alerted_at'),
  },
  (t) => [
    uniqueIndex('evaluation_cases_evaluation_idx').on(t.evaluationId),
    index('evaluation_cases_status_idx').on(t.status, t.dueAt),
  ],
);

/** Every step of a case: opened, called back, finding, closed, 追评, overdue alert; actor null for the system. */
export const evaluationCaseSteps = pgTable(
  'evaluation_case_steps',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    caseId: bigint('case_id', { mode: 'number' }).notNull(),
    kind: text('kind', {
      enum: ['opened', 'callback', 'finding', 'closed', 're-evaluated', 'overdue-alert'],
    }).notNull(),
    actorId: text('actor_id'),
    at: ts('at').notNull(),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index('evaluation_case_steps_case_idx').on(t.caseId, t.id)],
);
