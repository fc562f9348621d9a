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

const NONE: repo.EvaluationCounts = {
  dimension: 'total',
  key: '',
  offered: 0,
  level1: 0,
  level2: 0,
  level3: 0,
  level4: 0,
  level5: 0,
  revisited: 0,
  rectified: 0,
  rectified_in_time: 0,
};

/** The figures of one group from its counts. */
export function figuresOf(counts: repo.EvaluationCounts): EvaluationFigures {
  const { offered, level1, level2, level3, level4, level5, revisited, rectified } = counts;
  const evaluated = level1 + level2 + level3 + level4 + level5;
  const poor = level4 + level5;
  return {
    offered,
    evaluated,
    verySatisfied: level1,
    satisfied: level2,
    basicallySatisfied: level3,
    dissatisfied: level4,
    veryDissatisfied: level5,
    notEvaluated: offered - evaluated,
    poor,
    revisited,
    rectified,
    rectifiedInTime: counts.rectified_in_time,
    evaluationRate: ratio(evaluated, offered),
    satisfactionRate: ratio(level1 + level2 + level3, evaluated),
    revisitRate: ratio(revisited, poor),
    rectificationRate: ratio(rectified, poor),
    onTimeRectificationRate: ratio(counts.rectified_in_time, poor),
  };
}

/** The groups of one dimension, the most offered first, then by key. */
function grouped(
  rows: readonly repo.EvaluationCounts[],
  dimension: repo.EvaluationDimension,
): Array<[string, EvaluationFigures]> {
  return rows
    .filter((r) => r.dimension === dimension)
    .map((r): [string, EvaluationFigures] => [r.key, figuresOf(r)])
    .sort((a, b) => b[1].offered - a[1].offered || a[0].localeCompare(b[0]));
}

/** The 好差评 statistics over whole days `from`..`to` (YYYY-MM-DD, Beijing time). `namesOf` names agents. */
export async function evaluationReport(
  deps: {
    db: Database;
    catalogue: Catalogue;
    namesOf: (userIds: readonly string[]) => Promise<Map<string, string>>;
  },
  from: string,
  to: string,
): Promise<EvaluationReport> {
  const { db, catalogue } = deps;
  const start = DateTime.fromISO(from, { zone: ZONE }).startOf('day').toJSDate();
  const end = DateTime.fromISO(to, { zone: ZONE }).plus({ days: 1 }).startOf('day').toJSDate();
  const rows = await repo.countEvaluations(db, start, end);
  const agents = grouped(rows, 'agent');
  const names = await deps.namesOf(agents.map(([agent]) => agent).filter(Boolean));
  const byAgent = agents.map(([agent, figures]) => ({
    agent: agent ? (names.get(agent) ?? agent) : '自助服务',
    username: agent,
    ...figures,
  }));
  return {
    from,
    to,
    total: figuresOf(rows.find((r) => r.dimension === 'total') ?? NONE),
    byHotline: grouped(rows, 'hotline').map(([hotline, figures]) => ({
      hotline,
      name: catalogue.hotline(hotline)?.name ?? '未知热线',
      ...figures,
    })),
    byDepartment: grouped(rows, 'department').map(([department, figures]) => {
      const place = catalogue.department(department);
      return {
        department,
        hallName: place?.hall.name ?? '',
        departmentName: place?.department.name ?? '未知部门',
        ...figures,
      };
    }),
    byAgent,
    byService: grouped(rows, 'service').map(([service, figures]) => ({
      service,
      name: catalogue.service(service)?.service.name ?? '未登记事项',
      ...figures,
    })),
  };
}
