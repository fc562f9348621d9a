/* global document, window -- browser code, served as is to the panel's pages */
import { api, ApiError, chineseError, el, fieldReason, toLoginOn401 } from './panel-api.js';

const $ = (id) => document.getElementById(id);
const form = $('limit');
let halls = [];

function showErrors(error) {
  for (const slot of form.querySelectorAll('.field-error')) slot.textContent = '';
  form.querySelector('.form-error').textContent = '';
  if (!error) return;
  if (error instanceof ApiError && error.status === 422 && error.fields.length) {
    for (const { field, reason } of error.fields) {
      const slot = form.querySelector(`[data-error-for="${field}"]`);
      if (slot) slot.textContent = reason === 'end_before_start' ? '结束日期不能早于开始日期' : fieldReason(reason);
    }
    form.querySelector('.form-error').textContent = '请更正标红的字段';
  } else form.querySelector('.form-error').textContent = chineseError(error, '调整失败');
}

async function refresh() {
  const body = await api('GET', '/api/supervisor/flagged-bookings');
  if (!halls.length) {
    halls = body.halls;
    form.elements.hallId.append(...halls.map((hall) => el('option', { value: hall.id }, hall.name)));
  }
  $('flagged').replaceChildren(
    ...(body.bookings.length
      ? body.bookings.map((b) => el('tr', {}, el('td', {}, b.code), el('td', {}, b.name || '—'), el('td', {}, b.phone.replace(/^\+86/, '')), el('td', {}, `${b.service}（${b.hall}）`), el('td', {}, b.when), el('td', {}, b.flag)))
      : [el('tr', {}, el('td', { colspan: '6', class: 'muted' }, '暂无需回访的预约'))]),
  );
}

form.elements.hallId.addEventListener('change', () => {
  const hall = halls.find((h) => h.id === form.elements.hallId.value);
  form.elements.serviceId.replaceChildren(el('option', { value: '' }, '全部事项'), ...(hall?.services ?? []).map((s) => el('option', { value: s.id }, s.name)));
});

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  $('limited').textContent = '';
  const missing = [...form.querySelectorAll('[required]')].filter((field) => !field.value.trim());
  if (missing.length) {
    showErrors(new ApiError(422, { details: { fields: missing.map((field) => ({ field: field.name, reason: 'Required' })) } }));
    return;
  }
  const body = { hallId: form.elements.hallId.value, from: form.elements.from.value, to: form.elements.to.value, percent: Number(form.elements.percent.value), reason: form.elements.reason.value.trim() };
  if (form.elements.serviceId.value) body.serviceId = form.elements.serviceId.value;
  try {
    const result = await api('POST', '/api/supervisor/capacity-limits', body);
    showErrors(null);
    $('limited').textContent = `已调整：${result.changedSlots} 个时段，需回访预约 ${result.flagged} 个`;
    await refresh();
  } catch (error) {
    if (!toLoginOn401(error)) showErrors(error);
  }
});

$('logout').addEventListener('click', async () => {
  await api('POST', '/api/auth/logout').catch(() => undefined);
  window.location.assign('index.html');
});

try {
  await refresh();
} catch (error) {
  if (!toLoginOn401(error)) $('flagged-error').textContent = error.status === 403 ? '仅班长可调整接待能力' : chineseError(error, '读取失败');
}
