// @ts-check
/* global document, CustomEvent -- browser code, served as is to the panel's pages */
/** The desk's call: the agent's state, the call card, the hold and the wrap-up countdown. */
import { api, chineseError, el, STATE_LABELS, toLoginOn401 } from './panel-api.js';

/** @typedef {import('../panel-types.js').AgentSnapshot} AgentSnapshot */
/** @typedef {import('../panel-types.js').CallCard} CallCard */
/** @typedef {import('../panel-types.js').DeskCall} DeskCall */
/** @typedef {import('../panel-types.js').DeskHoldStarted} DeskHoldStarted */

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
/** @type {{ [state: string]: string | undefined, on_call: string }} */
const HINTS = {
  reserved: '来电振铃中，请在软电话上点击「接听」',
  on_call: '通话中',
  wrap_up: '话后整理：请保存本次通话结果',
};

/**
 * The page's state: the call on the card (its SID, '' when none), the agent's state, when the
 * wrap-up ends and the hold began (ms, 0 when not), whether the call may be held, and the
 * server's clock minus the browser's.
 */
export const desk = {
  callSid: '',
  /** The call whose outcome the agent saved while still talking: its card stays, its forms go. */
  savedFor: '',
  /** @type {AgentSnapshot['state'] | ''} */
  agentState: '',
  wrapUpEndsAt: 0,
  holdSince: 0,
  holdable: false,
  serverOffset: 0,
};

/**
 * Why the agent is on a break, in words: the reason they or a supervisor chose (休息, 用餐, ...), or
 * routing's, which comes as a code.
 * @type {Record<string, string>}
 */
const BREAK_SET_BY = { 'missed-offers': '多次未接来电' };
/** @param {string} reason */
const breakReason = (reason) =>
  /\p{Script=Han}/u.test(reason) ? reason : (BREAK_SET_BY[reason] ?? '');

/** @param {AgentSnapshot} snapshot */
export function showState(snapshot) {
  const badge = $('agent-state');
  const why = snapshot.state === 'break' ? breakReason(snapshot.reason) : '';
  badge.textContent = `${STATE_LABELS[snapshot.state] ?? '未知'}${why ? `（${why}）` : ''}`;
  badge.className = `badge state-${snapshot.state}`;
  badge.dataset.state = snapshot.state;
  const saved = Boolean(desk.callSid) && desk.savedFor === desk.callSid;
  $('call-hint').textContent =
    saved && snapshot.state === 'wrap_up'
      ? '话后整理：通话结果已保存，可点击「空闲」接听下一通'
      : (HINTS[snapshot.state] ?? '');
  if (snapshot.state !== 'wrap_up') {
    desk.wrapUpEndsAt = 0;
    showCountdown();
  }
  desk.agentState = snapshot.state;
  if (snapshot.state !== 'on_call') desk.holdSince = 0;
  showHold();
  if (snapshot.callSid && ['reserved', 'on_call', 'wrap_up'].includes(snapshot.state)) {
    // At wrap-up the outcome form comes forward by itself (unless it was saved during the call).
    void loadCall().then(
      () =>
        snapshot.state === 'wrap_up' &&
        !$('outcome').hidden &&
        $('outcome').scrollIntoView({ block: 'start' }),
    );
  } else if (saved) showCall(null);
}

/** @param {number} seconds */
const clockText = (seconds) =>
  `${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;

/** The hold button and the "保持中 mm:ss" timer, from the agent's state and the call's running hold. */
export function showHold() {
  const button = /** @type {HTMLButtonElement} */ ($('hold'));
  const timer = $('hold-timer');
  button.disabled = desk.agentState !== 'on_call' || !desk.callSid || !desk.holdable;
  button.title =
    desk.holdable || desk.agentState !== 'on_call' ? '快捷键 Alt+P' : '回电通话不能保持';
  button.textContent = desk.holdSince ? '恢复通话' : '保持';
  button.classList.toggle('primary', Boolean(desk.holdSince));
  timer.hidden = !desk.holdSince;
  if (desk.agentState === 'on_call')
    $('call-hint').textContent = desk.holdSince
      ? '保持中：来电人正在听等候音乐，点击「恢复通话」继续'
      : HINTS.on_call;
  if (desk.holdSince)
    timer.textContent = `保持中 ${clockText(Math.max(0, Math.round((Date.now() + desk.serverOffset - desk.holdSince) / 1000)))}`;
}

export async function toggleHold() {
  $('hold-error').textContent = '';
  const button = /** @type {HTMLButtonElement} */ ($('hold'));
  button.disabled = true;
  try {
    if (desk.holdSince) {
      await api('POST', `/api/agents/me/calls/${encodeURIComponent(desk.callSid)}/resume`);
      desk.holdSince = 0;
    } else {
      /** @type {DeskHoldStarted} */
      const { since } = await api(
        'POST',
        `/api/agents/me/calls/${encodeURIComponent(desk.callSid)}/hold`,
      );
      desk.holdSince = new Date(since).getTime();
    }
  } catch (error) {
    if (toLoginOn401(error)) return;
    $('hold-error').textContent = chineseError(error, desk.holdSince ? '恢复通话失败' : '保持失败');
  }
  showHold();
}

/**
 * @param {HTMLElement} tbody
 * @param {string[][]} rows
 * @param {string} empty
 */
function tableRows(tbody, rows, empty) {
  tbody.replaceChildren(
    ...(rows.length
      ? rows.map((cells) => el('tr', {}, ...cells.map((cell) => el('td', {}, cell))))
      : [el('tr', {}, el('td', { colspan: '4', class: 'muted' }, empty))]),
  );
}

/** @param {CallCard | null} call */
export function showCall(call) {
  const changed = (call?.callSid ?? '') !== desk.callSid;
  desk.callSid = call?.callSid ?? '';
  $('call-card').hidden = !call;
  $('no-call').hidden = Boolean(call);
  $('outcome').hidden = !call || desk.savedFor === call.callSid;
  if (!call) return;
  if (changed) $('outcome-saved').textContent = '';
  $('call-card').dataset.callSid = call.callSid;
  $('call-hotline').textContent = call.hotline
    ? `${call.hotline.name}（${call.hotline.number.replace(/^\+86/, '')}）`
    : '未知热线';
  $('call-department').textContent =
    [call.hallName, call.departmentName].filter(Boolean).join(' · ') || '—';
  $('call-title').textContent = call.outbound ? '当前外呼' : '当前来电';
  $('call-from-label').textContent = call.outbound ? '外呼号码' : '来电号码';
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

export function showCountdown() {
  const badge = $('wrap-up-countdown');
  if (!desk.wrapUpEndsAt) {
    badge.hidden = true;
    return;
  }
  const seconds = Math.max(
    0,
    Math.round((desk.wrapUpEndsAt - (Date.now() + desk.serverOffset)) / 1000),
  );
  badge.hidden = false;
  badge.textContent = `话后整理剩余 ${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

export async function loadCall() {
  try {
    /** @type {DeskCall} */
    const {
      call,
      wrapUpEndsAt: ends,
      hold,
      holdable: canHold,
      now,
    } = await api('GET', '/api/desk/call');
    desk.holdable = canHold;
    desk.serverOffset = new Date(now).getTime() - Date.now();
    desk.wrapUpEndsAt = ends ? new Date(ends).getTime() : 0;
    desk.holdSince = hold ? new Date(hold.since).getTime() : 0;
    showCountdown();
    if (call) showCall(call);
    showHold();
  } catch (error) {
    toLoginOn401(error);
  }
}
