/* global document -- browser code, served as is to the panel's pages */
import { api, ApiError, chineseError, el, fieldReason, toLoginOn401 } from './panel-api.js';
import { mountFrame } from './layout.js';
import { showWrittenDates } from './written-dates.js';

void mountFrame();

showWrittenDates();

const $ = (id) => document.getElementById(id);
const form = $('add-announcement');
const REASONS = {
  end_before_start: '结束时间须晚于开始时间',
  invalid_time: '请填写完整的日期和时间',
};

function clear() {
  for (const slot of form.querySelectorAll('.field-error')) slot.textContent = '';
  form.querySelector('.form-error').textContent = '';
}

function showErrors(error) {
  clear();
  if (error instanceof ApiError && error.status === 422 && error.fields.length) {
    for (const { field, reason } of error.fields) {
      const slot = form.querySelector(`[data-error-for="${field}"]`);
      if (slot) slot.textContent = REASONS[reason] ?? fieldReason(reason);
    }
    form.querySelector('.form-error').textContent = '请更正标红的字段';
  } else form.querySelector('.form-error').textContent = chineseError(error, '添加失败');
}

async function refresh() {
  const { announcements, halls } = await api('GET', '/api/supervisor/announcements');
  if (form.elements.hallId.options.length === 1)
    form.elements.hallId.append(
      ...halls.map((hall) => el('option', { value: hall.id }, hall.name)),
    );
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
  if (!form.elements.text.value.trim()) problems.push({ field: 'text', reason: 'Required' });
  if (!form.elements.endsAt.value) problems.push({ field: 'endsAt', reason: 'Required' });
  if (
    form.elements.startsAt.value &&
    form.elements.endsAt.value &&
    form.elements.endsAt.value <= form.elements.startsAt.value
  )
    problems.push({ field: 'endsAt', reason: 'end_before_start' });
  if (problems.length) {
    showErrors(new ApiError(422, { details: { fields: problems } }));
    return;
  }
  const body = { text: form.elements.text.value.trim(), endsAt: form.elements.endsAt.value };
  if (form.elements.startsAt.value) body.startsAt = form.elements.startsAt.value;
  if (form.elements.hallId.value) body.hallId = form.elements.hallId.value;
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
      error.status === 403 ? '仅班长可管理公告' : chineseError(error, '读取失败');
}
