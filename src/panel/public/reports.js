// @ts-check
/* global document, window -- browser code, served as is to the panel's pages */
import { api, ApiError, toLoginOn401, el } from './panel-api.js';
import { mountFrame } from './layout.js';
import { showEvaluations } from './evaluation-report.js';
import { showGuides } from './guide-report.js';
import { showWrittenDates } from './written-dates.js';
import { charts, draw, percent } from './reports-charts.js';
import {
  fillForm,
  formLabel,
  periodFromAddress,
  readForm,
  showKind,
  span,
} from './reports-period-form.js';

/** @typedef {import('../panel-types.js').PeriodReportPage} PeriodReportPage */
/** @typedef {import('../panel-types.js').StaffingPlan} StaffingPlan */

void mountFrame();

showWrittenDates();

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
/**
 * The page's state: the label of the figures on screen (null when none are), the number of the
 * latest request (an older answer arriving late is dropped), and the recorded history's first
 * and last day, once known.
 */
const state = {
  /** @type {string | null} */
  shown: null,
  request: 0,
  /** @type {PeriodReportPage['history'] | null} */
  history: null,
};
const number = (/** @type {number | null | undefined} */ value) =>
  value === null || value === undefined ? '—' : Number(value).toLocaleString('zh-CN');

/** @param {PeriodReportPage} report */
function kpis(report) {
  const t = report.total;
  /** @type {Array<[string, string]>} */
  const tiles = [
    ['呼入量', number(t.offered)],
    ['人工接听量', number(t.answered)],
    [
      `服务水平(${report.serviceLevelSeconds}秒)`,
      t.serviceLevel === null ? '—' : `${percent(t.serviceLevel)}%`,
    ],
    ['平均应答时长', t.asaSeconds === null ? '—' : `${Math.round(t.asaSeconds)}秒`],
    ['平均处理时长', t.handleSeconds === null ? '—' : `${Math.round(t.handleSeconds)}秒`],
    ['业务咨询', number(t.consultations)],
    ['电话办结事项', number(t.completedByPhone)],
    ['自助办结量', number(t.selfServed)],
  ];
  $('kpis').replaceChildren(
    ...tiles.map(([label, value]) =>
      el('div', { class: 'kpi', 'data-kpi': label }, el('b', {}, value), el('span', {}, label)),
    ),
  );
}

/** Nothing to draw: the reason in words, and a way to the recorded history when there is one. */
/** @param {string} reason */
function showEmpty(reason) {
  $('empty-reason').textContent = reason;
  $('summary').textContent = '';
  $('show-history').hidden = !state.history?.firstDay;
  $('empty').hidden = false;
  $('kpis').replaceChildren();
  // Nothing to evaluate either: the 好差评 and guide sections would show a heading alone (or the last period's).
  $('evaluations').hidden = true;
  $('guides').hidden = true;
  for (const instance of charts.values()) instance.dispose();
  charts.clear();
  state.shown = null;
  document.body.dataset.state = 'empty';
}

/** @param {string} label */
function showLoading(label) {
  document.body.dataset.state = 'loading';
  document.body.toggleAttribute('data-stale', state.shown !== null);
  $('figures').setAttribute('aria-busy', 'true');
  $('status').textContent =
    state.shown === null
      ? `正在加载${label}的统计数据……`
      : `正在加载${label}的统计数据……下方灰色的是上次查询（${state.shown}）的数据`;
  $('status').hidden = false;
}

function doneLoading() {
  $('status').hidden = true;
  document.body.removeAttribute('data-stale');
  $('figures').removeAttribute('aria-busy');
}

async function load() {
  const query = readForm();
  const request = ++state.request;
  window.history.replaceState(null, '', `?${query}`);
  /** @type {HTMLAnchorElement} */ ($('csv')).href = `/api/reports/period.csv?${query}`;
  /** @type {HTMLAnchorElement} */ ($('xlsx')).href = `/api/reports/period.xlsx?${query}`;
  $('error').hidden = true;
  $('empty').hidden = true;
  showLoading(formLabel());
  try {
    /** @type {[PeriodReportPage, StaffingPlan]} */
    const [report, staffing] = await Promise.all([
      api('GET', `/api/reports/period?${query}`),
      api('GET', `/api/reports/staffing?${query}`),
    ]);
    if (request !== state.request) return;
    state.history = report.history;
    $('summary').textContent = report.summary;
    $('note').textContent = report.history.note ? `注：${report.history.note}` : '';
    $('note').hidden = !report.history.note;
    const t = report.total;
    const booked =
      t.bookingsPhone + t.bookingsIvr + t.bookingsWeb + t.bookingsWechat + t.bookingsWalkIn;
    if (t.offered === 0 && booked === 0 && t.slotCapacity === 0) {
      const where = report.history.firstDay
        ? `有记录的来电在${span(report.history.firstDay, report.history.lastDay ?? '')}之间。`
        : '';
      showEmpty(`${report.label}没有来电，也没有预约和号源。${where}`);
      return;
    }
    kpis(report);
    $('evaluations').hidden = false;
    $('guides').hidden = false;
    showEvaluations(report.evaluations);
    showGuides(report.guides);
    draw(report, staffing);
    state.shown = report.label;
    document.body.dataset.state = 'ready';
  } catch (error) {
    if (request !== state.request) return;
    if (toLoginOn401(error)) return;
    $('summary').textContent = '';
    $('note').hidden = true;
    if (error instanceof ApiError && error.code === 'outside_history') {
      showEmpty(error.message);
      return;
    }
    $('error').textContent =
      error instanceof ApiError && error.status === 403
        ? '统计报表仅限班长和管理员查看。'
        : /** @type {Error} */ (error).message;
    $('error').hidden = false;
    $('kpis').replaceChildren();
    for (const instance of charts.values()) instance.clear();
    state.shown = null;
    document.body.dataset.state = 'error';
  } finally {
    if (request === state.request) doneLoading();
  }
}

fillForm(periodFromAddress());
$('kind').addEventListener('change', () =>
  showKind(/** @type {HTMLSelectElement} */ ($('kind')).value),
);
$('show-history').addEventListener('click', () => {
  const history = /** @type {PeriodReportPage['history']} */ (state.history);
  fillForm({ kind: 'range', from: history.firstDay ?? '', to: history.lastDay ?? '' });
  void load();
});
$('period').addEventListener('submit', (event) => {
  event.preventDefault();
  void load();
});
window.addEventListener('resize', () => {
  for (const instance of charts.values()) instance.resize();
});
void load();
