/* global document, window, EventSource, setInterval -- browser code, served as is to the panel's pages */
import { api, ApiError, beijingTime, el, maskPhone, STATE_LABELS, toLoginOn401 } from './panel-api.js';
import { setupOutcomeForms } from './outcome-forms.js';
import { startSoftphone } from './softphone.js';

const HEARTBEAT_MS = 20_000;
const $ = (id) => document.getElementById(id);
const HINTS = { reserved: '来电振铃中，请在软电话上点击「接听」', on_call: '通话中', wrap_up: '话后整理：请保存本次通话结果' };
let callSid = '';

function showState(snapshot) {
  const badge = $('agent-state');
  badge.textContent = `${STATE_LABELS[snapshot.state] ?? snapshot.state}${snapshot.state === 'break' && snapshot.reason ? `（${snapshot.reason}）` : ''}`;
  badge.className = `badge state-${snapshot.state}`;
  badge.dataset.state = snapshot.state;
  $('call-hint').textContent = HINTS[snapshot.state] ?? '';
  if (snapshot.callSid && ['reserved', 'on_call', 'wrap_up'].includes(snapshot.state)) void loadCall();
}

function showCall(call) {
  callSid = call?.callSid ?? '';
  $('call-card').hidden = !call;
  $('no-call').hidden = Boolean(call);
  $('outcome').hidden = !call;
  if (!call) return;
  $('outcome-saved').textContent = '';
  $('call-card').dataset.callSid = call.callSid;
  $('call-hotline').textContent = call.hotline ? `${call.hotline.name}（${call.hotline.number}）` : '未知热线';
  $('call-from').textContent = maskPhone(call.from);
  $('call-skill').textContent = call.queueSkill ?? '';
  $('call-priority').textContent = call.greenChannel ? `绿色通道${call.priorityReason ? `：${call.priorityReason}` : ''}` : call.priority > 0 ? `优先 ${call.priority}` : '普通';
  $('call-queued').textContent = beijingTime(call.queuedAt);
  const path = $('call-path');
  path.replaceChildren(...(call.path.length ? call.path.map((step) => el('li', {}, `${step.node}${step.input ? ` · 按键 ${step.input}` : ''}`)) : [el('li', { class: 'muted empty' }, '无')]));
}

async function loadCall() {
  try {
    const { call } = await api('GET', '/api/agents/me/call');
    if (call) showCall(call);
  } catch (error) {
    toLoginOn401(error);
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
    $('state-error').textContent = error instanceof ApiError && error.code === 'outcome_required' ? '请先保存本次通话结果' : `状态切换失败：${error.message}`;
  }
}

function listen() {
  const source = new EventSource('/api/agents/events');
  source.addEventListener('agent-state', (event) => showState(JSON.parse(event.data)));
  source.addEventListener('offer', () => void loadCall());
  source.addEventListener('alert', (event) => {
    $('alert').textContent = JSON.parse(event.data).message;
  });
  source.addEventListener('open', () => document.body.dataset.live = 'yes');
  source.addEventListener('error', () => document.body.dataset.live = 'no');
}

async function start() {
  let me;
  try {
    me = await api('GET', '/api/agents/me');
  } catch (error) {
    if (!toLoginOn401(error)) $('state-error').textContent = `无法读取坐席信息：${error.message}`;
    return;
  }
  $('agent-name').textContent = me.user.id;
  showState(me.state);
  for (const button of document.querySelectorAll('[data-state]')) button.addEventListener('click', () => setState(button.dataset.state));
  $('logout').addEventListener('click', async () => {
    await api('POST', '/api/auth/logout').catch(() => undefined);
    window.location.assign('index.html');
  });
  setupOutcomeForms($('outcome'), () => callSid, () => {
    showCall(null);
  });
  listen();
  setInterval(() => api('POST', '/api/agents/me/heartbeat').catch(toLoginOn401), HEARTBEAT_MS);
  startSoftphone({ status: $('softphone-status'), answer: $('answer'), hangup: $('hangup'), mute: $('mute') });
}

void start();
