/* global document, EventSource, setInterval, CustomEvent -- browser code, served as is to the panel's pages */
import { api, ApiError, chineseError, el, STATE_LABELS, toLoginOn401 } from './panel-api.js';
import { mountFrame } from './layout.js';
import { setupGuidePanel } from './guide-panel.js';
import { setupOutcomeForms } from './outcome-forms.js';
import { startSoftphone } from './softphone.js';

const HEARTBEAT_MS = 20_000;
const $ = (id) => document.getElementById(id);
const HINTS = {
  reserved: '来电振铃中，请在软电话上点击「接听」',
  on_call: '通话中',
  wrap_up: '话后整理：请保存本次通话结果',
};
let callSid = '';

function showState(snapshot) {
  const badge = $('agent-state');
  badge.textContent = `${STATE_LABELS[snapshot.state] ?? '未知'}${snapshot.state === 'break' && snapshot.reason ? `（${snapshot.reason}）` : ''}`;
  badge.className = `badge state-${snapshot.state}`;
  badge.dataset.state = snapshot.state;
  $('call-hint').textContent = HINTS[snapshot.state] ?? '';
  if (snapshot.state !== 'wrap_up') {
    wrapUpEndsAt = 0;
    showCountdown();
  }
  agentState = snapshot.state;
  if (snapshot.state !== 'on_call') holdSince = 0;
  showHold();
  if (snapshot.callSid && ['reserved', 'on_call', 'wrap_up'].includes(snapshot.state)) {
    // At wrap-up the outcome form comes forward by itself.
    void loadCall().then(
      () => snapshot.state === 'wrap_up' && $('outcome').scrollIntoView({ block: 'start' }),
    );
  }
}

let wrapUpEndsAt = 0;
let serverOffset = 0;
let agentState = '';
let holdSince = 0;
let holdable = false;

const clockText = (seconds) =>
  `${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;

/** The hold button and the "保持中 mm:ss" timer, from the agent's state and the call's running hold. */
function showHold() {
  const button = $('hold');
  const timer = $('hold-timer');
  button.disabled = agentState !== 'on_call' || !callSid || !holdable;
  button.title = holdable || agentState !== 'on_call' ? '快捷键 Alt+P' : '回电通话不能保持';
  button.textContent = holdSince ? '恢复通话' : '保持';
  button.classList.toggle('primary', Boolean(holdSince));
  timer.hidden = !holdSince;
  if (agentState === 'on_call')
    $('call-hint').textContent = holdSince
      ? '保持中：来电人正在听等候音乐，点击「恢复通话」继续'
      : HINTS.on_call;
  if (holdSince)
    timer.textContent = `保持中 ${clockText(Math.max(0, Math.round((Date.now() + serverOffset - holdSince) / 1000)))}`;
}

async function toggleHold() {
  $('hold-error').textContent = '';
  const button = $('hold');
  button.disabled = true;
  try {
    if (holdSince) {
      await api('POST', `/api/agents/me/calls/${encodeURIComponent(callSid)}/resume`);
      holdSince = 0;
    } else {
      const { since } = await api(
        'POST',
        `/api/agents/me/calls/${encodeURIComponent(callSid)}/hold`,
      );
      holdSince = new Date(since).getTime();
    }
  } catch (error) {
    if (toLoginOn401(error)) return;
    $('hold-error').textContent = chineseError(error, holdSince ? '恢复通话失败' : '保持失败');
  }
  showHold();
}

function tableRows(tbody, rows, empty) {
  tbody.replaceChildren(
    ...(rows.length
      ? rows.map((cells) => el('tr', {}, ...cells.map((cell) => el('td', {}, cell))))
      : [el('tr', {}, el('td', { colspan: '4', class: 'muted' }, empty))]),
  );
}

function showCall(call) {
  const changed = (call?.callSid ?? '') !== callSid;
  callSid = call?.callSid ?? '';
  $('call-card').hidden = !call;
  $('no-call').hidden = Boolean(call);
  $('outcome').hidden = !call;
  if (!call) return;
  if (changed) $('outcome-saved').textContent = '';
  $('call-card').dataset.callSid = call.callSid;
  $('call-hotline').textContent = call.hotline
    ? `${call.hotline.name}（${call.hotline.number.replace(/^\+86/, '')}）`
    : '未知热线';
  $('call-department').textContent =
    [call.hallName, call.departmentName].filter(Boolean).join(' · ') || '—';
  $('call-from').textContent = call.from;
  $('call-from').title = call.fromMasked ? '号码已隐去中间四位' : '';
  $('call-skill').textContent = call.queueName || '—';
  $('call-priority').textContent = call.priority.reason
    ? `${call.priority.label}（${call.priority.reason}）`
    : call.priority.label;
  $('call-priority').className =
    call.priority.greenChannel || call.priority.level > 0 ? 'priority' : '';
  $('call-enterprise').textContent = call.enterprise
    ? `${call.enterprise.name}${call.enterprise.commissioner ? `，首席服务专员 ${call.enterprise.commissioner}` : ''}`
    : '—';
  $('call-queued').textContent = call.queuedAtText || '—';
  const path = $('call-path');
  path.replaceChildren(
    ...(call.path.length
      ? call.path.map((step) =>
          el('li', {}, el('span', { class: 'where' }, step.where), '：', step.what),
        )
      : [el('li', { class: 'muted empty' }, '未经语音导航')]),
  );
  tableRows(
    $('history-calls'),
    call.history.calls.map((c) => [c.when, c.hotline, c.outcome, c.agent || '—']),
    '此号码没有以往来电',
  );
  tableRows(
    $('history-bookings'),
    call.history.bookings.map((b) => [
      b.code,
      `${b.service}${b.hall ? `（${b.hall}）` : ''}`,
      `${b.day} ${b.time}`,
      b.status,
    ]),
    '此号码没有预约',
  );
  if (changed) document.dispatchEvent(new CustomEvent('desk-call', { detail: call }));
}

function showCountdown() {
  const badge = $('wrap-up-countdown');
  if (!wrapUpEndsAt) {
    badge.hidden = true;
    return;
  }
  const seconds = Math.max(0, Math.round((wrapUpEndsAt - (Date.now() + serverOffset)) / 1000));
  badge.hidden = false;
  badge.textContent = `话后整理剩余 ${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

async function loadCall() {
  try {
    const {
      call,
      wrapUpEndsAt: ends,
      hold,
      holdable: canHold,
      now,
    } = await api('GET', '/api/desk/call');
    holdable = canHold;
    serverOffset = new Date(now).getTime() - Date.now();
    wrapUpEndsAt = ends ? new Date(ends).getTime() : 0;
    holdSince = hold ? new Date(hold.since).getTime() : 0;
    showCountdown();
    if (call) showCall(call);
    showHold();
  } catch (error) {
    toLoginOn401(error);
  }
}

const CALLBACK_GROUPS = {
  due: '待回电',
  later: '稍后回电',
  attempted: '已拨打未接通',
  dialing: '回拨中',
  done: '已完成',
  closed: '已结束',
};

/** Places a callback now; the answer (or why not, in Chinese) is shown beside the button. */
async function placeCallback(button, message, status, id) {
  message.textContent = '';
  message.className = 'error';
  button.disabled = true;
  try {
    await api('POST', `/api/desk/callbacks/${encodeURIComponent(id)}/place`);
    message.className = 'notice';
    message.textContent = '正在回拨：请在软电话上接听';
    status.textContent = CALLBACK_GROUPS.dialing;
  } catch (error) {
    if (toLoginOn401(error)) return;
    message.textContent = chineseError(error, '无法回电');
    button.disabled = false;
  }
}

function callbackRow(c) {
  const action = el('td', { class: 'actions' });
  const status = el('td', {}, CALLBACK_GROUPS[c.group] ?? '');
  if (c.placeable) {
    const button = el(
      'button',
      { type: 'button', class: 'place-callback', 'data-callback': String(c.id) },
      '立即回电',
    );
    const message = el('span', { class: 'error', role: 'alert' });
    button.addEventListener('click', () => void placeCallback(button, message, status, c.id));
    action.append(button, message);
  }
  return el(
    'tr',
    {},
    el('td', {}, c.queue),
    el('td', {}, c.phone),
    status,
    el('td', {}, c.lastAttempt || c.notBefore),
    action,
  );
}

async function loadMyWork() {
  try {
    const { figures: f, callbacks } = await api('GET', '/api/desk/my-work');
    const minutes = (seconds) => `${Math.floor(seconds / 60)} 分 ${seconds % 60} 秒`;
    $('my-figures').textContent =
      `接听 ${f.handled} 通 · 平均处理 ${f.handleSeconds === null ? '—' : minutes(f.handleSeconds)} · 咨询 ${f.consultations} · 电话办结 ${f.completed_by_phone} · 预约 ${f.bookings} · 其他 ${f.other}${f.missing ? ` · 未登记 ${f.missing}` : ''}`;
    $('my-callbacks').replaceChildren(
      ...(callbacks.length
        ? callbacks.map(callbackRow)
        : [el('tr', {}, el('td', { colspan: '5', class: 'muted' }, '暂无回电任务'))]),
    );
  } catch (error) {
    toLoginOn401(error);
  }
}

async function loadDirectory() {
  const select = $('transfer-target');
  try {
    const { departments, agents } = await api('GET', '/api/desk/directory');
    const STATE = (state) => STATE_LABELS[state] ?? '未知';
    select.replaceChildren(
      el('option', { value: '' }, '选择部门或坐席'),
      el(
        'optgroup',
        { label: '部门' },
        ...departments.map((d) =>
          el('option', { value: `department:${d.id}` }, `${d.name}（空闲 ${d.available} 人）`),
        ),
      ),
      el(
        'optgroup',
        { label: '坐席' },
        ...agents.map((a) =>
          el('option', { value: `agent:${a.id}` }, `${a.name}（${STATE(a.state)}）`),
        ),
      ),
    );
  } catch (error) {
    toLoginOn401(error);
  }
}

async function transferCall() {
  $('transfer-error').textContent = '';
  const [kind, id] = $('transfer-target').value.split(/:(.*)/);
  if (!id) {
    $('transfer-error').textContent = '请选择转接的部门或坐席';
    return;
  }
  try {
    await api(
      'POST',
      `/api/agents/me/calls/${encodeURIComponent(callSid)}/transfer`,
      kind === 'department' ? { department: id } : { agent: id },
    );
    $('outcome-saved').textContent = '已转接，请登记本次通话结果';
  } catch (error) {
    if (toLoginOn401(error)) return;
    $('transfer-error').textContent = chineseError(error, '转接失败');
  }
}

async function setState(state) {
  $('state-error').textContent = '';
  try {
    const body = state === 'break' ? { state, reason: $('break-reason').value } : { state };
    const { state: snapshot } = await api('PUT', '/api/agents/me/state', body);
    showState(snapshot);
  } catch (error) {
    if (toLoginOn401(error)) return;
    $('state-error').textContent =
      error instanceof ApiError && error.code === 'outcome_required'
        ? '请先保存本次通话结果'
        : chineseError(error, '状态切换失败');
  }
}

function listen() {
  const source = new EventSource('/api/agents/events');
  source.addEventListener('agent-state', (event) => showState(JSON.parse(event.data)));
  source.addEventListener('offer', () => void loadCall());
  source.addEventListener('alert', (event) => {
    $('alert').textContent = JSON.parse(event.data).message;
  });
  source.addEventListener('open', () => (document.body.dataset.live = 'yes'));
  source.addEventListener('error', () => (document.body.dataset.live = 'no'));
}

async function start() {
  let me;
  try {
    me = await api('GET', '/api/agents/me');
  } catch (error) {
    if (!toLoginOn401(error))
      $('state-error').textContent = chineseError(error, '无法读取坐席信息');
    return;
  }
  showState(me.state);
  for (const button of document.querySelectorAll('[data-state]'))
    button.addEventListener('click', () => setState(button.dataset.state));
  void setupOutcomeForms(
    $('outcome'),
    () => callSid,
    () => {
      showCall(null);
      void loadMyWork();
    },
  );
  listen();
  setInterval(() => api('POST', '/api/agents/me/heartbeat').catch(toLoginOn401), HEARTBEAT_MS);
  setInterval(showCountdown, 1000);
  setInterval(showHold, 1000);
  $('hold').addEventListener('click', () => void toggleHold());
  void loadMyWork();
  setInterval(() => void loadMyWork(), 60_000);
  $('transfer').addEventListener('click', () => void transferCall());
  document.addEventListener('desk-call', () => void loadDirectory());
  setupGuidePanel(() => callSid);
  startSoftphone({
    status: $('softphone-status'),
    answer: $('answer'),
    reject: $('reject'),
    hangup: $('hangup'),
    mute: $('mute'),
  });
  // Alt+A answers, Alt+H hangs up, Alt+M mutes, Alt+P holds or resumes: the buttons' own checks decide whether it applies.
  document.addEventListener('keydown', (event) => {
    if (!event.altKey || event.ctrlKey || event.metaKey) return;
    const button = { a: 'answer', h: 'hangup', m: 'mute', p: 'hold' }[event.key.toLowerCase()];
    if (button && !$(button).disabled) {
      event.preventDefault();
      $(button).click();
    }
  });
}

void mountFrame();
void start();
