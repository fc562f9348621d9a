// @ts-check
/* global document -- browser code, served as is to the panel's pages */
import { el } from './panel-api.js';

/** @typedef {import('../panel-types.js').EvaluationFigures} EvaluationFigures */
/** @typedef {import('../panel-types.js').EvaluationReport} EvaluationReport */

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const rate = (/** @type {number | null | undefined} */ value) =>
  value === null || value === undefined ? '—' : `${Math.round(value * 1000) / 10}%`;
/** @type {Array<[string, (figures: EvaluationFigures) => string | number]>} */
const COLUMNS = [
  ['应评价', (f) => f.offered],
  ['评价数', (f) => f.evaluated],
  ['评价率', (f) => rate(f.evaluationRate)],
  ['满意率', (f) => rate(f.satisfactionRate)],
  ['非常满意', (f) => f.verySatisfied],
  ['满意', (f) => f.satisfied],
  ['基本满意', (f) => f.basicallySatisfied],
  ['不满意', (f) => f.dissatisfied],
  ['非常不满意', (f) => f.veryDissatisfied],
  ['未评价', (f) => f.notEvaluated],
  ['差评数', (f) => f.poor],
  ['回访率', (f) => rate(f.revisitRate)],
  ['整改率', (f) => rate(f.rectificationRate)],
  ['按时整改率', (f) => rate(f.onTimeRectificationRate)],
];

/**
 * @template {EvaluationFigures} R
 * @param {string} title
 * @param {R[]} rows
 * @param {(row: R) => string} name
 */
function table(title, rows, name) {
  if (!rows.length) return el('p', { class: 'muted' }, `${title}：本期间没有评价`);
  return el(
    'details',
    { open: '' },
    el('summary', {}, title),
    el(
      'table',
      { class: 'compact', 'data-table': title },
      el('thead', {}, el('tr', {}, el('th', {}, '名称'), ...COLUMNS.map(([h]) => el('th', {}, h)))),
      el(
        'tbody',
        {},
        ...rows.map((r) =>
          el(
            'tr',
            {},
            el('td', {}, name(r)),
            ...COLUMNS.map(([, value]) => el('td', {}, value(r))),
          ),
        ),
      ),
    ),
  );
}

/** The 好差评 section of the statistics page: tiles for the period, then the figures by hotline, department, agent and service. */
/** @param {EvaluationReport | undefined} report */
export function showEvaluations(report) {
  if (!report) return;
  const t = report.total;
  /** @type {Array<[string, string]>} */
  const tiles = [
    ['评价数', String(t.evaluated)],
    ['评价率', rate(t.evaluationRate)],
    ['满意率', rate(t.satisfactionRate)],
    ['差评数', String(t.poor)],
    ['回访率', rate(t.revisitRate)],
    ['整改率', rate(t.rectificationRate)],
    ['按时整改率', rate(t.onTimeRectificationRate)],
  ];
  $('evaluation-kpis').replaceChildren(
    ...tiles.map(([label, value]) =>
      el('div', { class: 'kpi', 'data-kpi': label }, el('b', {}, value), el('span', {}, label)),
    ),
  );
  $('evaluation-tables').replaceChildren(
    table('按部门', report.byDepartment, (r) => `${r.hallName} ${r.departmentName}`),
    table('按热线', report.byHotline, (r) => r.name),
    table('按坐席', report.byAgent, (r) => r.agent),
    table('按事项', report.byService, (r) => r.name),
  );
}
