// @ts-check
/* global document -- browser code, served as is to the panel's pages */
import { api, ApiError, chineseError, el, toLoginOn401 } from './panel-api.js';

/** @typedef {import('../panel-types.js').WallboardAgent} WallboardAgent */

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** The 班长席 actions on an agent's state, in the words the confirm dialog and the result use. */
const FORCE_WORDS = /** @type {const} */ ({
  available: '强制示闲',
  break: '强制示忙',
  offline: '强制签出',
});
/** The buttons' short labels. */
const FORCE_LABELS = /** @type {const} */ ({ available: '示闲', break: '示忙', offline: '签出' });
/** @typedef {keyof typeof FORCE_WORDS | 'end-call'} AgentAction */

/**
 * Why the server refused an act, in a sentence naming the agent.
 * @type {Record<string, (name: string, what: string) => string>}
 */
const REFUSALS = {
  agent_busy: (name, what) => `${name}正在通话中，不能${what}；请在通话结束后再试`,
  outcome_required: (name, what) =>
    `${name}正在话后整理，不能${what}；请待其保存通话结果或整理时间结束后再试`,
  not_on_this_call: (name) => `${name}已不在这通电话上，未强拆`,
  state_changed: (name, what) => `${name}的状态刚刚变化，未${what}；请核对后重试`,
};

/**
 * The acts a supervisor may take on this agent: a state other than theirs, and 强拆 while on a call.
 * @param {WallboardAgent} agent
 * @param {() => Promise<void>} refresh reads the board again once an act is done
 */
export function actionButtons(agent, refresh) {
  /**
   * @param {AgentAction} action
   * @param {string} label
   * @param {string} title
   */
  const button = (action, label, title) => {
    const node = el(
      'button',
      { type: 'button', 'data-action': action, class: action, title },
      label,
    );
    node.addEventListener('click', () => void act(agent, action, refresh));
    return node;
  };
  const states = /** @type {Array<keyof typeof FORCE_WORDS>} */ (['available', 'break', 'offline']);
  const buttons = states
    .filter((state) => state !== agent.state)
    .map((state) => button(state, FORCE_LABELS[state], FORCE_WORDS[state]));
  if (agent.callSid) buttons.push(button('end-call', '强拆', '强拆（结束通话）'));
  return buttons;
}

/**
 * Asks the supervisor to confirm, in the page's own dialog; resolves true on 确定.
 * @param {string} question
 * @returns {Promise<boolean>}
 */
function confirmed(question) {
  const dialog = /** @type {HTMLDialogElement} */ ($('confirm-action'));
  $('confirm-text').textContent = question;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) =>
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true }),
  );
}

/**
 * @param {string} text
 * @param {'done' | 'refused'} outcome
 */
function showResult(text, outcome) {
  const result = $('action-result');
  result.textContent = text;
  result.dataset.outcome = outcome;
  result.hidden = false;
}

/**
 * Confirms, then forces the agent's state or ends their call, and says what came of it.
 * @param {WallboardAgent} agent
 * @param {AgentAction} action
 * @param {() => Promise<void>} refresh
 */
async function act(agent, action, refresh) {
  const name = agent.displayName;
  const what = action === 'end-call' ? '强拆' : FORCE_WORDS[action];
  const question =
    action === 'end-call'
      ? `确定强拆「${name}」正在进行的通话吗？通话将立即挂断。`
      : `确定对「${name}」${what}吗？`;
  if (!(await confirmed(question))) return;
  const path = `/api/supervisor/agents/${encodeURIComponent(agent.agentId)}`;
  try {
    if (action === 'end-call') await api('POST', `${path}/end-call`, { callSid: agent.callSid });
    else await api('PUT', `${path}/state`, { state: action });
    showResult(action === 'end-call' ? `已强拆「${name}」的通话` : `已${what}：${name}`, 'done');
    void refresh();
  } catch (error) {
    if (toLoginOn401(error)) return;
    const refusal = error instanceof ApiError ? REFUSALS[error.code] : undefined;
    showResult(
      refusal ? refusal(name, what) : chineseError(error, `${what}「${name}」未成功`),
      'refused',
    );
  }
}
