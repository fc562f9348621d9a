/* global document, FormData, CSS -- browser code, served as is to the panel's pages */
import { api, ApiError, chineseError, fieldReason } from './panel-api.js';
import { loadServices, servicePicker } from './service-picker.js';
import { setupBookingForm } from './booking-form.js';

/** Turns a form's non-empty fields into the API's body; "delivery.method" becomes { delivery: { method } }. Search boxes stay out. */
export function formBody(form) {
  const body = {};
  for (const [name, raw] of new FormData(form)) {
    const value = String(raw).trim();
    if (value === '' || name === 'serviceSearch') continue;
    const keys = name.split('.');
    let target = body;
    for (const key of keys.slice(0, -1)) target = target[key] ??= {};
    target[keys.at(-1)] = value;
  }
  return body;
}

/** The server's reason in Chinese; its own words stay in the tooltip for whoever supports the desk. */
function reasonText(reason) {
  return fieldReason(reason);
}

function clearErrors(form) {
  for (const node of form.querySelectorAll('.field-error, .form-error')) node.textContent = '';
}

/** Shows each 422 field next to its input; fields with no place of their own go to the form's message. */
export function showErrors(form, error) {
  clearErrors(form);
  const unplaced = [];
  for (const { field, reason } of error.fields) {
    const slot = form.querySelector(`[data-error-for="${CSS.escape(field)}"]`);
    if (slot) {
      slot.textContent = reasonText(reason);
      slot.title = reason;
    } else unplaced.push(reasonText(reason));
  }
  const summary = error.fields.length ? '请更正标红的字段' : error.message;
  form.querySelector('.form-error').textContent = unplaced.length
    ? `${summary}；${unplaced.join('；')}`
    : summary;
}

const TRACKING = /^[A-Za-z0-9]{8,30}$/;
const PHONE = /^(?:\+?86)?(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/;

/** Checks a form before it is sent: required fields, a service picked from the list, phone and tracking number shapes. */
export function checkForm(form) {
  const problems = [];
  const post = form.querySelector('[name="delivery.method"]')?.value === 'post';
  for (const field of form.querySelectorAll('[required], [data-post-required]')) {
    if (field.matches('[data-post-required]') && !post) continue;
    if (field.name === 'serviceSearch') continue;
    if (!field.value.trim()) problems.push({ field: field.name, reason: 'Required' });
  }
  for (const search of form.querySelectorAll('[name="serviceSearch"]')) {
    const hidden = form.querySelector(`[name="${search.dataset.serviceField}"]`);
    if ((search.required || search.value.trim()) && !hidden.value)
      problems.push({ field: hidden.name, reason: 'pick_from_list' });
  }
  const phone = form.querySelector('[name="delivery.phone"]');
  if (post && phone?.value.trim() && !PHONE.test(phone.value.trim()))
    problems.push({ field: phone.name, reason: 'phone' });
  const tracking = form.querySelector('[name="delivery.trackingNumber"]');
  if (post && tracking?.value.trim() && !TRACKING.test(tracking.value.trim()))
    problems.push({ field: tracking.name, reason: 'letters and digits, 8 to 30' });
  return problems;
}

/**
 * Wires the outcome section: tabs pick a kind, each form posts to
 * /api/calls/:callSid/outcomes/:kind for the call `currentCall()` names.
 */
export async function setupOutcomeForms(section, currentCall, onSaved) {
  const tabs = section.querySelectorAll('[role="tab"]');
  const forms = section.querySelectorAll('form[data-kind]');
  const saved = document.getElementById('outcome-saved');
  const services = await loadServices(api).catch(() => []);
  const accept = { 'completed-by-phone': (s) => s.byPhone, booking: (s) => s.bookable };
  for (const input of section.querySelectorAll('[name="serviceSearch"]'))
    servicePicker(input, services, accept[input.form.dataset.kind]);
  const postal = section.querySelector('fieldset.postal');
  const method = section.querySelector('[name="delivery.method"]');
  const showPostal = () => {
    postal.hidden = method.value !== 'post';
    postal.disabled = postal.hidden;
  };
  method.addEventListener('change', showPostal);
  showPostal();
  setupBookingForm(section.querySelector('form[data-kind="booking"]'), {
    currentCall,
    onSaved,
    showErrors,
    clearErrors,
  });
  for (const tab of tabs) {
    tab.addEventListener('click', () => {
      for (const other of tabs) other.setAttribute('aria-selected', String(other === tab));
      for (const form of forms) form.hidden = form.dataset.kind !== tab.dataset.kind;
    });
  }
  for (const form of forms) {
    // A field's message goes once the agent edits that field.
    form.addEventListener('input', (event) => {
      const slot = form.querySelector(`[data-error-for="${CSS.escape(event.target.name)}"]`);
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
          form.querySelector('.form-error').textContent = '该通话已记录结果';
        } else {
          clearErrors(form);
          form.querySelector('.form-error').textContent = chineseError(error, '保存失败');
        }
      }
    });
  }
}
