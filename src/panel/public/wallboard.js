/* global document, window, EventSource, setTimeout, clearTimeout, setInterval -- browser code, served as is to the panel's pages */
import { api, beijingTime, chineseError, el, STATE_LABELS, toLoginOn401 } from './panel-api.js';

const POLL_MS = 5_000;
const $ = (id) => document.getElementById(id);
const COLOUR_WORDS = { green: '达标', amber: '接近目标', red: '未达标', none: '' };

/** 75 -> 1 分 15 秒 */
export function duration(seconds) {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} 秒`;
  if (s < 3600) return `${Math.floor(s / 60)} 分 ${s % 60} 秒`;
  return `${Math.floor(s / 3600)} 时 ${Math.floor((s % 3600) / 60)} 分`;
}

function rows(tbody, items, empty, columns, render) {
  tbody.replaceChildren(...(items.length ? items.map(render) : [el('tr', {}, el('td', { colspan: String(columns), class: 'muted' }, empty))]));
}

async function refresh() {
  try {
    const board = await api('GET', '/api/supervisor/wallboard');
    $('wallboard-error').hidden = true;
    $('target').textContent = `服务水平目标：${board.serviceLevelSeconds} 秒内接通 ${Math.round(board.serviceLevelGoal * 100)}%`;
    rows($('queues'), board.queues, '暂无队列', 7, (queue) =>
      el(
        'tr',
        { 'data-queue': queue.skill, class: queue.waiting > 0 ? 'busy' : '' },
        el('td', {}, queue.name),
        el('td', { class: 'num waiting' }, queue.waiting),
        el('td', { class: 'num longest' }, queue.waiting > 0 ? duration(queue.longestWaitSeconds) : '—'),
        el('td', { class: 'num' }, queue.answeredToday),
        el('td', { class: 'num' }, queue.abandonedToday),
        el('td', { class: 'level' }, queue.serviceLevel === null ? el('span', { class: 'muted' }, '暂无') : el('span', { class: `level-badge level-${queue.colour}`, title: COLOUR_WORDS[queue.colour] }, `${Math.round(queue.serviceLevel * 100)}%`)),
        el('td', { class: 'num' }, queue.available),
      ),
    );
    rows($('agents'), board.agents, '暂无坐席', 4, (agent) => {
      const label = `${STATE_LABELS[agent.state] ?? '未知'}${agent.reason ? `（${agent.reason}）` : ''}`;
      return el(
        'tr',
        { 'data-agent': agent.agentId },
        el('td', { title: agent.skills.join('、') }, agent.displayName),
        el('td', {}, el('span', { class: `badge state-${agent.state}` }, label)),
        el('td', {}, agent.state === 'offline' ? '—' : duration(agent.secondsInState)),
        el('td', { class: 'num' }, agent.callsToday),
      );
    });
    rows($('lacking'), board.lacking, '全部通话均已登记结果', 4, (call) =>
      el('tr', { 'data-call': call.callSid }, el('td', {}, call.agentName), el('td', {}, call.queueName || '—'), el('td', {}, beijingTime(call.answeredAt)), el('td', {}, el('a', { href: `call.html?call=${encodeURIComponent(call.callSid)}` }, '查看通话'))),
    );
    $('updated').textContent = `更新于 ${new Date().toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false })}`;
  } catch (error) {
    if (toLoginOn401(error)) return;
    $('wallboard-error').hidden = false;
    $('wallboard-error').textContent = error.status === 403 ? '仅班长可查看监控大屏' : chineseError(error, '刷新失败');
  }
}

let pending;
/** Many events come in bursts (one call moves several agents and queues): refresh once per burst. */
function refreshSoon() {
  clearTimeout(pending);
  pending = setTimeout(refresh, 200);
}

$('logout').addEventListener('click', async () => {
  await api('POST', '/api/auth/logout').catch(() => undefined);
  window.location.assign('index.html');
});
const source = new EventSource('/api/agents/events');
for (const type of ['agent-state', 'queue', 'offer', 'alert']) source.addEventListener(type, refreshSoon);
setInterval(refresh, POLL_MS);
void refresh();
