/* global document, window, echarts, URLSearchParams -- browser code; ECharts is served by the app at vendor/echarts.min.js */
import { api, ApiError, toLoginOn401, el } from './panel-api.js';
import { showEvaluations } from './evaluation-report.js';
import { showGuides } from './guide-report.js';
import { showWrittenDates } from './written-dates.js';

showWrittenDates();

const KINDS = ['day', 'week', 'month', 'year'];
const $ = (id) => document.getElementById(id);
const charts = new Map();
const percent = (value) => (value === null || value === undefined ? null : Math.round(value * 1000) / 10);
const number = (value) => (value === null || value === undefined ? '—' : Number(value).toLocaleString('zh-CN'));

/** The period asked for, from the page's address or, by default, the last 30 days up to yesterday. */
function periodFromAddress() {
  const params = new URLSearchParams(window.location.search);
  for (const kind of KINDS) if (params.get(kind)) return { kind, [kind]: params.get(kind) };
  if (params.get('from') && params.get('to')) return { kind: 'range', from: params.get('from'), to: params.get('to') };
  const day = (offset) => new Date(Date.now() + 8 * 3600_000 - offset * 86400_000).toISOString().slice(0, 10);
  return { kind: 'range', from: day(30), to: day(1) };
}

function showKind(kind) {
  for (const label of document.querySelectorAll('[data-kind]')) label.hidden = !label.dataset.kind.split(' ').includes(kind);
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
  let instance = charts.get(id);
  if (!instance) {
    instance = echarts.init($(id), null, { renderer: 'canvas' });
    charts.set(id, instance);
  }
  instance.setOption({ animation: false, tooltip: { trigger: 'axis' }, grid: { left: 56, right: 24, top: 40, bottom: 48 }, ...option }, true);
}

function kpis(report) {
  const t = report.total;
  const tiles = [
    ['呼入量', number(t.offered)],
    ['人工接听量', number(t.answered)],
    [`服务水平(${report.serviceLevelSeconds}秒)`, t.serviceLevel === null ? '—' : `${percent(t.serviceLevel)}%`],
    ['平均应答时长', t.asaSeconds === null ? '—' : `${Math.round(t.asaSeconds)}秒`],
    ['平均处理时长', t.handleSeconds === null ? '—' : `${Math.round(t.handleSeconds)}秒`],
    ['业务咨询', number(t.consultations)],
    ['电话办结事项', number(t.completedByPhone)],
    ['自助办结量', number(t.selfServed)],
  ];
  $('kpis').replaceChildren(...tiles.map(([label, value]) => el('div', { class: 'kpi', 'data-kpi': label }, el('b', {}, value), el('span', {}, label))));
}

function draw(report, staffing) {
  const halfHours = report.byHalfHour.filter((h) => h.arrivals > 0 || (h.halfHour >= 16 && h.halfHour <= 34));
  chart('chart-half-hours', {
    legend: { top: 0 },
    xAxis: { type: 'category', data: halfHours.map((h) => h.time) },
    yAxis: { type: 'value', name: '次' },
    series: [
      { name: '来电', type: 'bar', data: halfHours.map((h) => h.arrivals) },
      { name: '人工接听', type: 'bar', data: halfHours.map((h) => h.answered) },
      { name: '排队放弃', type: 'bar', data: halfHours.map((h) => h.abandoned) },
    ],
  });
  chart('chart-days', {
    legend: { top: 0 },
    xAxis: { type: 'category', data: report.byDay.map((d) => d.day.slice(5)) },
    yAxis: { type: 'value', name: '次' },
    series: [
      { name: '呼入量', type: 'line', data: report.byDay.map((d) => d.offered) },
      { name: '人工接听量', type: 'line', data: report.byDay.map((d) => d.answered) },
      { name: '排队放弃', type: 'bar', data: report.byDay.map((d) => d.abandonedInQueue) },
    ],
  });
  const goal = Math.round((staffing?.serviceLevelGoal ?? 0.8) * 100);
  chart('chart-service-level', {
    xAxis: { type: 'category', data: report.byDay.map((d) => d.day.slice(5)) },
    yAxis: { type: 'value', name: '%', min: 0, max: 100 },
    series: [
      {
        name: `服务水平(${report.serviceLevelSeconds}秒内接通)`,
        type: 'line',
        connectNulls: false,
        data: report.byDay.map((d) => percent(d.serviceLevel)),
        markLine: { symbol: 'none', data: [{ yAxis: goal, name: '目标' }], label: { position: 'insideEndTop', formatter: `目标 ${goal}%` }, lineStyle: { color: '#c62828', type: 'dashed' } },
      },
    ],
  });
  const other = report.byAgent.reduce((n, a) => n + a.other, 0);
  const bookings = report.byAgent.reduce((n, a) => n + a.bookings, 0);
  chart('chart-outcomes', {
    tooltip: { trigger: 'item' },
    legend: { bottom: 0 },
    series: [{
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
    }],
  });
  const t = report.total;
  const booked = t.bookingsPhone + t.bookingsIvr + t.bookingsWeb + t.bookingsWechat + t.bookingsWalkIn;
  chart('chart-bookings', {
    title: booked > 0 ? undefined : { text: '该期间没有预约', left: 'center', top: 'middle', textStyle: { color: '#666', fontSize: 14, fontWeight: 'normal' } },
    xAxis: { type: 'category', data: ['坐席电话', '语音自助', '政务服务网', '双营通微信', '现场窗口'] },
    yAxis: { type: 'value', name: '件' },
    series: [{ name: '预约量', type: 'bar', label: { show: true, position: 'top' }, data: [t.bookingsPhone, t.bookingsIvr, t.bookingsWeb, t.bookingsWechat, t.bookingsWalkIn] }],
  });
  const halls = new Map();
  for (const d of report.byDepartment) {
    const hall = halls.get(d.hallName) ?? { capacity: 0, booked: 0 };
    hall.capacity += d.slotCapacity;
    hall.booked += d.slotBooked;
    halls.set(d.hallName, hall);
  }
  const hallRows = [...halls.entries()];
  chart('chart-capacity', {
    title: hallRows.some(([, h]) => h.capacity > 0) ? undefined : { text: '该期间没有开放的号源', left: 'center', top: 'middle', textStyle: { color: '#666', fontSize: 14, fontWeight: 'normal' } },
    grid: { left: 170, right: 40, top: 20, bottom: 30 },
    xAxis: { type: 'value', name: '%', max: 100 },
    yAxis: { type: 'category', data: hallRows.map(([name]) => name) },
    series: [{ name: '号源使用率', type: 'bar', label: { show: true, position: 'right', formatter: ({ value }) => (value === null ? '无号源' : `${value}%`) }, data: hallRows.map(([, h]) => (h.capacity > 0 ? percent(h.booked / h.capacity) : null)) }],
  });
  const busiest = [...report.byHotline].sort((a, b) => b.offered - a.offered).slice(0, 10).reverse();
  chart('chart-hotlines', {
    grid: { left: 210, right: 50, top: 20, bottom: 30 },
    xAxis: { type: 'value', name: '次' },
    yAxis: { type: 'category', data: busiest.map((h) => h.hotlineName) },
    series: [{ name: '呼入量', type: 'bar', label: { show: true, position: 'right' }, data: busiest.map((h) => h.offered) }],
  });
  const times = [...new Set((staffing?.rows ?? []).map((r) => r.time))].sort();
  const sum = (time, key) => Math.round((staffing?.rows ?? []).filter((r) => r.time === time).reduce((n, r) => n + r[key], 0) * 10) / 10;
  chart('chart-staffing', {
    legend: { top: 0 },
    xAxis: { type: 'category', data: times },
    yAxis: { type: 'value', name: '人' },
    series: [
      { name: `所需坐席(${report.serviceLevelSeconds}秒内接通${goal}%)`, type: 'bar', data: times.map((time) => sum(time, 'agentsNeeded')) },
      { name: '实际在线坐席(平均)', type: 'line', data: times.map((time) => sum(time, 'agentsLoggedIn')) },
    ],
  });
}

async function load() {
  const query = readForm();
  window.history.replaceState(null, '', `?${query}`);
  $('csv').href = `/api/reports/period.csv?${query}`;
  $('xlsx').href = `/api/reports/period.xlsx?${query}`;
  $('error').hidden = true;
  document.body.dataset.state = 'loading';
  try {
    const [report, staffing] = await Promise.all([api('GET', `/api/reports/period?${query}`), api('GET', `/api/reports/staffing?${query}`)]);
    $('summary').textContent = report.summary;
    $('note').textContent = report.history.note ? `注：${report.history.note}` : '';
    $('note').hidden = !report.history.note;
    kpis(report);
    showEvaluations(report.evaluations);
    showGuides(report.guides);
    draw(report, staffing);
    document.body.dataset.state = 'ready';
  } catch (error) {
    if (toLoginOn401(error)) return;
    $('error').textContent = error instanceof ApiError && error.status === 403 ? '统计报表仅限班长和管理员查看。' : error.message;
    $('error').hidden = false;
    $('summary').textContent = '';
    $('note').hidden = true;
    $('kpis').replaceChildren();
    for (const instance of charts.values()) instance.clear();
    document.body.dataset.state = 'error';
  }
}

fillForm(periodFromAddress());
$('kind').addEventListener('change', () => showKind($('kind').value));
$('period').addEventListener('submit', (event) => {
  event.preventDefault();
  void load();
});
window.addEventListener('resize', () => {
  for (const instance of charts.values()) instance.resize();
});
void load();
