// @ts-check
/* global document, window -- browser code, served as is to the panel's pages */
/** Transfers from the desk: the directory of departments and agents, the transfer itself, and 三方通话. */
import { api, chineseError, el, STATE_LABELS, toLoginOn401 } from './panel-api.js';
import { desk } from './desk-call.js';

/** @typedef {import('../panel-types.js').DeskDirectory} DeskDirectory */

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** A new call (or none): the directory again, and nothing left of the last call's consultation. */
export async function loadDirectory() {
  showConsult(false);
  $('three-way-result').textContent = '';
  const select = /** @type {HTMLSelectElement} */ ($('transfer-target'));
  try {
    /** @type {DeskDirectory} */
    const { departments, agents } = await api('GET', '/api/desk/directory');
    /** @param {DeskDirectory['agents'][number]['state']} state */
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
export async function transferCall() {
  $('transfer-error').textContent = '';
  const [kind, id] = /** @type {HTMLSelectElement} */ ($('transfer-target')).value.split(/:(.*)/);
  if (!id) {
    $('transfer-error').textContent = '请选择转接的部门或坐席';
    return;
  }
  try {
    await api(
      'POST',
      `/api/agents/me/calls/${encodeURIComponent(desk.callSid)}/transfer`,
      kind === 'department' ? { department: id } : { agent: id },
    );
    $('outcome-saved').textContent = '已转接，请登记本次通话结果';
  } catch (error) {
    if (toLoginOn401(error)) return;
    $('transfer-error').textContent = chineseError(error, '转接失败');
  }
}

/** @param {boolean} consulting */
function showConsult(consulting) {
  $('consult-complete').hidden = !consulting;
  $('consult-cancel').hidden = !consulting;
}

/**
 * 三方通话 (a free colleague from the directory joins the call; the three talk), or with `consult`
 * 咨询转接 (the caller hears hold music while the agent talks with the colleague).
 * @param {boolean} [consult]
 */
export async function threeWayCall(consult = false) {
  $('transfer-error').textContent = '';
  $('three-way-result').textContent = '';
  const what = consult ? '咨询转接' : '三方通话';
  const select = /** @type {HTMLSelectElement} */ ($('transfer-target'));
  const [kind, id] = select.value.split(/:(.*)/);
  if (kind !== 'agent' || !id) {
    $('transfer-error').textContent = `${what}请选择一位坐席`;
    return;
  }
  const name = select.selectedOptions[0]?.textContent?.replace(/（.*$/, '') ?? '';
  const question = consult
    ? `咨询 ${name}？来电人将听到等待音乐，您与 ${name} 商量后可完成转接或取消。`
    : `邀请 ${name} 加入本通电话（三方通话）？对方接听后三方可同时通话。`;
  if (!window.confirm(question)) return;
  try {
    await api(
      'POST',
      `/api/agents/me/calls/${encodeURIComponent(desk.callSid)}/${consult ? 'consult' : 'three-way'}`,
      { agent: id },
    );
    $('three-way-result').textContent = consult
      ? `正在咨询 ${name}，来电人在等待`
      : `已邀请 ${name} 加入三方通话，等待对方接听`;
    showConsult(consult);
  } catch (error) {
    if (toLoginOn401(error)) return;
    $('transfer-error').textContent = chineseError(error, `${what}失败`);
  }
}

/** 完成转接 (the colleague keeps the caller, this desk leaves the call) or 取消咨询. @param {'complete' | 'cancel'} step */
export async function consultStep(step) {
  $('transfer-error').textContent = '';
  if (
    step === 'complete' &&
    !window.confirm('完成转接？您将离开通话，由被咨询的同事继续接待来电人。')
  )
    return;
  try {
    await api('POST', `/api/agents/me/calls/${encodeURIComponent(desk.callSid)}/consult/${step}`);
    showConsult(false);
    $('three-way-result').textContent =
      step === 'complete' ? '已转接，请登记本次通话结果' : '已取消咨询，来电人已恢复通话';
  } catch (error) {
    if (toLoginOn401(error)) return;
    $('transfer-error').textContent = chineseError(
      error,
      step === 'complete' ? '完成转接失败' : '取消咨询失败',
    );
  }
}
