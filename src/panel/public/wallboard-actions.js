// @ts-check
/* global document -- browser code, served as is to the panel's pages */
import { api, ApiError, chineseError, el, toLoginOn401 } from './panel-api.js';
import { supervisorPhone } from './wallboard-monitor.js';

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
/** 监听 / 耳语 / 强插: the supervisor's softphone joins the call through the conference bridge. */
const MONITOR_WORDS = /** @type {const} */ ({ listen: '监听', whisper: '耳语', barge: '强插' });
/** @typedef {keyof typeof MONITOR_WORDS} MonitorMode */
/** @type {Record<MonitorMode, (name: string) => string>} */
const MONITOR_QUESTIONS = {
  listen: (name) => `确定监听「${name}」正在进行的通话吗？您将听到市民和坐席，双方都听不到您。`,
  whisper: (name) => `确定对「${name}」耳语（辅导）吗？只有坐席能听到您，市民听不到。`,
  barge: (name) => `确定强插「${name}」的通话吗？市民和坐席都将听到您。`,
};
/** @type {Record<MonitorMode, (name: string) => string>} */
const MONITOR_DONE = {
  listen: (name) => `正在监听「${name}」的通话（挂断即结束监听）`,
  whisper: (name) => `正在对「${name}」耳语，市民听不到您（挂断即结束）`,
  barge: (name) => `已强插「${name}」的通话，双方都能听到您（挂断即退出）`,
};
/** @typedef {keyof typeof FORCE_WORDS | 'end-call' | MonitorMode} AgentAction */

/**
 * Why the server refused an act, in a sentence naming the agent.
 * @type {Record<string, (name: string, what: string) => string>}
 */
const REFUSALS = {
  agent_busy: (name, what) => `${name}正在通话中，不能${what}；请在通话结束后再试`,
  outcome_required: (name, what) =>
    `${name}正在话后整理，不能${what}；请待其保存通话结果或整理时间结束后再试`,
  not_on_this_call: (name, what) => `${name}已不在这通电话上，未${what}`,
  not_bridgeable: (name, what) => `${name}的通话现在无法${what}（可能正在保持），请稍后再试`,
  bridge_unavailable: (_name, what) =>
    `当前语音服务（Somleng，twiml-core）不支持会议桥，无法${what}；监听、耳语、强插需使用 Twilio 或本机电话服务`,
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
  if (agent.callSid) {
    buttons.push(button('listen', '监听', '监听（只听不说）'));
    buttons.push(button('whisper', '耳语', '耳语/辅导（只有坐席听到）'));
    buttons.push(button('barge', '强插', '强插（三方通话）'));
    buttons.push(button('end-call', '强拆', '强拆（结束通话）'));
  }
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
  if (action === 'listen' || action === 'whisper' || action === 'barge')
    return monitor(agent, action);
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
    refused(error, name, what);
  }
}

/**
 * @param {unknown} error
 * @param {string} name
 * @param {string} what
 */
function refused(error, name, what) {
  if (toLoginOn401(error)) return;
  const refusal = error instanceof ApiError ? REFUSALS[error.code] : undefined;
  showResult(
    refusal ? refusal(name, what) : chineseError(error, `${what}「${name}」未成功`),
    'refused',
  );
}

/**
 * Confirms, starts the supervisor's softphone, then asks the server to bring it into the call.
 * @param {WallboardAgent} agent
 * @param {MonitorMode} mode
 */
async function monitor(agent, mode) {
  const name = agent.displayName;
  const what = MONITOR_WORDS[mode];
  if (!(await confirmed(MONITOR_QUESTIONS[mode](name)))) return;
  if (!(await supervisorPhone())) {
    showResult(`软电话未连接，无法${what}；请允许浏览器使用麦克风后重试`, 'refused');
    return;
  }
  const path = `/api/supervisor/agents/${encodeURIComponent(agent.agentId)}/monitor`;
  try {
    await api('POST', path, { callSid: agent.callSid, mode });
    showResult(MONITOR_DONE[mode](name), 'done');
  } catch (error) {
    refused(error, name, what);
  }
}
