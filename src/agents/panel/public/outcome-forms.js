/* global document, FormData, CSS -- browser code, served as is to the panel's pages */
import { api, ApiError, chineseError, fieldReason } from './panel-api.js';

/** Turns a form's non-empty fields into the API's body; "delivery.method" becomes { delivery: { method } }. */
export function formBody(form) {
  const body = {};
  for (const [name, raw] of new FormData(form)) {
    const value = String(raw).trim();
    if (value === '') continue;
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
  form.querySelector('.form-error').textContent = unplaced.length ? `${summary}；${unplaced.join('；')}` : summary;
}

/**
 * Wires the outcome section: tabs pick a kind, each form posts to
 * /api/calls/:callSid/outcomes/:kind for the call `currentCall()` names.
 */
export function setupOutcomeForms(section, currentCall, onSaved) {
  const tabs = section.querySelectorAll('[role="tab"]');
  const forms = section.querySelectorAll('form[data-kind]');
  const saved = document.getElementById('outcome-saved');
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
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const callSid = currentCall();
      if (!callSid) return;
      saved.textContent = '';
      try {
        await api('POST', `/api/calls/${encodeURIComponent(callSid)}/outcomes/${form.dataset.kind}`, formBody(form));
        clearErrors(form);
        form.reset();
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
