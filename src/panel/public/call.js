// @ts-check
/* global document, window, URLSearchParams -- browser code, served as is to the panel's pages */
import { api, ApiError, chineseError, el, toLoginOn401 } from './panel-api.js';
import { mountFrame } from './layout.js';

/** @typedef {import('../panel-types.js').CallCard} CallCard */
/** @typedef {import('../panel-types.js').CallOutcomeList} CallOutcomeList */
/** @typedef {import('../panel-types.js').CallOutcomeView} CallOutcomeView */
/** @typedef {import('../panel-types.js').CallRecordings} CallRecordings */
/** @typedef {import('../panel-types.js').DeskCallCard} DeskCallCard */

void mountFrame();

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
/** @type {Readonly<Record<string, string | undefined>>} */
const KINDS = {
  consultation: '咨询',
  completed_by_phone: '电话办结',
  booking: '预约',
  other: '其他',
};
const callSid = new URLSearchParams(window.location.search).get('call') ?? '';

/** @param {CallCard} call */
function facts(call) {
  /** @type {Array<[string, string]>} */
  const rows = [
    ['热线', call.hotline ? call.hotline.name : '未知热线'],
    ['部门', [call.hallName, call.departmentName].filter(Boolean).join(' · ') || '—'],
    ['来电号码', call.from],
    ['业务队列', call.queueName || '—'],
    [
      '优先',
      call.priority.reason
        ? `${call.priority.label}（${call.priority.reason}）`
        : call.priority.label,
    ],
    ['排队时间', call.queuedAtText || '—'],
    ['保持', call.holdText || '未保持'],
  ];
  $('call-facts').replaceChildren(
    ...rows.flatMap(([term, value]) => [el('dt', {}, term), el('dd', {}, value)]),
  );
  $('call-path').replaceChildren(
    ...(call.path.length
      ? call.path.map((step) => el('li', {}, `${step.where}：${step.what}`))
      : [el('li', { class: 'muted empty' }, '未经语音导航')]),
  );
}

/** @param {CallOutcomeView} row */
function outcome(row) {
  const box = el('div', { class: 'outcome' }, el('p', {}, `${KINDS[row.kind] ?? '其他'}`));
  const delivery = row.details.delivery;
  if (delivery?.method === 'post') {
    box.append(
      el(
        'p',
        {},
        `邮寄：${delivery.recipient ?? ''} ${delivery.province ?? ''}${delivery.city ?? ''}${delivery.district ?? ''}${delivery.street ?? delivery.address ?? ''}`,
      ),
    );
    const input = el('input', {
      'aria-label': '快递单号',
      value: delivery.trackingNumber ?? '',
      placeholder: '快递单号',
    });
    const save = el('button', { type: 'button' }, '保存快递单号');
    const message = el('span', { class: 'notice', role: 'status' });
    save.addEventListener('click', async () => {
      message.textContent = '';
      try {
        await api('PUT', `/api/calls/${encodeURIComponent(callSid)}/outcomes/tracking-number`, {
          trackingNumber: input.value.trim(),
        });
        message.textContent = '已保存';
      } catch (error) {
        message.textContent = chineseError(error, '保存失败');
      }
    });
    box.append(el('div', { class: 'row' }, input, save, message));
  }
  return box;
}

try {
  const [{ call }, { outcomes }] = await Promise.all([
    /** @type {Promise<DeskCallCard>} */ (
      api('GET', `/api/desk/calls/${encodeURIComponent(callSid)}/card`)
    ),
    /** @type {Promise<CallOutcomeList>} */ (
      api('GET', `/api/calls/${encodeURIComponent(callSid)}/outcomes`)
    ),
  ]);
  facts(call);
  $('call').hidden = false;
  $('outcome-list').replaceChildren(
    ...(outcomes.length
      ? outcomes.map(outcome)
      : [el('p', { class: 'muted' }, '尚未登记通话结果')]),
  );
  $('outcomes').hidden = false;
  const { recordings } = /** @type {CallRecordings} */ (
    await api('GET', `/api/supervisor/calls/${encodeURIComponent(callSid)}/recordings`)
  );
  $('recording-list').replaceChildren(
    ...(recordings.length
      ? recordings.map((r, i) =>
          el(
            'div',
            { class: 'row' },
            `录音 ${i + 1}（${r.durationSeconds ?? 0} 秒，${r.channels === 2 ? '双声道' : '单声道'}）`,
            r.playable
              ? el('audio', {
                  controls: '',
                  preload: 'none',
                  src: `/api/supervisor/recordings/${r.recordingSid}/audio`,
                })
              : el('span', { class: 'muted' }, '已过保存期限，已删除'),
          ),
        )
      : [el('p', { class: 'muted' }, '本通话没有录音')]),
  );
  $('recordings').hidden = false;
} catch (error) {
  if (!toLoginOn401(error))
    $('call-error').textContent =
      error instanceof ApiError && error.status === 403
        ? '仅班长可查看通话记录'
        : chineseError(error, '无法读取通话');
}
