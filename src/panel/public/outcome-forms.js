// @ts-check
/* global document, FormData, CSS -- browser code, served as is to the panel's pages */
import { api, ApiError, chineseError, fieldReason } from './panel-api.js';
import { loadServices, servicePicker } from './service-picker.js';
import { setupBookingForm } from './booking-form.js';

/** @typedef {import('../panel-types.js').DeskServiceOption} DeskServiceOption */
/** @typedef {{ [key: string]: string | FormBody }} FormBody */
/** @typedef {{ fields: Array<{ field: string, reason: string }>, message: string }} FieldProblems */
/** A form control with a name and a value (input, select, textarea). @typedef {HTMLInputElement} Control */

/** @param {ParentNode} parent @param {string} selector */
const control = (parent, selector) =>
  /** @type {Control | null} */ (parent.querySelector(selector));
/** @param {ParentNode} parent */
const formError = (parent) => /** @type {HTMLElement} */ (parent.querySelector('.form-error'));

/**
 * Turns a form's non-empty fields into the API's body; "delivery.method" becomes { delivery: { method } }. Search boxes stay out.
 * @param {HTMLFormElement} form
 */
export function formBody(form) {
  /** @type {FormBody} */
  const body = {};
  for (const [name, raw] of new FormData(form)) {
    const value = String(raw).trim();
    if (value === '' || name === 'serviceSearch') continue;
    const keys = name.split('.');
    let target = body;
    for (const key of keys.slice(0, -1)) target = /** @type {FormBody} */ (target[key] ??= {});
    target[/** @type {string} */ (keys.at(-1))] = value;
  }
  return body;
}

/**
 * The server's reason in Chinese; its own words stay in the tooltip for whoever supports the desk.
 * @param {string} reason
 * @returns {string} (fieldReason answers one of its texts; its table is untyped JS)
 */
function reasonText(reason) {
  return /** @type {string} */ (fieldReason(reason));
}

/** @param {HTMLFormElement} form */
function clearErrors(form) {
  for (const node of form.querySelectorAll('.field-error, .form-error')) node.textContent = '';
}

/**
 * Shows each 422 field next to its input; fields with no place of their own go to the form's message.
 * @param {HTMLFormElement} form
 * @param {FieldProblems} error
 */
export function showErrors(form, error) {
  clearErrors(form);
  const unplaced = [];
  for (const { field, reason } of error.fields) {
    const slot = /** @type {HTMLElement | null} */ (
      form.querySelector(`[data-error-for="${CSS.escape(field)}"]`)
    );
    if (slot) {
      slot.textContent = reasonText(reason);
      slot.title = reason;
    } else unplaced.push(reasonText(reason));
  }
  const summary = error.fields.length ? '请更正标红的字段' : error.message;
  formError(form).textContent = unplaced.length ? `${summary}；${unplaced.join('；')}` : summary;
}

const TRACKING = /^[A-Za-z0-9]{8,30}$/;
const PHONE = /^(?:\+?86)?(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/;

/**
 * Checks a form before it is sent: required fields, a service picked from the list, phone and tracking number shapes.
 * @param {HTMLFormElement} form
 */
export function checkForm(form) {
  /** @type {FieldProblems['fields']} */
  const problems = [];
  const post = control(form, '[name="delivery.method"]')?.value === 'post';
  for (const field of /** @type {NodeListOf<Control>} */ (
    form.querySelectorAll('[required], [data-post-required]')
  )) {
    if (field.matches('[data-post-required]') && !post) continue;
    if (field.name === 'serviceSearch') continue;
    if (!field.value.trim()) problems.push({ field: field.name, reason: 'Required' });
  }
  for (const search of /** @type {NodeListOf<Control>} */ (
    form.querySelectorAll('[name="serviceSearch"]')
  )) {
    const hidden = /** @type {Control} */ (
      control(form, `[name="${search.dataset.serviceField}"]`)
    );
    if ((search.required || search.value.trim()) && !hidden.value)
      problems.push({ field: hidden.name, reason: 'pick_from_list' });
  }
  const phone = control(form, '[name="delivery.phone"]');
  if (post && phone?.value.trim() && !PHONE.test(phone.value.trim()))
    problems.push({ field: phone.name, reason: 'phone' });
  const tracking = control(form, '[name="delivery.trackingNumber"]');
  if (post && tracking?.value.trim() && !TRACKING.test(tracking.value.trim()))
    problems.push({ field: tracking.name, reason: 'letters and digits, 8 to 30' });
  return problems;
}

/**
 * Wires the outcome section: tabs pick a kind, each form posts to
 * /api/calls/:callSid/outcomes/:kind for the call `currentCall()` names.
 */
/**
 * @param {HTMLElement} section
 * @param {() => string} currentCall
 * @param {(callSid: string) => void} onSaved
 */
export async function setupOutcomeForms(section, currentCall, onSaved) {
  const tabs = /** @type {NodeListOf<HTMLElement>} */ (section.querySelectorAll('[role="tab"]'));
  const forms = /** @type {NodeListOf<HTMLFormElement>} */ (
    section.querySelectorAll('form[data-kind]')
  );
  const saved = /** @type {HTMLElement} */ (document.getElementById('outcome-saved'));
  const services = await loadServices(api).catch(() => []);
  /** @type {Record<string, (service: DeskServiceOption) => boolean>} */
  const accept = { 'completed-by-phone': (s) => s.byPhone, booking: (s) => s.bookable };
  for (const input of /** @type {NodeListOf<HTMLInputElement>} */ (
    section.querySelectorAll('[name="serviceSearch"]')
  ))
    servicePicker(
      input,
      services,
      accept[/** @type {HTMLFormElement} */ (input.form).dataset.kind ?? ''],
    );
  const postal = /** @type {HTMLFieldSetElement} */ (section.querySelector('fieldset.postal'));
  const method = /** @type {Control} */ (control(section, '[name="delivery.method"]'));
  const showPostal = () => {
    postal.hidden = method.value !== 'post';
    postal.disabled = postal.hidden;
  };
  method.addEventListener('change', showPostal);
  showPostal();
  setupBookingForm(
    /** @type {HTMLFormElement} */ (section.querySelector('form[data-kind="booking"]')),
    {
      currentCall,
      onSaved,
      showErrors,
      clearErrors,
    },
  );
  for (const tab of tabs) {
    tab.addEventListener('click', () => {
      for (const other of tabs) other.setAttribute('aria-selected', String(other === tab));
      for (const form of forms) form.hidden = form.dataset.kind !== tab.dataset.kind;
    });
  }
  for (const form of forms) {
    // A field's message goes once the agent edits that field.
    form.addEventListener('input', (event) => {
      const { name } = /** @type {Control} */ (event.target);
      const slot = form.querySelector(`[data-error-for="${CSS.escape(name)}"]`);
      if (slot) slot.textContent = '';
    });
    if (form.dataset.kind === 'booking') continue;
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const callSid = currentCall();
      if (!callSid) return;
      saved.textContent = '';
      const problems = checkForm(form);
      if (problems.length) {
        showErrors(form, { fields: problems, message: '' });
        return;
      }
      try {
        await api(
          'POST',
          `/api/calls/${encodeURIComponent(callSid)}/outcomes/${form.dataset.kind}`,
          formBody(form),
        );
        clearErrors(form);
        form.reset();
        showPostal();
        saved.textContent = '通话结果已保存';
        onSaved(callSid);
      } catch (error) {
        if (error instanceof ApiError && error.status === 422) showErrors(form, error);
        else if (error instanceof ApiError && error.code === 'outcome_exists') {
          clearErrors(form);
          formError(form).textContent = '该通话已记录结果';
        } else {
          clearErrors(form);
          formError(form).textContent = chineseError(error, '保存失败');
        }
      }
    });
  }
}
