// @ts-check
/* global document, window -- browser code; ECharts is served by the app at vendor/echarts.min.js */
/** The statistics page's charts: one ECharts instance per chart, or the reason it has nothing to show. */

/** @typedef {import('../panel-types.js').PeriodReportPage} PeriodReportPage */
/** @typedef {import('../panel-types.js').StaffingPlan} StaffingPlan */
/** @typedef {import('echarts').EChartsOption} EChartsOption */

/** The charts drawn, by element id. @type {Map<string, import('echarts').ECharts>} */
export const charts = new Map();
/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
/** A share as a percentage to one decimal, or null. */
export const percent = (/** @type {number | null | undefined} */ value) =>
  value === null || value === undefined ? null : Math.round(value * 1000) / 10;

/**
 * @param {string} id
 * @param {EChartsOption} option
 */
function chart(id, option) {
  const element = $(id);
  let instance = charts.get(id);
  if (!instance) {
    element.classList.remove('chart-empty');
    element.removeAttribute('data-empty');
    element.replaceChildren();
    // Set on the window by vendor/echarts.min.js, a classic script the page loads before its modules.
    const { echarts } = /** @type {{ echarts: typeof import('echarts') }} */ (
      /** @type {unknown} */ (window)
    );
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
/**
 * @param {string} id
 * @param {string} reason
 */
function emptyChart(id, reason) {
  charts.get(id)?.dispose();
  charts.delete(id);
  const element = $(id);
  element.classList.add('chart-empty');
  element.dataset.empty = reason;
  element.textContent = reason;
}

/** Draws the chart when it has data, else says why it has none. */
/**
 * @param {string} id
 * @param {boolean} hasData
 * @param {string} reason
 * @param {EChartsOption} option
 */
function chartOr(id, hasData, reason, option) {
  if (hasData) chart(id, option);
  else emptyChart(id, reason);
}

/** Draws every chart of a period report and its staffing plan. */
/**
 * @param {PeriodReportPage} report
 * @param {StaffingPlan} staffing
 */
export function draw(report, staffing) {
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
  /** @type {Map<string, { capacity: number; booked: number }>} */
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
  /**
   * @param {string} time
   * @param {'agentsNeeded' | 'agentsLoggedIn'} key
   */
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
