// @ts-check
/* global document -- browser code, served as is to the panel's pages */
import { api, ApiError, chineseError, el, fieldReason, toLoginOn401 } from './panel-api.js';
import { mountFrame } from './layout.js';
import { showWrittenDates } from './written-dates.js';

void mountFrame();

showWrittenDates();

/** @typedef {import('../panel-types.js').CapacityLimitAdded} CapacityLimitAdded */
/** @typedef {import('../panel-types.js').CapacityLimits} CapacityLimits */
/** @typedef {import('../panel-types.js').ClosureAdded} ClosureAdded */
/** @typedef {import('../panel-types.js').Closures} Closures */
/** @typedef {import('../panel-types.js').FlaggedBookings} FlaggedBookings */
/**
 * The two forms' fields by name (the closure form has no serviceId and no percent).
 * @typedef {Record<'hallId' | 'serviceId', HTMLSelectElement>
 *   & Record<'from' | 'to' | 'percent' | 'reason', HTMLInputElement>} CapacityFields
 */

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const form = /** @type {HTMLFormElement} */ ($('limit'));
const closureForm = /** @type {HTMLFormElement} */ ($('closure'));
/** @param {HTMLFormElement} target */
const fieldsOf = (target) =>
  /** @type {CapacityFields} */ (/** @type {unknown} */ (target.elements));
/** @type {FlaggedBookings['halls']} */
let halls = [];

/** @param {unknown} error */
function showErrors(error, target = form, what = '调整失败') {
  const formError = /** @type {HTMLElement} */ (target.querySelector('.form-error'));
  for (const slot of target.querySelectorAll('.field-error')) slot.textContent = '';
  formError.textContent = '';
  if (!error) return;
  if (error instanceof ApiError && error.status === 422 && error.fields.length) {
    for (const { field, reason } of error.fields) {
      const slot = target.querySelector(`[data-error-for="${field}"]`);
      if (slot)
        slot.textContent =
          reason === 'end_before_start'
            ? '结束日期不能早于开始日期'
            : // fieldReason answers one of its texts (its table is untyped JS).
              /** @type {string} */ (fieldReason(reason));
    }
    formError.textContent = '请更正标红的字段';
  } else formError.textContent = chineseError(error, what);
}

/**
 * Checks the required fields before sending; true when something is missing (shown beside it).
 * @param {HTMLFormElement} target
 * @param {string} what
 */
function missingFields(target, what) {
  const required = /** @type {NodeListOf<HTMLInputElement | HTMLSelectElement>} */ (
    target.querySelectorAll('[required]')
  );
  const missing = [...required].filter((field) => !field.value.trim());
  if (missing.length)
    showErrors(
      new ApiError(422, {
        details: { fields: missing.map((field) => ({ field: field.name, reason: 'Required' })) },
      }),
      target,
      what,
    );
  return missing.length > 0;
}

/**
 * A row with a 撤销 button that deletes `path` and refreshes the page's lists.
 * @param {string} path
 * @param {string} label
 * @param {string} errorSlot
 */
function undoButton(path, label, errorSlot) {
  const button = /** @type {HTMLButtonElement} */ (el('button', { type: 'button' }, '撤销'));
  button.setAttribute('aria-label', `撤销${label}`);
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await api('DELETE', path);
      $(errorSlot).textContent = '';
      await refresh();
    } catch (error) {
      button.disabled = false;
      if (!toLoginOn401(error)) $(errorSlot).textContent = chineseError(error, '撤销失败');
    }
  });
  return button;
}

async function refreshLists() {
  const [{ limits }, { closures }] = /** @type {[CapacityLimits, Closures]} */ (
    await Promise.all([
      api('GET', '/api/supervisor/capacity-limits'),
      api('GET', '/api/supervisor/closures'),
    ])
  );
  $('limits').replaceChildren(
    ...(limits.length
      ? limits.map((l) =>
          el(
            'tr',
            {},
            el('td', {}, l.hall),
            el('td', {}, l.service),
            el('td', {}, l.days),
            el('td', {}, `${l.percent}%`),
            el('td', {}, l.reason),
            el(
              'td',
              {},
              undoButton(
                `/api/supervisor/capacity-limits/${l.id}`,
                `${l.hall}${l.days}的调整`,
                'limits-error',
              ),
            ),
          ),
        )
      : [el('tr', {}, el('td', { colspan: '6', class: 'muted' }, '暂无生效的调整'))]),
  );
  $('closures').replaceChildren(
    ...(closures.length
      ? closures.map((c) =>
          el(
            'tr',
            {},
            el('td', {}, c.hall),
            el('td', {}, c.days),
            el('td', {}, c.reason),
            el(
              'td',
              {},
              undoButton(
                `/api/supervisor/closures/${c.id}`,
                `${c.hall}${c.days}的闭厅`,
                'limits-error',
              ),
            ),
          ),
        )
      : [el('tr', {}, el('td', { colspan: '4', class: 'muted' }, '暂无闭厅安排'))]),
  );
}

async function refresh() {
  const body = /** @type {FlaggedBookings} */ (
    await api('GET', '/api/supervisor/flagged-bookings')
  );
  if (!halls.length) {
    halls = body.halls;
    fieldsOf(form).hallId.append(
      ...halls.map((hall) => el('option', { value: hall.id }, hall.name)),
    );
    fieldsOf(closureForm).hallId.append(
      ...halls.map((hall) => el('option', { value: hall.id }, hall.name)),
    );
  }
  await refreshLists();
  $('flagged').replaceChildren(
    ...(body.bookings.length
      ? body.bookings.map((b) =>
          el(
            'tr',
            {},
            el('td', {}, b.code),
            el('td', {}, b.name || '—'),
            el('td', {}, b.phone.replace(/^\+86/, '')),
            el('td', {}, `${b.service}（${b.hall}）`),
            el('td', {}, b.when),
            el('td', {}, b.flag),
          ),
        )
      : [el('tr', {}, el('td', { colspan: '6', class: 'muted' }, '暂无需回访的预约'))]),
  );
}

fieldsOf(form).hallId.addEventListener('change', () => {
  const hall = halls.find((h) => h.id === fieldsOf(form).hallId.value);
  fieldsOf(form).serviceId.replaceChildren(
    el('option', { value: '' }, '全部事项'),
    ...(hall?.services ?? []).map((s) => el('option', { value: s.id }, s.name)),
  );
});

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  $('limited').textContent = '';
  if (missingFields(form, '调整失败')) return;
  const fields = fieldsOf(form);
  /** @type {{ hallId: string, from: string, to: string, percent: number, reason: string, serviceId?: string }} */
  const body = {
    hallId: fields.hallId.value,
    from: fields.from.value,
    to: fields.to.value,
    percent: Number(fields.percent.value),
    reason: fields.reason.value.trim(),
  };
  if (fields.serviceId.value) body.serviceId = fields.serviceId.value;
  try {
    const result = /** @type {CapacityLimitAdded} */ (
      await api('POST', '/api/supervisor/capacity-limits', body)
    );
    showErrors(null);
    $('limited').textContent =
      `已调整：${result.changedSlots} 个时段，需回访预约 ${result.flagged} 个`;
    await refresh();
  } catch (error) {
    if (!toLoginOn401(error)) showErrors(error);
  }
});

closureForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  $('closed').textContent = '';
  if (missingFields(closureForm, '闭厅失败')) return;
  const { hallId, from, to, reason } = fieldsOf(closureForm);
  try {
    const result = /** @type {ClosureAdded} */ (
      await api('POST', '/api/supervisor/closures', {
        hallId: hallId.value,
        from: from.value,
        to: to.value,
        reason: reason.value.trim(),
      })
    );
    showErrors(null, closureForm);
    $('closed').textContent = `已闭厅，需回访预约 ${result.flagged} 个`;
    await refresh();
  } catch (error) {
    if (!toLoginOn401(error)) showErrors(error, closureForm, '闭厅失败');
  }
});

try {
  await refresh();
} catch (error) {
  if (!toLoginOn401(error))
    $('flagged-error').textContent =
      error instanceof ApiError && error.status === 403
        ? '仅班长可调整接待能力'
        : chineseError(error, '读取失败');
}
