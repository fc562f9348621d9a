// @ts-check
/* global document, DOMParser, EventSource, fetch, setInterval -- browser code, served as is to the panel's pages */
import { api, ApiError, chineseError, toLoginOn401 } from './panel-api.js';
import { mountFrame } from './layout.js';
import { setupGuidePanel } from './guide-panel.js';
import { setupOutcomeForms } from './outcome-forms.js';
import { startSoftphone } from './softphone.js';
import {
  desk,
  loadCall,
  showCall,
  showCountdown,
  showHold,
  showState,
  toggleHold,
} from './desk-call.js';
import { consultStep, loadDirectory, threeWayCall, transferCall } from './desk-transfer.js';
import { loadMyWork, setupDialOut } from './desk-work.js';

/** @typedef {import('../panel-types.js').DeskMe} DeskMe */
/** @typedef {import('../panel-types.js').DeskStateChange} DeskStateChange */

const HEARTBEAT_MS = 20_000;
/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** @param {string | undefined} state the state chosen (the button's `data-state`) */
async function setState(state) {
  $('state-error').textContent = '';
  try {
    const body =
      state === 'break'
        ? { state, reason: /** @type {HTMLSelectElement} */ ($('break-reason')).value }
        : { state };
    /** @type {DeskStateChange} */
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

/**
 * The outcome forms' markup lives in desk-outcome.html (the desk's page would be over 400 lines);
 * it is put into its section before any module reads a form.
 */
async function loadOutcomeForms() {
  const response = await fetch('desk-outcome.html', { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`desk-outcome.html: ${response.status}`);
  const fragment = new DOMParser().parseFromString(await response.text(), 'text/html');
  $('outcome').replaceChildren(...fragment.body.childNodes);
}

async function start() {
  try {
    await loadOutcomeForms();
  } catch {
    $('state-error').textContent = '通话结果表单未能加载，请刷新页面';
    return;
  }
  /** @type {DeskMe} */
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
    button.addEventListener('click', () =>
      setState(/** @type {HTMLElement} */ (button).dataset.state),
    );
  void setupOutcomeForms(
    $('outcome'),
    () => desk.callSid,
    (callSid) => {
      // Saved while still talking (a booking made on the call): the card stays until the call ends.
      desk.savedFor = callSid;
      if (desk.agentState === 'on_call' && desk.callSid === callSid) $('outcome').hidden = true;
      else showCall(null);
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
  setupDialOut();
  $('transfer').addEventListener('click', () => void transferCall());
  $('three-way').addEventListener('click', () => void threeWayCall());
  $('consult').addEventListener('click', () => void threeWayCall(true));
  $('consult-complete').addEventListener('click', () => void consultStep('complete'));
  $('consult-cancel').addEventListener('click', () => void consultStep('cancel'));
  document.addEventListener('desk-call', () => void loadDirectory());
  setupGuidePanel(() => desk.callSid);
  /** @param {string} id */
  const button = (id) => /** @type {HTMLButtonElement} */ ($(id));
  startSoftphone({
    status: $('softphone-status'),
    answer: button('answer'),
    reject: button('reject'),
    hangup: button('hangup'),
    mute: button('mute'),
  });
  // Alt+A answers, Alt+H hangs up, Alt+M mutes, Alt+P holds or resumes: the buttons' own checks decide whether it applies.
  document.addEventListener('keydown', (event) => {
    if (!event.altKey || event.ctrlKey || event.metaKey) return;
    /** @type {Record<string, string>} */
    const shortcuts = { a: 'answer', h: 'hangup', m: 'mute', p: 'hold' };
    const id = shortcuts[event.key.toLowerCase()];
    const button = id ? /** @type {HTMLButtonElement} */ ($(id)) : undefined;
    if (button && !button.disabled) {
      event.preventDefault();
      button.click();
    }
  });
}

void mountFrame();
void start();
