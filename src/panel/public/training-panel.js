// @ts-check
/* global document, setInterval -- browser code, served as is to the panel's pages */
import { api, chineseError, el } from './panel-api.js';

/*
 * The wallboard's 培训来电 section: a supervisor starts simulated callers into departments (by
 * name) and stops them. The service refuses it on a real Twilio line and says why.
 */

/** @typedef {import('../panel-types.js').TrainingView} TrainingSession */

const POLL_MS = 3_000;

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
/** @param {string} name */
const field = (name) =>
  /** @type {HTMLInputElement} */ (
    /** @type {HTMLFormElement} */ ($('training-form')).elements.namedItem(name)
  );

/** @param {TrainingSession | null} session */
function showSession(session) {
  const running = Boolean(session?.running);
  /** @type {HTMLButtonElement} */ ($('training-start')).disabled = running;
  /** @type {HTMLButtonElement} */ ($('training-stop')).disabled = !running;
  $('training-status').textContent = session
    ? `${running ? '进行中' : '已结束'}（${session.startedBy} 发起，${session.departments.join('、')}）：` +
      `已来电 ${session.placed}/${session.calls}，坐席接听 ${session.answered}，已挂机 ${session.ended}`
    : '当前没有培训。培训来电只在内置电话线路上进行，不计入统计、导出和对账。';
}

/** @param {unknown} error @param {string} what */
function showError(error, what) {
  $('training-error').hidden = false;
  $('training-error').textContent = chineseError(error, what);
}

async function refresh() {
  try {
    const { session } = await api('GET', '/api/supervisor/training');
    showSession(session);
  } catch {
    // The wallboard shows the page's own errors; a missed refresh of this section is retried.
  }
}

async function load() {
  const { departments, session } = await api('GET', '/api/supervisor/training');
  $('training-departments').replaceChildren(
    ...departments.map((/** @type {string} */ name) =>
      el(
        'label',
        {},
        el('input', { type: 'checkbox', name: 'department', value: name }),
        ` ${name}`,
      ),
    ),
  );
  showSession(session);
}

async function start(/** @type {SubmitEvent} */ event) {
  event.preventDefault();
  $('training-error').hidden = true;
  const form = /** @type {HTMLFormElement} */ ($('training-form'));
  const departments = [...form.querySelectorAll('input[name="department"]:checked')].map(
    (input) => /** @type {HTMLInputElement} */ (input).value,
  );
  if (departments.length === 0) {
    $('training-error').hidden = false;
    $('training-error').textContent = '请至少选择一个部门';
    return;
  }
  try {
    const { session } = await api('POST', '/api/supervisor/training', {
      departments,
      perMinute: Number(field('perMinute').value),
      calls: Number(field('calls').value),
      patienceSeconds: Number(field('patienceSeconds').value),
      wants: {
        consult: Number(field('consult').value),
        'by-phone': Number(field('by-phone').value),
        book: Number(field('book').value),
      },
    });
    showSession(session);
  } catch (error) {
    showError(error, '开始培训失败');
  }
}

async function stop() {
  $('training-error').hidden = true;
  try {
    const { session } = await api('POST', '/api/supervisor/training/stop');
    showSession(session);
  } catch (error) {
    showError(error, '停止培训失败');
  }
}

if (document.getElementById('training-form')) {
  $('training-form').addEventListener('submit', (event) => void start(event));
  $('training-stop').addEventListener('click', () => void stop());
  load().catch(() => ($('training-section').hidden = true));
  setInterval(refresh, POLL_MS);
}
