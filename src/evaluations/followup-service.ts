import type { WorkCalendar } from '../calendar/index.js';
import type { CallbackRequests } from '../callbacks/index.js';
import type { CallLedger } from '../calls/index.js';
import type { Catalogue } from '../catalogue/index.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db.js';
import { ConflictError, NotFoundError } from '../platform/errors.js';
import { parseInput } from '../platform/http.js';
import type { Logger } from '../platform/logger.js';
import { z } from 'zod';
import * as repo from './evaluation-repository.js';
import { followUpDeadline } from './followup-deadline.js';
import { createCaseViews, type CaseView } from './followup-views.js';

const findingSchema = z.object({
  finding: z.enum(['substantiated', 'unsubstantiated']),
  rectification: z.string().trim().min(1).max(2000),
  reply: z.string().trim().min(1).max(2000),
});
const closeSchema = z.object({ reEvaluationLevel: z.number().int().min(1).max(5).optional() });

export interface FollowUpDeps {
  db: Database;
  catalogue: Catalogue;
  calendar: Pick<WorkCalendar, 'day'>;
  ledger: Pick<CallLedger, 'find'>;
  callbackRequests: Pick<CallbackRequests, 'request'>;
  clock: Clock;
  logger: Logger;
  followUpDays: number;
  /** Display names of staff, for the page. */
  nameOf: (userId: string) => Promise<string>;
}

/**
 * Every 差评 followed up (回访): a case for the department's supervisors, due in
 * EVALUATION_FOLLOW_UP_DAYS working days; the supervisor calls the citizen back (a callback
 * request), records the finding, the rectification and the reply, and the citizen's 追评. Every
 * step is kept with who and when; nothing is deleted.
 */
export function createFollowUps(deps: FollowUpDeps) {
  const { db, catalogue, calendar, ledger, callbackRequests, clock, nameOf } = deps;
  const log = deps.logger.child({ component: 'evaluations' });
  const view = createCaseViews({ db, catalogue, ledger, clock, nameOf });

  async function one(id: number): Promise<repo.CaseRow> {
    const row = await repo.findCase(db, id);
    if (!row) throw new NotFoundError(`no follow-up case ${id}`);
    return row;
  }

  const followUps = {
    /** Opens the case of a 差评 (once per evaluation). */
    async open(evaluation: repo.EvaluationRow): Promise<repo.CaseRow | undefined> {
      const departmentId =
        evaluation.departmentId ??
        (evaluation.hotlineNumber
          ? catalogue.hotline(evaluation.hotlineNumber)?.department
          : undefined);
      const place = departmentId ? catalogue.department(departmentId) : undefined;
      if (!departmentId || !place) {
        log.error(
          { evaluationId: evaluation.id },
          'a 差评 without a known department: no follow-up case could be opened',
        );
        return undefined;
      }
      const openedAt = clock.now();
      const { dueOn, dueAt } = followUpDeadline(calendar, openedAt, deps.followUpDays);
      const row = await db.transaction(async (tx) => {
        const created = await repo.insertCase(tx, {
          evaluationId: evaluation.id,
          departmentId,
          hallId: place.hall.id,
          openedAt,
          dueOn,
          dueAt,
        });
        if (created)
          await repo.insertStep(tx, {
            caseId: created.id,
            kind: 'opened',
            actorId: null,
            at: openedAt,
            detail: { level: evaluation.level, dueOn },
          });
        return created;
      });
      if (row)
        log.info(
          { caseId: row.id, evaluationId: evaluation.id, departmentId, dueOn },
          'follow-up case opened',
        );
      return row;
    },

    /** Cases of these departments (every department when undefined), open ones first by deadline. */
    async list(departments: readonly string[] | undefined, limit = 200): Promise<CaseView[]> {
      const rows = await repo.listCases(db, departments, limit);
      const steps = await repo.listSteps(
        db,
        rows.map((r) => r.id),
      );
      return Promise.all(
        rows.map((row) =>
          view(
            row,
            steps.filter((s) => s.caseId === row.id),
          ),
        ),
      );
    },

    /** The case a call's 差评 opened, if any. */
    async ofCall(callSid: string): Promise<CaseView | undefined> {
      const evaluation = await repo.findEvaluationByCall(db, callSid);
      const row = evaluation && (await repo.findCaseByEvaluation(db, evaluation.id));
      return row && view(row, await repo.listSteps(db, [row.id]));
    },

    async get(id: number): Promise<CaseView> {
      const row = await one(id);
      return view(row, await repo.listSteps(db, [id]));
    },

    /** Asks for a call back to the citizen through the callback mechanism: the department's desk (or the supervisor) places it. */
    async callBack(id: number, actorId: string): Promise<CaseView> {
      const row = await one(id);
      if (row.status !== 'open')
        throw new ConflictError('this follow-up case is closed', 'case_closed');
      const evaluation = (await repo.findEvaluation(db, row.evaluationId))!;
      const call = await ledger.find(evaluation.callSid);
      if (!call?.fromNumber || !call.hotlineNumber)
        throw new ConflictError('the citizen left no number to call back', 'no_number');
      const attempts = (await repo.listSteps(db, [id])).filter((s) => s.kind === 'callback').length;
      const now = clock.now();
      const { request } = await callbackRequests.request({
        callSid: `followup-${id}-${attempts + 1}`,
        hotlineNumber: call.hotlineNumber,
        hallId: row.hallId,
        skill: row.departmentId,
        phone: call.fromNumber,
        priority: 5,
        queuedAt: now,
        requestedAt: now,
        notBefore: now,
      });
      await db.transaction(async (tx) => {
        await repo.updateCase(tx, id, { callbackRequestId: request.id });
        await repo.insertStep(tx, {
          caseId: id,
          kind: 'callback',
          actorId,
          at: now,
          detail: { callbackRequestId: request.id },
        });
      });
      return followUps.get(id);
    },

    /** Records (or corrects, as a new step) the finding, what was rectified and the reply given. */
    async recordFinding(id: number, actorId: string, body: unknown): Promise<CaseView> {
      const input = parseInput(findingSchema, body, 'finding');
      const row = await one(id);
      if (row.status !== 'open')
        throw new ConflictError('this follow-up case is closed', 'case_closed');
      await db.transaction(async (tx) => {
        await repo.updateCase(tx, id, input);
        await repo.insertStep(tx, {
          caseId: id,
          kind: 'finding',
          actorId,
          at: clock.now(),
          detail: input,
        });
      });
      return followUps.get(id);
    },

    /** Closes the case once a finding is recorded, with the citizen's 追评 if they gave one; closed after the deadline counts as late. */
    async close(id: number, actorId: string, body: unknown): Promise<CaseView> {
      const { reEvaluationLevel } = parseInput(closeSchema, body ?? {}, 'close');
      const row = await one(id);
      if (!row.finding)
        throw new ConflictError(
          'record the finding, the rectification and the reply before closing',
          'finding_required',
        );
      const at = clock.now();
      const closed = await db.transaction(async (tx) => {
        const done = await repo.closeCase(tx, id, {
          closedAt: at,
          closedBy: actorId,
          reEvaluationLevel: reEvaluationLevel ?? null,
        });
        if (!done) return undefined;
        await repo.insertStep(tx, {
          caseId: id,
          kind: 'closed',
          actorId,
          at,
          detail: { late: at > row.dueAt },
        });
        if (reEvaluationLevel)
          await repo.insertStep(tx, {
            caseId: id,
            kind: 're-evaluated',
            actorId,
            at,
            detail: { level: reEvaluationLevel },
          });
        return done;
      });
      if (!closed) throw new ConflictError('this follow-up case is closed already', 'case_closed');
      log.info({ caseId: id, actorId, late: at > row.dueAt }, 'follow-up case closed');
      return followUps.get(id);
    },

    /** Alerts once for each open case past its deadline (a step and a warning in the log); returns how many. */
    async alertOverdue(): Promise<number> {
      const now = clock.now();
      let alerted = 0;
      for (const row of await repo.listOverdueUnalerted(db, now, 500)) {
        if (!(await repo.markAlerted(db, row.id, now))) continue;
        await repo.insertStep(db, {
          caseId: row.id,
          kind: 'overdue-alert',
          actorId: null,
          at: now,
          detail: { dueOn: row.dueOn },
        });
        log.warn(
          { caseId: row.id, departmentId: row.departmentId, dueOn: row.dueOn },
          'follow-up case overdue',
        );
        alerted += 1;
      }
      return alerted;
    },
  };
  return followUps;
}

export type FollowUps = ReturnType<typeof createFollowUps>;
