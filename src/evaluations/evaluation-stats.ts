import { DateTime } from 'luxon';
import type { Catalogue } from '../catalogue/index.js';
import { ZONE } from '../platform/clock.js';
import type { Database } from '../platform/db.js';
import * as repo from './evaluation-repository.js';

/** The 好差评 figures of one group (a hotline, department, agent, service, or all). */
export interface EvaluationFigures {
  /** 应评价: calls after which the evaluation was offered (a caller who hung up first included). */
  offered: number;
  /** 评价数: calls evaluated by a key 1-5. */
  evaluated: number;
  verySatisfied: number;
  satisfied: number;
  basicallySatisfied: number;
  dissatisfied: number;
  veryDissatisfied: number;
  /** 未评价: offered, not evaluated (silence, wrong keys, hang-up). */
  notEvaluated: number;
  /** 差评数: 不满意 + 非常不满意. */
  poor: number;
  /** 差评 whose citizen was called back (a return-visit call was placed from the case). */
  revisited: number;
  /** 差评 whose case was closed with a finding, the rectification and the reply. */
  rectified: number;
  /** Of those, closed by the deadline. */
  rectifiedInTime: number;
  /** evaluated / offered; null without an offer. */
  evaluationRate: number | null;
  /** (非常满意 + 满意 + 基本满意) / evaluated; null without an evaluation. */
  satisfactionRate: number | null;
  /** revisited / poor; null without a 差评. */
  revisitRate: number | null;
  /** rectified / poor. */
  rectificationRate: number | null;
  /** rectifiedInTime / poor. */
  onTimeRectificationRate: number | null;
}

/** The period's 好差评, in total and by hotline, department, agent and service. */
export interface EvaluationReport {
  from: string;
  to: string;
  total: EvaluationFigures;
  byHotline: Array<EvaluationFigures & { hotline: string; name: string }>;
  byDepartment: Array<
    EvaluationFigures & { department: string; hallName: string; departmentName: string }
  >;
  /** `agent` is the display name (the username when none is set), `username` empty for self-service. */
  byAgent: Array<EvaluationFigures & { agent: string; username: string }>;
  byService: Array<EvaluationFigures & { service: string; name: string }>;
}

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : null);

/** Adds up the figures of a set of evaluation rows. */
export function figuresOf(facts: readonly repo.EvaluationFact[]): EvaluationFigures {
  const count = (test: (f: repo.EvaluationFact) => boolean) => facts.filter(test).length;
  const offered = facts.length;
  const levels = [1, 2, 3, 4, 5].map((level) => count((f) => f.level === level));
  const evaluated = levels.reduce((a, b) => a + b, 0);
  const poor = levels[3]! + levels[4]!;
  const isPoor = (f: repo.EvaluationFact) => f.level === 4 || f.level === 5;
  const revisited = count((f) => isPoor(f) && f.called_back);
  const rectified = count((f) => isPoor(f) && f.closed);
  const rectifiedInTime = count((f) => isPoor(f) && f.closed_in_time);
  return {
    offered,
    evaluated,
    verySatisfied: levels[0]!,
    satisfied: levels[1]!,
    basicallySatisfied: levels[2]!,
    dissatisfied: levels[3]!,
    veryDissatisfied: levels[4]!,
    notEvaluated: offered - evaluated,
    poor,
    revisited,
    rectified,
    rectifiedInTime,
    evaluationRate: ratio(evaluated, offered),
    satisfactionRate: ratio(levels[0]! + levels[1]! + levels[2]!, evaluated),
    revisitRate: ratio(revisited, poor),
    rectificationRate: ratio(rectified, poor),
    onTimeRectificationRate: ratio(rectifiedInTime, poor),
  };
}

function grouped<K extends string>(
  facts: readonly repo.EvaluationFact[],
  key: (f: repo.EvaluationFact) => K,
): Array<[K, EvaluationFigures]> {
  const groups = new Map<K, repo.EvaluationFact[]>();
  for (const fact of facts) {
    const k = key(fact);
    groups.set(k, [...(groups.get(k) ?? []), fact]);
  }
  return [...groups]
    .map(([k, rows]): [K, EvaluationFigures] => [k, figuresOf(rows)])
    .sort((a, b) => b[1].offered - a[1].offered || a[0].localeCompare(b[0]));
}

/** The 好差评 statistics over whole days `from`..`to` (YYYY-MM-DD, Beijing time). `nameOf` names agents. */
export async function evaluationReport(
  deps: { db: Database; catalogue: Catalogue; nameOf: (userId: string) => Promise<string> },
  from: string,
  to: string,
): Promise<EvaluationReport> {
  const { db, catalogue } = deps;
  const start = DateTime.fromISO(from, { zone: ZONE }).startOf('day').toJSDate();
  const end = DateTime.fromISO(to, { zone: ZONE }).plus({ days: 1 }).startOf('day').toJSDate();
  const facts = await repo.listEvaluationFacts(db, start, end);
  const byAgent = await Promise.all(
    grouped(facts, (f) => f.agent_id ?? '').map(async ([agent, figures]) => ({
      agent: agent ? await deps.nameOf(agent) : '自助服务',
      username: agent,
      ...figures,
    })),
  );
  return {
    from,
    to,
    total: figuresOf(facts),
    byHotline: grouped(facts, (f) => f.hotline_number ?? '').map(([hotline, figures]) => ({
      hotline,
      name: catalogue.hotline(hotline)?.name ?? '未知热线',
      ...figures,
    })),
    byDepartment: grouped(facts, (f) => f.department_id ?? '').map(([department, figures]) => {
      const place = catalogue.department(department);
      return {
        department,
        hallName: place?.hall.name ?? '',
        departmentName: place?.department.name ?? '未知部门',
        ...figures,
      };
    }),
    byAgent,
    byService: grouped(facts, (f) => f.service_id ?? '').map(([service, figures]) => ({
      service,
      name: catalogue.service(service)?.service.name ?? '未登记事项',
      ...figures,
    })),
  };
}
