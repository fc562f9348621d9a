/* global document, window, echarts, URLSearchParams -- browser code; ECharts is served by the app at vendor/echarts.min.js */
import { api, ApiError, toLoginOn401, el } from './panel-api.js';
import { mountFrame } from './layout.js';
import { showEvaluations } from './evaluation-report.js';
import { showGuides } from './guide-report.js';
import { showWrittenDates } from './written-dates.js';

void mountFrame();

showWrittenDates();

const KINDS = ['day', 'week', 'month', 'year'];
const $ = (id) => document.getElementById(id);
const charts = new Map();
/**
 * The page's state: the label of the figures on screen (null when none are), the number of the
 * latest request (an older answer arriving late is dropped), and the recorded history's first
 * and last day, once known.
 */
const state = { shown: null, request: 0, history: null };
const percent = (value) =>
  value === null || value === undefined ? null : Math.round(value * 1000) / 10;
const number = (value) =>
  value === null || value === undefined ? '—' : Number(value).toLocaleString('zh-CN');

/** The period asked for, from the page's address or, by default, the last 30 days up to yesterday. */
function periodFromAddress() {
  const params = new URLSearchParams(window.location.search);
  for (const kind of KINDS) if (params.get(kind)) return { kind, [kind]: params.get(kind) };
  if (params.get('from') && params.get('to'))
    return { kind: 'range', from: params.get('from'), to: params.get('to') };
  const day = (offset) =>
    new Date(Date.now() + 8 * 3600_000 - offset * 86400_000).toISOString().slice(0, 10);
  return { kind: 'range', from: day(30), to: day(1) };
}

function showKind(kind) {
  for (const label of document.querySelectorAll('[data-kind]'))
    label.hidden = !label.dataset.kind.split(' ').includes(kind);
  $('from-label').textContent = kind === 'day' ? '日期' : '开始日期';
}

function fillForm(period) {
  $('kind').value = period.kind;
  showKind(period.kind);
  if (period.kind === 'range') {
    $('from').value = period.from;
    $('to').value = period.to;
  } else if (period.kind === 'day') $('from').value = period.day;
  else $(period.kind).value = period[period.kind];
}

function readForm() {
  const kind = $('kind').value;
  if (kind === 'range') return new URLSearchParams({ from: $('from').value, to: $('to').value });
  if (kind === 'day') return new URLSearchParams({ day: $('from').value });
  return new URLSearchParams({ [kind]: $(kind).value });
}

function chart(id, option) {
  const element = $(id);
  let instance = charts.get(id);
  if (!instance) {
    element.classList.remove('chart-empty');
    element.removeAttribute('data-empty');
    element.replaceChildren();
    instance = echarts.init(element, null, { renderer: 'canvas' });
    charts.set(id, instance);
  }
  instance.setOption(
    {
      animation: false,
      tooltip: { trigger: 'axis' },
      grid: { left: 56, right: 24, top: 40, bottom: 48 },
      ...option,
    },
    true,
  );
}

/** A chart with nothing to show says so in words, instead of axes or slices drawn from zeros. */
function emptyChart(id, reason) {
  charts.get(id)?.dispose();
  charts.delete(id);
  const element = $(id);
  element.classList.add('chart-empty');
  element.dataset.empty = reason;
  element.textContent = reason;
}

/** Draws the chart when it has data, else says why it has none. */
function chartOr(id, hasData, reason, option) {
  if (hasData) chart(id, option);
  else emptyChart(id, reason);
}

function kpis(report) {
  const t = report.total;
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

function draw(report, staffing) {
  const calls = report.total.offered > 0;
  const noCalls = '该期间没有来电';
  const halfHours = report.byHalfHour.filter(
    (h) => h.arrivals > 0 || (h.halfHour >= 16 && h.halfHour <= 34),
  );
  chartOr('chart-half-hours', calls, noCalls, {
    legend: { top: 0 },
    xAxis: { type: 'category', data: halfHours.map((h) => h.time) },
    yAxis: { type: 'value', name: '次' },
    series: [
      { name: '来电', type: 'bar', data: halfHours.map((h) => h.arrivals) },
      { name: '人工接听', type: 'bar', data: halfHours.map((h) => h.answered) },
      { name: '排队放弃', type: 'bar', data: halfHours.map((h) => h.abandoned) },
    ],
  });
  chartOr('chart-days', calls, noCalls, {
    legend: { top: 0 },
    xAxis: { type: 'category', data: report.byDay.map((d) => d.day.slice(5)) },
    yAxis: { type: 'value', name: '次' },
    series: [
      // One day is bars: a line of one point hides the one under it.
      {
        name: '呼入量',
        type: report.byDay.length > 1 ? 'line' : 'bar',
        data: report.byDay.map((d) => d.offered),
      },
      {
        name: '人工接听量',
        type: report.byDay.length > 1 ? 'line' : 'bar',
        data: report.byDay.map((d) => d.answered),
      },
      { name: '排队放弃', type: 'bar', data: report.byDay.map((d) => d.abandonedInQueue) },
    ],
  });
  const goal = Math.round((staffing?.serviceLevelGoal ?? 0.8) * 100);
  chartOr(
    'chart-service-level',
    report.byDay.some((d) => d.serviceLevel !== null),
    '该期间没有排队的来电，没有服务水平',
    {
      xAxis: { type: 'category', data: report.byDay.map((d) => d.day.slice(5)) },
      yAxis: { type: 'value', name: '%', min: 0, max: 100 },
      series: [
        {
          name: `服务水平(${report.serviceLevelSeconds}秒内接通)`,
          type: 'line',
          connectNulls: false,
          data: report.byDay.map((d) => percent(d.serviceLevel)),
          markLine: {
            symbol: 'none',
            data: [{ yAxis: goal, name: '目标' }],
            label: { position: 'insideEndTop', formatter: `目标 ${goal}%` },
            lineStyle: { color: '#c62828', type: 'dashed' },
          },
        },
      ],
    },
  );
  const other = report.byAgent.reduce((n, a) => n + a.other, 0);
  const bookings = report.byAgent.reduce((n, a) => n + a.bookings, 0);
  const outcomes = report.total.consultations + report.total.completedByPhone + bookings + other;
  // With no outcome, ECharts would draw four equal slices of nothing.
  chartOr('chart-outcomes', outcomes > 0, '该期间没有登记的通话结果', {
    tooltip: { trigger: 'item' },
    legend: { bottom: 0 },
    series: [
      {
        name: '通话结果',
        type: 'pie',
        radius: ['35%', '65%'],
        label: { formatter: '{b}\n{c}件' },
        data: [
          { name: '业务咨询', value: report.total.consultations },
          { name: '电话办结事项', value: report.total.completedByPhone },
          { name: '预约', value: bookings },
          { name: '其他', value: other },
        ],
      },
    ],
  });
  const t = report.total;
  const booked =
    t.bookingsPhone + t.bookingsIvr + t.bookingsWeb + t.bookingsWechat + t.bookingsWalkIn;
  chartOr('chart-bookings', booked > 0, '该期间没有预约', {
    xAxis: {
      type: 'category',
      data: ['坐席电话', '语音自助', '政务服务网', '双营通微信', '现场窗口'],
    },
    yAxis: { type: 'value', name: '件' },
    series: [
      {
        name: '预约量',
        type: 'bar',
        label: { show: true, position: 'top' },
        data: [t.bookingsPhone, t.bookingsIvr, t.bookingsWeb, t.bookingsWechat, t.bookingsWalkIn],
      },
    ],
  });
  const halls = new Map();
  for (const d of report.byDepartment) {
    const hall = halls.get(d.hallName) ?? { capacity: 0, booked: 0 };
    hall.capacity += d.slotCapacity;
    hall.booked += d.slotBooked;
    halls.set(d.hallName, hall);
  }
  const hallRows = [...halls.entries()];
  chartOr(
    'chart-capacity',
    hallRows.some(([, h]) => h.capacity > 0),
    '该期间没有开放的号源',
    {
      grid: { left: 170, right: 40, top: 20, bottom: 30 },
      xAxis: { type: 'value', name: '%', max: 100 },
      yAxis: { type: 'category', data: hallRows.map(([name]) => name) },
      series: [
        {
          name: '号源使用率',
          type: 'bar',
          label: {
            show: true,
            position: 'right',
            formatter: ({ value }) => (value === null ? '无号源' : `${value}%`),
          },
          data: hallRows.map(([, h]) => (h.capacity > 0 ? percent(h.booked / h.capacity) : null)),
        },
      ],
    },
  );
  // Hotlines without calls are not among the busiest.
  const busiest = report.byHotline
    .filter((h) => h.offered > 0)
    .sort((a, b) => b.offered - a.offered)
    .slice(0, 10)
    .reverse();
  chartOr('chart-hotlines', calls, noCalls, {
    grid: { left: 210, right: 50, top: 20, bottom: 30 },
    xAxis: { type: 'value', name: '次' },
    yAxis: { type: 'category', data: busiest.map((h) => h.hotlineName) },
    series: [
      {
        name: '呼入量',
        type: 'bar',
        label: { show: true, position: 'right' },
        data: busiest.map((h) => h.offered),
      },
    ],
  });
  const times = [...new Set((staffing?.rows ?? []).map((r) => r.time))].sort();
  const sum = (time, key) =>
    Math.round(
      (staffing?.rows ?? []).filter((r) => r.time === time).reduce((n, r) => n + r[key], 0) * 10,
    ) / 10;
  chartOr('chart-staffing', times.length > 0, '该期间没有排队的来电，无法测算人员配置', {
    legend: { top: 0 },
    xAxis: { type: 'category', data: times },
    yAxis: { type: 'value', name: '人' },
    series: [
      {
        name: `所需坐席(${report.serviceLevelSeconds}秒内接通${goal}%)`,
        type: 'bar',
        data: times.map((time) => sum(time, 'agentsNeeded')),
      },
      {
        name: '实际在线坐席(平均)',
        type: 'line',
        data: times.map((time) => sum(time, 'agentsLoggedIn')),
      },
    ],
  });
}

/** A date in words: 2020年2月3日. */
const words = (day) =>
  `${Number(day.slice(0, 4))}年${Number(day.slice(5, 7))}月${Number(day.slice(8, 10))}日`;

/** A span of days in words, the second year only when it differs: 2020年2月3日至5月31日. */
function span(from, to) {
  return `${words(from)}至${to.slice(0, 4) === from.slice(0, 4) ? words(to).replace(/^\d+年/, '') : words(to)}`;
}

/** Nothing to draw: the reason in words, and a way to the recorded history when there is one. */
function showEmpty(reason) {
  $('empty-reason').textContent = reason;
  $('summary').textContent = '';
  $('show-history').hidden = !state.history?.firstDay;
  $('empty').hidden = false;
  $('kpis').replaceChildren();
  for (const instance of charts.values()) instance.dispose();
  charts.clear();
  state.shown = null;
  document.body.dataset.state = 'empty';
}

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

/** How the form's period reads, for the loading line. */
function formLabel() {
  const kind = $('kind').value;
  const value = kind === 'range' || kind === 'day' ? $('from').value : $(kind).value;
  if (!/^\d{4}/.test(value)) return '所选期间';
  if (kind === 'range')
    return /^\d{4}-\d{2}-\d{2}$/.test($('to').value) ? span(value, $('to').value) : '所选期间';
  if (kind === 'day') return words(value);
  if (kind === 'week') return `${value.slice(0, 4)}年第${Number(value.slice(6))}周`;
  if (kind === 'month') return `${value.slice(0, 4)}年${Number(value.slice(5, 7))}月`;
  return `${value}年`;
}

async function load() {
  const query = readForm();
  const request = ++state.request;
  window.history.replaceState(null, '', `?${query}`);
  $('csv').href = `/api/reports/period.csv?${query}`;
  $('xlsx').href = `/api/reports/period.xlsx?${query}`;
  $('error').hidden = true;
  $('empty').hidden = true;
  showLoading(formLabel());
  try {
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
        ? `有记录的来电在${span(report.history.firstDay, report.history.lastDay)}之间。`
        : '';
      showEmpty(`${report.label}没有来电，也没有预约和号源。${where}`);
      return;
    }
    kpis(report);
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
        : error.message;
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
$('kind').addEventListener('change', () => showKind($('kind').value));
$('show-history').addEventListener('click', () => {
  fillForm({ kind: 'range', from: state.history.firstDay, to: state.history.lastDay });
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
