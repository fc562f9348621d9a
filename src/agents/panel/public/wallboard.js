/* global document, window, EventSource, setTimeout, clearTimeout, setInterval -- browser code, served as is to the panel's pages */
import { api, beijingTime, el, STATE_LABELS, toLoginOn401 } from './panel-api.js';

const POLL_MS = 15_000;
const $ = (id) => document.getElementById(id);

function duration(sinceMs) {
  if (!sinceMs) return '';
  const seconds = Math.max(0, Math.round((Date.now() - sinceMs) / 1000));
  return seconds < 60 ? `${seconds} 秒` : seconds < 3600 ? `${Math.floor(seconds / 60)} 分` : `${Math.floor(seconds / 3600)} 时 ${Math.floor((seconds % 3600) / 60)} 分`;
}

function rows(tbody, items, empty, render) {
  tbody.replaceChildren(...(items.length ? items.map(render) : [el('tr', {}, el('td', { colspan: '5', class: 'muted' }, empty))]));
}

async function refresh() {
  try {
    const [{ agents }, { queues }, { calls }] = await Promise.all([api('GET', '/api/supervisor/agents'), api('GET', '/api/supervisor/queues'), api('GET', '/api/supervisor/calls-lacking-outcome')]);
    $('wallboard-error').hidden = true;
    rows($('agents'), agents, '暂无坐席', (agent) => {
      const label = `${STATE_LABELS[agent.state] ?? agent.state}${agent.state === 'break' && agent.reason ? `（${agent.reason}）` : ''}`;
      return el('tr', { 'data-agent': agent.agentId }, el('td', {}, agent.agentId), el('td', {}, el('span', { class: `badge state-${agent.state}` }, label)), el('td', {}, agent.skills.filter((skill) => !skill.startsWith('agent:')).join('、')), el('td', {}, duration(agent.since)), el('td', {}, agent.missed));
    });
    // Queues with callers waiting first, then those with free agents.
    const ordered = [...queues].sort((a, b) => b.waiting - a.waiting || b.available - a.available);
    rows($('queues'), ordered, '暂无队列', (queue) => el('tr', { 'data-queue': queue.skill }, el('td', {}, queue.skill), el('td', {}, queue.waiting), el('td', {}, queue.available)));
    rows($('lacking'), calls, '全部通话均已记录结果', (call) => el('tr', { 'data-call': call.callSid }, el('td', {}, call.callSid), el('td', {}, call.agentId), el('td', {}, call.skill ?? ''), el('td', {}, beijingTime(call.answeredAt))));
    $('updated').textContent = `更新于 ${new Date().toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false })}`;
  } catch (error) {
    if (toLoginOn401(error)) return;
    $('wallboard-error').hidden = false;
    $('wallboard-error').textContent = error.status === 403 ? '仅班长可查看监控大屏' : `刷新失败：${error.message}`;
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
