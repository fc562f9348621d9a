/* global CustomEvent -- browser code, served as is to the panel's pages */
import { el } from './panel-api.js';

/** The catalogue's services, loaded once per page. */
let catalogue;
export async function loadServices(api) {
  catalogue ??= api('GET', '/api/desk/services').then((body) => body.services);
  return catalogue;
}

/** How a service reads in a list: its name, then where it is handled. */
export const serviceLabel = (service) => `${service.name}（${service.hall} · ${service.department}）`;

/**
 * A search box for a service: typing a part of the name, a keyword, the department or the hall
 * lists matches; picking one fills the hidden field `name` with the service and fires
 * `service-picked` on the box. `accept(service)` limits the list (e.g. services done by phone).
 */
export function servicePicker(input, services, accept = () => true) {
  const hidden = input.form.querySelector(`input[type="hidden"][name="${input.dataset.serviceField}"]`);
  const list = el('ul', { class: 'suggestions', role: 'listbox', hidden: '' });
  input.after(list);
  const pick = (service) => {
    input.value = serviceLabel(service);
    hidden.value = service.id;
    list.hidden = true;
    const slot = input.form.querySelector(`[data-error-for="${hidden.name}"]`);
    if (slot) slot.textContent = '';
    input.dispatchEvent(new CustomEvent('service-picked', { detail: service, bubbles: true }));
  };
  input.addEventListener('input', () => {
    hidden.value = '';
    const words = input.value.trim();
    if (!words) {
      list.hidden = true;
      return;
    }
    const matches = services.filter(accept).filter((s) => [s.name, s.department, s.hall, ...s.keywords].some((text) => text.includes(words))).slice(0, 8);
    list.replaceChildren(...(matches.length ? matches.map((s) => {
      const item = el('li', { role: 'option' }, el('button', { type: 'button' }, serviceLabel(s)));
      item.firstChild.addEventListener('click', () => pick(s));
      return item;
    }) : [el('li', { class: 'muted' }, '没有找到该事项')]));
    list.hidden = false;
  });
  input.form.addEventListener('reset', () => {
    list.hidden = true;
  });
}
