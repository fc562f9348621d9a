// @ts-check
/* global document -- browser code, served as is to the panel's pages */
/** The agent's work of the day: their figures and their callbacks, each placed from its row. */
import { api, ApiError, chineseError, el, fieldReason, toLoginOn401 } from './panel-api.js';

/** @typedef {import('../panel-types.js').DeskCallback} DeskCallback */
/** @typedef {import('../panel-types.js').DeskMyWork} DeskMyWork */

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** @type {Record<DeskCallback['group'], string>} */
const CALLBACK_GROUPS = {
  due: '待回电',
  later: '稍后回电',
  attempted: '已拨打未接通',
  dialing: '回拨中',
  done: '已完成',
  closed: '已结束',
};

/** Places a callback now; the answer (or why not, in Chinese) is shown beside the button. */
/**
 * @param {HTMLButtonElement} button
 * @param {HTMLElement} message
 * @param {HTMLElement} status
 * @param {number} id
 */
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

/** @param {DeskCallback} c */
function callbackRow(c) {
  const action = el('td', { class: 'actions' });
  const status = el('td', {}, CALLBACK_GROUPS[c.group] ?? '');
  if (c.placeable) {
    const button = /** @type {HTMLButtonElement} */ (
      el(
        'button',
        { type: 'button', class: 'place-callback', 'data-callback': String(c.id) },
        '立即回电',
      )
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
export async function loadMyWork() {
  try {
    /** @type {DeskMyWork} */
    const { figures: f, callbacks } = await api('GET', '/api/desk/my-work');
    /** @param {number} seconds */
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

/**
 * 外呼: the agent types a citizen's number; their own softphone rings first, and once they answer
 * the citizen is rung with the hotline's number. A wrong number is said beside the field.
 */
export function setupDialOut() {
  const form = /** @type {HTMLFormElement} */ ($('dial-out'));
  const input = /** @type {HTMLInputElement} */ ($('dial-number'));
  const button = /** @type {HTMLButtonElement} */ ($('dial-out-button'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    $('dial-number-error').textContent = '';
    $('dial-out-message').textContent = '';
    button.disabled = true;
    try {
      await api('POST', '/api/desk/outbound', { number: input.value });
      $('dial-out-message').textContent = '正在外呼：请在软电话上接听，接听后将呼叫市民';
    } catch (error) {
      if (toLoginOn401(error)) return;
      const field =
        error instanceof ApiError &&
        error.fields.find(
          (/** @type {{ field: string, reason: string }} */ f) => f.field === 'number',
        );
      if (field)
        $('dial-number-error').textContent = /** @type {string} */ (fieldReason(field.reason));
      else $('dial-number-error').textContent = chineseError(error, '无法外呼');
    } finally {
      button.disabled = false;
    }
  });
}
