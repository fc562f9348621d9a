// @ts-check
/* global document -- browser code, served as is to the panel's pages */
import { mountFrame } from './layout.js';
import { api, ApiError, beijingTime, chineseError, el, toLoginOn401 } from './panel-api.js';

/** @typedef {import('../panel-types.js').CaseView} CaseView */
/** @typedef {import('../panel-types.js').EvaluationSettings} EvaluationSettings */
/** @typedef {import('../panel-types.js').FollowUpCase} FollowUpCase */
/** @typedef {import('../panel-types.js').FollowUpCases} FollowUpCases */

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
/** The page's state: the cases listed and the case open below them. */
/** @type {{ cases: CaseView[], caseId: number }} */
const page = { cases: [], caseId: 0 };
/** @type {Record<string, string>} */
const CASE_ERRORS = {
  finding_required: '请先保存核实结果、整改情况和答复内容',
  case_closed: '工单已办结',
  no_number: '来电人没有留下可回拨的号码',
};
/** @type {Record<'finding' | 'rectification' | 'reply', string>} */
const FIELD_WORDS = {
  finding: '请选择属实或不属实',
  rectification: '请填写整改情况',
  reply: '请填写答复内容',
};

/** @param {CaseView} c */
function statusText(c) {
  if (c.status === 'closed') return c.late ? '已办结（逾期）' : '已办结';
  return c.overdue ? '逾期未办结' : '办理中';
}

/**
 * The finding form's fields by name.
 * @param {HTMLFormElement} form
 */
const findingFields = (form) =>
  /** @type {{ finding: RadioNodeList, rectification: HTMLTextAreaElement, reply: HTMLTextAreaElement }} */ (
    /** @type {unknown} */ (form.elements)
  );

/** @param {CaseView} c */
function showCase(c) {
  page.caseId = c.id;
  $('case').hidden = false;
  $('case').dataset.case = String(c.id);
  $('case-title').textContent = `${c.level} · ${c.hallName} ${c.departmentName}`;
  $('case-summary').textContent =
    `来电 ${c.callAt}，坐席 ${c.agentName}，群众号码 ${c.phone}；工单 ${c.openedAt} 生成，须于 ${c.dueOn} 前办结；${statusText(c)}${c.reEvaluation ? `；追评：${c.reEvaluation}` : ''}`;
  const form = /** @type {HTMLFormElement} */ ($('finding-form'));
  const fields = findingFields(form);
  for (const radio of /** @type {NodeListOf<HTMLInputElement>} */ (fields.finding))
    radio.checked = c.finding === (radio.value === 'substantiated' ? '属实' : '不属实');
  fields.rectification.value = c.rectification ?? '';
  fields.reply.value = c.reply ?? '';
  const open = c.status === 'open';
  for (const control of [...form.elements, $('call-back'), $('close-case'), $('re-evaluation')])
    /** @type {HTMLInputElement | HTMLButtonElement} */ (control).disabled = !open;
  $('case-steps').replaceChildren(
    ...c.steps.map((s) =>
      el('tr', {}, el('td', {}, s.at), el('td', {}, s.what), el('td', {}, s.who)),
    ),
  );
}

async function refresh() {
  try {
    const { cases } = /** @type {FollowUpCases} */ (await api('GET', '/api/evaluations/cases'));
    page.cases = cases;
    const overdue = cases.filter((c) => c.overdue).length;
    $('overdue-alert').textContent = overdue
      ? `有 ${overdue} 件回访工单已超过办结期限，请尽快处理`
      : '';
    $('cases').replaceChildren(
      ...(cases.length
        ? cases.map((c) => {
            const open = el('button', { type: 'button', 'data-case': String(c.id) }, '处理');
            open.addEventListener('click', () => showCase(c));
            return el(
              'tr',
              { class: c.overdue ? 'overdue' : '' },
              el('td', {}, c.level),
              el('td', {}, `${c.hallName} ${c.departmentName}`),
              el('td', {}, c.agentName),
              el('td', {}, c.callAt),
              el('td', {}, c.phone),
              el('td', {}, c.dueOn),
              el('td', {}, statusText(c)),
              el('td', {}, open),
            );
          })
        : [el('tr', {}, el('td', { colspan: '8', class: 'muted' }, '暂无差评回访工单'))]),
    );
    const current = cases.find((c) => c.id === page.caseId);
    if (current) showCase(current);
  } catch (error) {
    if (!toLoginOn401(error)) $('list-error').textContent = chineseError(error, '无法读取回访工单');
  }
}

/**
 * @param {string} method
 * @param {string} path
 * @param {unknown} body
 * @param {HTMLElement} messageSlot
 * @param {string} fallback
 */
async function act(method, path, body, messageSlot, fallback) {
  messageSlot.textContent = '';
  try {
    const { case: updated } = /** @type {FollowUpCase} */ (await api(method, path, body));
    showCase(updated);
    await refresh();
    return true;
  } catch (error) {
    if (toLoginOn401(error)) return false;
    messageSlot.textContent =
      error instanceof ApiError
        ? (CASE_ERRORS[error.code] ?? chineseError(error, fallback))
        : fallback;
    return false;
  }
}

async function loadSwitches() {
  const { hotlines } = /** @type {EvaluationSettings} */ (
    await api('GET', '/api/evaluations/settings')
  );
  $('switches').replaceChildren(
    ...hotlines.map((h) => {
      const box = /** @type {HTMLInputElement} */ (
        el('input', { type: 'checkbox', 'aria-label': `${h.name}通话后评价` })
      );
      box.checked = h.enabled;
      box.addEventListener('change', async () => {
        try {
          await api('PUT', `/api/evaluations/settings/${encodeURIComponent(h.number)}`, {
            enabled: box.checked,
          });
          await loadSwitches();
        } catch (error) {
          if (!toLoginOn401(error))
            $('list-error').textContent = chineseError(error, '开关设置失败');
        }
      });
      return el(
        'tr',
        {},
        el('td', {}, h.name),
        el('td', {}, h.number.replace(/^\+86/, '')),
        el('td', {}, box, h.enabled ? ' 已开启' : ' 未开启'),
        el('td', {}, h.changedAt ? beijingTime(h.changedAt) : '—'),
      );
    }),
  );
}

$('finding-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = /** @type {HTMLFormElement} */ (event.target);
  const fields = findingFields(form);
  for (const slot of form.querySelectorAll('.field-error')) slot.textContent = '';
  const body = {
    finding: fields.finding.value,
    rectification: fields.rectification.value.trim(),
    reply: fields.reply.value.trim(),
  };
  const missing = /** @type {Array<keyof typeof FIELD_WORDS>} */ (Object.keys(FIELD_WORDS)).filter(
    (key) => !body[key],
  );
  for (const key of missing)
    /** @type {HTMLElement} */ (form.querySelector(`[data-error-for="${key}"]`)).textContent =
      FIELD_WORDS[key];
  if (missing.length) return;
  await act(
    'PUT',
    `/api/evaluations/cases/${page.caseId}/finding`,
    body,
    /** @type {HTMLElement} */ (form.querySelector('.form-error')),
    '保存失败',
  );
});
$('call-back').addEventListener('click', async () => {
  if (
    await act(
      'POST',
      `/api/evaluations/cases/${page.caseId}/callback`,
      undefined,
      $('call-back-message'),
      '无法生成回电任务',
    )
  ) {
    $('call-back-message').textContent = '已生成回电任务：在坐席工作台“回电任务”中点击“立即回电”';
  }
});
$('close-case').addEventListener('click', () => {
  const level = /** @type {HTMLSelectElement} */ ($('re-evaluation')).value;
  void act(
    'POST',
    `/api/evaluations/cases/${page.caseId}/close`,
    level ? { reEvaluationLevel: Number(level) } : {},
    $('close-message'),
    '办结失败',
  );
});
void mountFrame();

await refresh();
await loadSwitches().catch(
  (error) =>
    !toLoginOn401(error) && ($('list-error').textContent = chineseError(error, '无法读取评价开关')),
);
