// @ts-check
/* global document, EventSource, setTimeout, clearTimeout, setInterval -- browser code, served as is to the panel's pages */
import { api, beijingTime, chineseError, el, STATE_LABELS, toLoginOn401 } from './panel-api.js';
import { mountFrame } from './layout.js';
import { actionButtons } from './wallboard-actions.js';

/** @typedef {import('../panel-types.js').Wallboard} Wallboard */
/** @typedef {import('../panel-types.js').WallboardQueue} WallboardQueue */
/** @typedef {import('../panel-types.js').WallboardAgent} WallboardAgent */
/** @typedef {import('../panel-types.js').WallboardAlert} WallboardAlert */

const POLL_MS = 5_000;
const COLOUR_WORDS = { green: '达标', amber: '接近目标', red: '未达标', none: '' };
/** Agents' states in the order the wallboard groups them: who needs a look first. */
const STATE_ORDER = /** @type {const} */ ([
  'on_call',
  'reserved',
  'wrap_up',
  'break',
  'available',
  'offline',
]);

/** The page's state: the last board read, whether quiet queues and offline agents are listed, the pending refresh. */
const view = {
  /** @type {Wallboard | undefined} */
  board: undefined,
  showAll: false,
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  pending: undefined,
};

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** 75 -> 1 分 15 秒 */
export function duration(/** @type {number} */ seconds) {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} 秒`;
  if (s < 3600) return `${Math.floor(s / 60)} 分 ${s % 60} 秒`;
  return `${Math.floor(s / 3600)} 时 ${Math.floor((s % 3600) / 60)} 分`;
}

/** @param {number | null} share */
const percent = (share) => (share === null ? '—' : `${Math.round(share * 100)}%`);

/** @param {Pick<WallboardQueue, 'serviceLevel' | 'colour'>} figures */
function levelBadge(figures) {
  if (figures.serviceLevel === null) return el('span', { class: 'muted' }, '暂无');
  return el(
    'span',
    { class: `level-badge level-${figures.colour}`, title: COLOUR_WORDS[figures.colour] },
    percent(figures.serviceLevel),
  );
}

/**
 * @param {HTMLElement} tbody
 * @param {HTMLElement[]} items
 * @param {string} empty
 * @param {number} columns
 */
function fill(tbody, items, empty, columns) {
  tbody.replaceChildren(
    ...(items.length
      ? items
      : [el('tr', {}, el('td', { colspan: String(columns), class: 'muted' }, empty))]),
  );
}

/** @param {Wallboard} board */
function showAlerts(board) {
  const list = $('alerts');
  list.replaceChildren(
    ...board.alerts.map((alert) =>
      el('li', { 'data-alert': alert.kind, 'data-subject': alert.subject }, alert.text),
    ),
  );
  $('alert-area').dataset.firing = board.alerts.length ? 'yes' : 'no';
  $('alerts-none').hidden = board.alerts.length > 0;
}

/** @param {Wallboard} board */
function showTotals(board) {
  const t = board.totals;
  const a = t.agents;
  $('totals').replaceChildren(
    el(
      'tr',
      {},
      el('td', { class: 'num' }, t.waiting),
      el('td', { class: 'num' }, t.waiting > 0 ? duration(t.longestWaitSeconds) : '—'),
      el('td', { class: 'num' }, t.offeredToday),
      el('td', { class: 'num' }, t.answeredToday),
      el('td', { class: 'num' }, t.abandonedToday),
      el('td', { class: 'num' }, percent(t.abandonRate)),
      el('td', {}, levelBadge(t)),
      el('td', { class: 'num' }, t.asaSeconds === null ? '—' : duration(t.asaSeconds)),
      el(
        'td',
        {},
        `空闲 ${a.available} · 通话 ${a.on_call + a.reserved} · 整理 ${a.wrap_up} · 小休 ${a.break}`,
      ),
    ),
  );
}

/** @param {Wallboard} board */
function showQueues(board) {
  const quiet = board.queues.filter((queue) => !queue.active).length;
  const listed = view.showAll ? board.queues : board.queues.filter((queue) => queue.active);
  $('show-all-count').textContent =
    `（另有 ${quiet} 个无人值守、今日无来电的队列${board.totals.agents.offline ? `，${board.totals.agents.offline} 名离线坐席` : ''}）`;
  const waitAlert = new Set(
    board.alerts.filter((alert) => alert.kind === 'longest_wait').map((alert) => alert.subject),
  );
  fill(
    $('queues'),
    listed.map((queue) =>
      el(
        'tr',
        {
          'data-queue': queue.skill,
          class: `${queue.waiting > 0 ? 'busy' : ''} ${queue.active ? '' : 'quiet'}`,
        },
        el('td', {}, queue.name),
        el('td', { class: 'num waiting' }, queue.waiting),
        el(
          'td',
          { class: `num longest ${waitAlert.has(`queue:${queue.skill}`) ? 'over' : ''}` },
          queue.waiting > 0 ? duration(queue.longestWaitSeconds) : '—',
        ),
        el('td', { class: 'num' }, queue.offeredToday),
        el('td', { class: 'num' }, queue.answeredToday),
        el('td', { class: 'num' }, queue.abandonedToday),
        el('td', { class: 'num' }, percent(queue.abandonRate)),
        el('td', { class: 'level' }, levelBadge(queue)),
        el('td', { class: 'num' }, queue.asaSeconds === null ? '—' : duration(queue.asaSeconds)),
        el('td', { class: 'num' }, `${queue.available} / ${queue.staffed}`),
      ),
    ),
    '当前没有值守或有来电的队列',
    10,
  );
}

/** @param {WallboardAgent} agent */
function agentRow(agent) {
  const label = `${STATE_LABELS[agent.state] ?? '未知'}${agent.reason ? `（${agent.reason}）` : ''}`;
  const time =
    agent.state === 'offline'
      ? '—'
      : agent.stateCapped
        ? `超过 ${duration(agent.secondsInState)}`
        : duration(agent.secondsInState);
  return el(
    'tr',
    { 'data-agent': agent.agentId },
    el('td', { title: agent.skills.join('、') }, agent.displayName),
    el('td', {}, el('span', { class: `badge state-${agent.state}` }, label)),
    el(
      'td',
      {
        class: `num in-state ${agent.overLimit || agent.stateCapped ? 'over' : ''}`,
        ...(agent.stateCapped ? { title: '状态长时间未变化，请核实' } : {}),
      },
      time,
    ),
    el('td', { class: 'num' }, agent.callsToday),
    el(
      'td',
      {
        class: `num ${agent.missed >= (view.board?.thresholds.missedOffers ?? Infinity) ? 'over' : ''}`,
      },
      agent.missed,
    ),
    el('td', { class: 'row-actions' }, ...actionButtons(agent, refresh)),
  );
}

/** @param {Wallboard} board */
function showAgents(board) {
  const groups = STATE_ORDER.filter((state) => view.showAll || state !== 'offline').flatMap(
    (state) => {
      const agents = board.agents.filter((agent) => agent.state === state);
      if (agents.length === 0) return [];
      return [
        el(
          'tr',
          { class: 'group', 'data-group': state },
          el('th', { colspan: '6' }, `${STATE_LABELS[state]}（${agents.length}）`),
        ),
        ...agents.map(agentRow),
      ];
    },
  );
  fill($('agents'), groups, '暂无在线坐席', 6);
}

async function refresh() {
  try {
    /** @type {Wallboard} */
    const board = await api('GET', '/api/supervisor/wallboard');
    view.board = board;
    $('wallboard-error').hidden = true;
    $('target').textContent =
      `服务水平目标：${board.serviceLevelSeconds} 秒内接通 ${Math.round(board.serviceLevelGoal * 100)}%`;
    showAlerts(board);
    showTotals(board);
    showQueues(board);
    showAgents(board);
    fill(
      $('lacking'),
      board.lacking.map((call) =>
        el(
          'tr',
          { 'data-call': call.callSid },
          el('td', {}, call.agentName),
          el('td', {}, call.queueName || '—'),
          el('td', {}, beijingTime(call.answeredAt)),
          el(
            'td',
            {},
            el('a', { href: `call.html?call=${encodeURIComponent(call.callSid)}` }, '查看通话'),
          ),
        ),
      ),
      '全部通话均已登记结果',
      4,
    );
    $('updated').textContent =
      `更新于 ${new Date().toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false })}`;
  } catch (error) {
    if (toLoginOn401(error)) return;
    $('wallboard-error').hidden = false;
    $('wallboard-error').textContent =
      /** @type {{ status?: number }} */ (error).status === 403
        ? '仅班长可查看监控大屏'
        : chineseError(error, '刷新失败');
  }
}

/** Many events come in bursts (one call moves several agents and queues): refresh once per burst. */
function refreshSoon() {
  clearTimeout(view.pending);
  view.pending = setTimeout(refresh, 200);
}

void mountFrame();
const showAll = /** @type {HTMLInputElement} */ ($('show-all'));
showAll.addEventListener('change', () => {
  view.showAll = showAll.checked;
  if (view.board) {
    showQueues(view.board);
    showAgents(view.board);
  }
});
/**
 * An alert raised or cleared (the worker checks every 2 s): the alert area changes at once, without
 * waiting for the next poll, which then reads the same.
 * @param {MessageEvent} message
 */
function alertChanged(message) {
  /** @type {WallboardAlert & { change: 'raised' | 'cleared' }} */
  const event = JSON.parse(message.data);
  if (!view.board) return;
  const others = view.board.alerts.filter(
    (alert) => alert.kind !== event.kind || alert.subject !== event.subject,
  );
  const { kind, subject, text } = event;
  view.board.alerts = event.change === 'raised' ? [...others, { kind, subject, text }] : others;
  showAlerts(view.board);
}

const source = new EventSource('/api/agents/events');
for (const type of ['agent-state', 'queue', 'offer', 'alert'])
  source.addEventListener(type, refreshSoon);
source.addEventListener('wallboard-alert', alertChanged);
setInterval(refresh, POLL_MS);
void refresh();
