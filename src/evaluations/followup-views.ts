import { DateTime } from 'luxon';
import type { CallLedger } from '../calls/index.js';
import type { Catalogue } from '../catalogue/index.js';
import { ZONE, type Clock } from '../platform/clock.js';
import type { Database } from '../platform/db.js';
import * as repo from './evaluation-repository.js';
import { LEVELS } from './evaluation-service.js';

/** 13904691234 -> 139****1234, as the desk shows a caller. */
const masked = (number: string) => {
  const digits = number.replace(/^\+86/, '');
  return digits.length < 7 ? '****' : `${digits.slice(0, 3)}****${digits.slice(-4)}`;
};

const FINDINGS = { substantiated: '属实', unsubstantiated: '不属实' } as const;
const STEP_WORDS: Record<repo.CaseStepRow['kind'], string> = {
  opened: '差评生成回访工单',
  callback: '发起回访电话',
  finding: '登记核实结果与整改',
  closed: '办结',
  're-evaluated': '群众追评',
  'overdue-alert': '逾期提醒',
};

/** A follow-up case as the supervisors' page shows it. */
export interface CaseView {
  id: number;
  hallName: string;
  departmentName: string;
  agentName: string;
  /** The citizen's number, masked. */
  phone: string;
  level: string;
  callAt: string;
  openedAt: string;
  dueOn: string;
  status: 'open' | 'closed';
  /** Open past its deadline. */
  overdue: boolean;
  /** Closed after its deadline. */
  late: boolean;
  finding: string | null;
  rectification: string | null;
  reply: string | null;
  reEvaluation: string | null;
  closedAt: string | null;
  steps: Array<{ what: string; who: string; at: string; detail: Record<string, unknown> }>;
}

/** A case as the page shows it: names and words for ids and codes, times in Beijing time. */
export function createCaseViews({
  db,
  catalogue,
  ledger,
  clock,
  nameOf,
}: {
  db: Database;
  catalogue: Catalogue;
  ledger: Pick<CallLedger, 'find'>;
  clock: Clock;
  nameOf: (userId: string) => Promise<string>;
}): (row: repo.CaseRow, steps: repo.CaseStepRow[]) => Promise<CaseView> {
  const written = (at: Date) =>
    DateTime.fromJSDate(at, { zone: ZONE }).toFormat('yyyy-MM-dd HH:mm');

  return async function view(row, steps) {
    const evaluation = await repo.findEvaluation(db, row.evaluationId);
    const call = evaluation ? await ledger.find(evaluation.callSid) : undefined;
    const place = catalogue.department(row.departmentId);
    const now = clock.now();
    return {
      id: row.id,
      hallName: place?.hall.name ?? '',
      departmentName: place?.department.name ?? row.departmentId,
      agentName: evaluation?.agentId ? await nameOf(evaluation.agentId) : '自助服务',
      phone: masked(call?.fromNumber ?? ''),
      level: LEVELS[evaluation?.level ?? 0] ?? '',
      callAt: evaluation ? written(evaluation.offeredAt) : '',
      openedAt: written(row.openedAt),
      dueOn: row.dueOn,
      status: row.status,
      overdue: row.status === 'open' && now > row.dueAt,
      late: row.status === 'closed' && row.closedAt !== null && row.closedAt > row.dueAt,
      finding: row.finding ? FINDINGS[row.finding] : null,
      rectification: row.rectification,
      reply: row.reply,
      reEvaluation: row.reEvaluationLevel ? LEVELS[row.reEvaluationLevel]! : null,
      closedAt: row.closedAt ? written(row.closedAt) : null,
      steps: await Promise.all(
        steps.map(async (s) => ({
          what: STEP_WORDS[s.kind],
          who: s.actorId ? await nameOf(s.actorId) : '系统',
          at: written(s.at),
          detail: s.detail,
        })),
      ),
    };
  };
}
