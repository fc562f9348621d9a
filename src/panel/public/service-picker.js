// @ts-check
/* global CustomEvent -- browser code, served as is to the panel's pages */
import { el } from './panel-api.js';

/** @typedef {import('../panel-types.js').DeskServiceOption} DeskServiceOption */
/** @typedef {import('../panel-types.js').DeskServiceOptions} DeskServiceOptions */

/**
 * The catalogue's services, loaded once per page.
 * @type {Promise<DeskServiceOption[]> | undefined}
 */
let catalogue;
/** @param {(method: string, path: string) => Promise<any>} api */
export async function loadServices(api) {
  catalogue ??= api('GET', '/api/desk/services').then(
    (/** @type {DeskServiceOptions} */ body) => body.services,
  );
  return catalogue;
}

// The first character of each initial in pinyin order (阿 a … 帀 z): a character's initial is the last
// boundary it sorts after in the browser's Chinese collation; no pinyin table needs to be shipped.
const BOUNDARIES = '阿八嚓哒妸发旮哈讥咔垃痳拏噢妑七呥扨它穵夕丫帀';
const LETTERS = 'abcdefghjklmnopqrstwxyz';
const collator = new Intl.Collator('zh-CN-u-co-pinyin');

/**
 * 一窗通办综合受理 -> yctbzhsl (letters and digits pass as they are).
 * @param {string} text
 */
export function pinyinInitials(text) {
  let out = '';
  for (const char of text) {
    if (/[a-z0-9]/i.test(char)) out += char.toLowerCase();
    else if (/\p{Script=Han}/u.test(char)) {
      let letter = '';
      for (let i = BOUNDARIES.length - 1; i >= 0; i -= 1) {
        if (collator.compare(char, /** @type {string} */ (BOUNDARIES[i])) >= 0) {
          letter = /** @type {string} */ (LETTERS[i]);
          break;
        }
      }
      out += letter;
    }
  }
  return out;
}

/** How a service reads in a list: its name, then where it is handled. */
export const serviceLabel = (/** @type {DeskServiceOption} */ service) =>
  `${service.name}（${service.hall} · ${service.department}）`;

/**
 * A search box for a service: typing a part of the name, a keyword, the department or the hall
 * lists matches; picking one fills the hidden field `name` with the service and fires
 * `service-picked` on the box. `accept(service)` limits the list (e.g. services done by phone).
 */
/**
 * @param {HTMLInputElement} input
 * @param {DeskServiceOption[]} services
 * @param {(service: DeskServiceOption) => boolean} [accept]
 */
export function servicePicker(input, services, accept = () => true) {
  const form = /** @type {HTMLFormElement} */ (input.form);
  const hidden = /** @type {HTMLInputElement} */ (
    form.querySelector(`input[type="hidden"][name="${input.dataset.serviceField}"]`)
  );
  const list = el('ul', { class: 'suggestions', role: 'listbox', hidden: '' });
  input.after(list);
  const pick = (/** @type {DeskServiceOption} */ service) => {
    input.value = serviceLabel(service);
    hidden.value = service.id;
    list.hidden = true;
    const slot = form.querySelector(`[data-error-for="${hidden.name}"]`);
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
    const initials = /^[a-z]+$/i.test(words) ? words.toLowerCase() : '';
    const matches = services
      .filter(accept)
      .filter(
        (s) =>
          [s.name, s.department, s.hall, ...s.keywords].some((text) => text.includes(words)) ||
          (initials && pinyinInitials(s.name).includes(initials)),
      )
      .slice(0, 8);
    list.replaceChildren(
      ...(matches.length
        ? matches.map((s) => {
            const item = el(
              'li',
              { role: 'option' },
              el('button', { type: 'button' }, serviceLabel(s)),
            );
            /** @type {ChildNode} */ (item.firstChild).addEventListener('click', () => pick(s));
            return item;
          })
        : [el('li', { class: 'muted' }, '没有找到该事项')]),
    );
    list.hidden = false;
  });
  form.addEventListener('reset', () => {
    list.hidden = true;
  });
}
