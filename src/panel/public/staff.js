// @ts-check
/* global document, prompt -- browser code, served as is to the panel's pages */
import { api, ApiError, chineseError, el, fieldReason, toLoginOn401 } from './panel-api.js';
import { mountFrame } from './layout.js';

void mountFrame();

/** @typedef {import('../panel-types.js').DeskDirectory} DeskDirectory */
/** @typedef {import('../panel-types.js').StaffList} StaffList */
/** @typedef {import('../panel-types.js').StaffRole} StaffRole */
/** @typedef {import('../panel-types.js').StaffSaved} StaffSaved */

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
/** @type {Record<StaffRole, string>} */
const ROLES = { agent: '坐席', supervisor: '班长', admin: '管理员' };
const form = /** @type {HTMLFormElement} */ ($('create-staff'));
/** A field of the new-account form. @param {string} name */
const field = (name) =>
  /** @type {HTMLInputElement | HTMLSelectElement} */ (form.elements.namedItem(name));

/** @param {HTMLFormElement} target @param {unknown} error */
function showFieldErrors(target, error) {
  const formError = /** @type {HTMLElement} */ (target.querySelector('.form-error'));
  for (const slot of target.querySelectorAll('.field-error')) slot.textContent = '';
  formError.textContent = '';
  if (error instanceof ApiError && error.status === 422 && error.fields.length) {
    for (const { field, reason } of error.fields) {
      const slot = target.querySelector(`[data-error-for="${field.split('.')[0]}"]`);
      // fieldReason answers one of its texts (its table is untyped JS).
      if (slot) slot.textContent = /** @type {string} */ (fieldReason(reason));
    }
    formError.textContent = '请更正标红的字段';
  } else formError.textContent = chineseError(error, '操作失败');
}

/** @param {string} what @param {() => Promise<unknown>} run */
async function act(what, run) {
  $('staff-error').textContent = '';
  try {
    await run();
    await refresh();
  } catch (error) {
    if (!toLoginOn401(error)) $('staff-error').textContent = chineseError(error, what);
  }
}

async function refresh() {
  const { staff } = /** @type {StaffList} */ (await api('GET', '/api/supervisor/staff'));
  $('staff').replaceChildren(
    ...staff.map((user) => {
      const rename = el('button', { type: 'button' }, '改名');
      rename.addEventListener('click', () => {
        const name = prompt('新的显示名', user.displayName);
        if (name)
          void act('改名失败', () =>
            api('PATCH', `/api/supervisor/staff/${user.username}`, { displayName: name }),
          );
      });
      const reset = el('button', { type: 'button' }, '重置密码');
      reset.addEventListener('click', () => {
        const password = prompt('新密码（至少10位）');
        if (password)
          void act('重置密码失败', () =>
            api('POST', `/api/supervisor/staff/${user.username}/password`, { password }),
          );
      });
      const disable = el('button', { type: 'button' }, '停用');
      disable.addEventListener(
        'click',
        () =>
          void act('停用失败', () => api('POST', `/api/supervisor/staff/${user.username}/disable`)),
      );
      return el(
        'tr',
        { 'data-user': user.username },
        el('td', {}, user.displayName),
        el('td', {}, user.username),
        el('td', {}, ROLES[user.role] ?? ''),
        el('td', { class: 'skills' }, user.skills.map((s) => s.name).join('、') || '—'),
        el('td', {}, user.disabled ? '已停用' : '正常'),
        el('td', { class: 'row' }, ...(user.disabled ? [] : [rename, reset, disable])),
      );
    }),
  );
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  $('created').textContent = '';
  const missing = [
    .../** @type {NodeListOf<HTMLInputElement>} */ (form.querySelectorAll('[required]')),
  ].filter((field) => !field.value.trim());
  if (missing.length) {
    showFieldErrors(
      form,
      new ApiError(422, {
        details: { fields: missing.map((field) => ({ field: field.name, reason: 'Required' })) },
      }),
    );
    return;
  }
  const body = {
    displayName: field('displayName').value.trim(),
    username: field('username').value.trim(),
    password: field('password').value,
    role: field('role').value,
    skills: [
      .../** @type {HTMLSelectElement} */ (form.elements.namedItem('skills')).selectedOptions,
    ].map((option) => option.value),
  };
  try {
    const { user } = /** @type {StaffSaved} */ (await api('POST', '/api/supervisor/staff', body));
    form.reset();
    showFieldErrors(form, null);
    /** @type {HTMLElement} */ (form.querySelector('.form-error')).textContent = '';
    $('created').textContent = `已创建：${user.displayName}`;
    await refresh();
  } catch (error) {
    if (!toLoginOn401(error)) showFieldErrors(form, error);
  }
});

try {
  const { departments: directory } = /** @type {DeskDirectory} */ (
    await api('GET', '/api/desk/directory')
  );
  /** @type {HTMLSelectElement} */ (form.elements.namedItem('skills')).replaceChildren(
    ...directory.map((d) => el('option', { value: d.id }, d.name)),
  );
  await refresh();
} catch (error) {
  if (!toLoginOn401(error))
    $('staff-error').textContent =
      error instanceof ApiError && error.status === 403
        ? '仅班长可管理人员'
        : chineseError(error, '读取失败');
}
