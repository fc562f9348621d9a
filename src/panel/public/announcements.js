// @ts-check
/* global document -- browser code, served as is to the panel's pages */
import { api, ApiError, chineseError, el, fieldReason, toLoginOn401 } from './panel-api.js';
import { mountFrame } from './layout.js';
import { showWrittenDates } from './written-dates.js';

void mountFrame();

showWrittenDates();

/** @typedef {import('../panel-types.js').AnnouncementList} AnnouncementList */
/**
 * The form's fields by name.
 * @typedef {{ text: HTMLTextAreaElement, startsAt: HTMLInputElement, endsAt: HTMLInputElement,
 *   hallId: HTMLSelectElement }} AnnouncementFields
 */

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const form = /** @type {HTMLFormElement} */ ($('add-announcement'));
const fields = /** @type {AnnouncementFields} */ (/** @type {unknown} */ (form.elements));
const formError = /** @type {HTMLElement} */ (form.querySelector('.form-error'));
/** @type {Record<string, string>} */
const REASONS = {
  end_before_start: '结束时间须晚于开始时间',
  invalid_time: '请填写完整的日期和时间',
};

function clear() {
  for (const slot of form.querySelectorAll('.field-error')) slot.textContent = '';
  formError.textContent = '';
}

/** @param {unknown} error */
function showErrors(error) {
  clear();
  if (error instanceof ApiError && error.status === 422 && error.fields.length) {
    for (const { field, reason } of error.fields) {
      const slot = form.querySelector(`[data-error-for="${field}"]`);
      // fieldReason answers one of its texts (its table is untyped JS).
      if (slot) slot.textContent = REASONS[reason] ?? /** @type {string} */ (fieldReason(reason));
    }
    formError.textContent = '请更正标红的字段';
  } else formError.textContent = chineseError(error, '添加失败');
}

async function refresh() {
  const { announcements, halls } = /** @type {AnnouncementList} */ (
    await api('GET', '/api/supervisor/announcements')
  );
  if (fields.hallId.options.length === 1)
    fields.hallId.append(...halls.map((hall) => el('option', { value: hall.id }, hall.name)));
  $('announcements').replaceChildren(
    ...(announcements.length
      ? announcements.map((a) => {
          const end = el('button', { type: 'button' }, a.running ? '立即结束' : '取消');
          end.addEventListener('click', async () => {
            try {
              await api('POST', `/api/supervisor/announcements/${a.id}/end`);
              await refresh();
            } catch (error) {
              if (!toLoginOn401(error))
                $('list-error').textContent = chineseError(error, '结束失败');
            }
          });
          return el(
            'tr',
            { 'data-announcement': String(a.id) },
            el('td', {}, a.text),
            el('td', {}, a.scope),
            el('td', {}, a.startsAt),
            el('td', {}, a.endsAt),
            el('td', {}, a.running ? '播放中' : '待播放'),
            el('td', {}, end),
          );
        })
      : [el('tr', {}, el('td', { colspan: '6', class: 'muted' }, '暂无公告'))]),
  );
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  $('added').textContent = '';
  const problems = [];
  if (!fields.text.value.trim()) problems.push({ field: 'text', reason: 'Required' });
  if (!fields.endsAt.value) problems.push({ field: 'endsAt', reason: 'Required' });
  if (fields.startsAt.value && fields.endsAt.value && fields.endsAt.value <= fields.startsAt.value)
    problems.push({ field: 'endsAt', reason: 'end_before_start' });
  if (problems.length) {
    showErrors(new ApiError(422, { details: { fields: problems } }));
    return;
  }
  /** @type {{ text: string, endsAt: string, startsAt?: string, hallId?: string }} */
  const body = { text: fields.text.value.trim(), endsAt: fields.endsAt.value };
  if (fields.startsAt.value) body.startsAt = fields.startsAt.value;
  if (fields.hallId.value) body.hallId = fields.hallId.value;
  try {
    await api('POST', '/api/supervisor/announcements', body);
    form.reset();
    clear();
    $('added').textContent = '公告已添加';
    await refresh();
  } catch (error) {
    if (!toLoginOn401(error)) showErrors(error);
  }
});

try {
  await refresh();
} catch (error) {
  if (!toLoginOn401(error))
    $('list-error').textContent =
      error instanceof ApiError && error.status === 403
        ? '仅班长可管理公告'
        : chineseError(error, '读取失败');
}
