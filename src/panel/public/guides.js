// @ts-check
/* global document -- browser code, served as is to the panel's pages */
import { mountFrame } from './layout.js';
import { api, ApiError, beijingTime, chineseError, el, toLoginOn401 } from './panel-api.js';

/** @typedef {import('../panel-types.js').GuideAnswer} GuideAnswer */
/** @typedef {import('../panel-types.js').GuideHistory} GuideHistory */
/** @typedef {import('../panel-types.js').GuideHit} GuideHit */
/** @typedef {import('../panel-types.js').GuideList} GuideList */
/** @typedef {import('../panel-types.js').GuideSearch} GuideSearch */
/** @typedef {import('../panel-types.js').GuideView} GuideView */
/**
 * The editor's fields by name.
 * @typedef {Record<'window' | 'conditions' | 'materials' | 'fee' | 'timeLimitDays' | 'onlineUrl'
 *   | 'basis' | 'askedAs' | 'faq' | 'note', HTMLInputElement | HTMLTextAreaElement>
 *   & Record<'way-online' | 'way-post' | 'way-phone', HTMLInputElement>} GuideFields
 */

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const form = /** @type {HTMLFormElement} */ ($('guide-form'));
/** The page's state: the services listed at start and the service being edited. */
const page = {
  /** @type {Array<GuideHit & { revision?: number }>} */ services: [],
  serviceId: '',
};
const fields = () => /** @type {GuideFields} */ (/** @type {unknown} */ (form.elements));
const WAY_KEYS = /** @type {const} */ (['online', 'post', 'phone']);

/** @param {string} text */
const lines = (text) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

/** The form's fields as the API's guide. */
function guideOfForm() {
  const f = fields();
  const materials = lines(f.materials.value).map((line) => {
    const [name, kind, count] = line.split(/[|｜]/).map((part) => part.trim());
    return [name ?? '', kind ?? '', Number(count ?? 1)];
  });
  /** @type {Array<{ q: string, a: string }>} */
  const faq = [];
  for (const line of lines(f.faq.value)) {
    if (/^问[:：]/.test(line)) faq.push({ q: line.replace(/^问[:：]/, '').trim(), a: '' });
    else if (/^答[:：]/.test(line) && faq.length) {
      const last = /** @type {{ q: string, a: string }} */ (faq[faq.length - 1]);
      last.a = line.replace(/^答[:：]/, '').trim();
    }
  }
  const ways = WAY_KEYS.filter((way) => f[`way-${way}`].checked);
  return {
    window: f.window.value.trim(),
    conditions: lines(f.conditions.value),
    materials,
    fee: f.fee.value.trim(),
    timeLimitDays: Number(f.timeLimitDays.value),
    basis: lines(f.basis.value),
    ways,
    ...(f.onlineUrl.value.trim() ? { onlineUrl: f.onlineUrl.value.trim() } : {}),
    askedAs: lines(f.askedAs.value),
    faq,
  };
}

/** @param {GuideView} guide */
function fill(guide) {
  const f = fields();
  $('guide-title').textContent = `${guide.serviceName}（第 ${guide.revision} 版）`;
  $('guide-place').textContent =
    `${guide.hallName} · ${guide.departmentName} · ${guide.address} · ${guide.hours}`;
  f.window.value = guide.window;
  f.conditions.value = guide.conditions.join('\n');
  f.materials.value = guide.materials.map((m) => `${m.name}｜${m.form}｜${m.count}`).join('\n');
  f.fee.value = guide.fee;
  f.timeLimitDays.value = String(guide.timeLimitDays);
  f.onlineUrl.value = guide.onlineUrl ?? '';
  for (const way of WAY_KEYS) f[`way-${way}`].checked = guide.ways[way];
  f.basis.value = guide.basis.join('\n');
  f.askedAs.value = guide.askedAs.join('\n');
  f.faq.value = guide.faq.map((item) => `问：${item.q}\n答：${item.a}`).join('\n');
  f.note.value = '';
}

/** @param {string} serviceId */
async function open(serviceId) {
  page.serviceId = serviceId;
  $('saved').textContent = '';
  try {
    const [{ guide }, { revisions }] = /** @type {[GuideAnswer, GuideHistory]} */ (
      await Promise.all([
        api('GET', `/api/guides/${serviceId}`),
        api('GET', `/api/guides/${serviceId}/history`),
      ])
    );
    fill(guide);
    $('guide-history').replaceChildren(
      ...revisions.map((r) =>
        el(
          'tr',
          {},
          el('td', {}, `第 ${r.revision} 版`),
          el('td', {}, r.editedByName),
          el('td', {}, r.editedAt ? beijingTime(r.editedAt) : '—'),
          el('td', {}, r.note),
        ),
      ),
    );
    $('guide-editor').hidden = false;
  } catch (error) {
    if (!toLoginOn401(error)) $('list-error').textContent = chineseError(error, '无法读取办事指南');
  }
}

/** @param {Array<GuideHit & { revision?: number }>} rows */
function showList(rows) {
  $('guide-list').replaceChildren(
    ...(rows.length
      ? rows.map((row) => {
          const link = el(
            'a',
            { href: `#${row.serviceId}`, 'data-service': row.serviceId },
            row.serviceName,
          );
          link.addEventListener('click', () => void open(row.serviceId));
          return el(
            'tr',
            {},
            el('td', {}, link),
            el('td', {}, `${row.hallName} · ${row.departmentName}`),
            el('td', {}, row.revision === undefined ? '' : `第 ${row.revision} 版`),
          );
        })
      : [el('tr', {}, el('td', { colspan: '3', class: 'muted' }, '没有找到相关事项'))]),
  );
}

async function search() {
  const q = /** @type {HTMLInputElement} */ ($('guide-search')).value.trim();
  try {
    if (!q) showList(page.services);
    else
      showList(
        /** @type {GuideSearch} */ (await api('GET', `/api/guides?q=${encodeURIComponent(q)}`))
          .hits,
      );
  } catch (error) {
    if (!toLoginOn401(error)) $('list-error').textContent = chineseError(error, '查找失败');
  }
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  for (const slot of form.querySelectorAll('.field-error')) slot.textContent = '';
  const formError = /** @type {HTMLElement} */ (form.querySelector('.form-error'));
  formError.textContent = '';
  try {
    const { guide } = /** @type {GuideAnswer} */ (
      await api('PUT', `/api/guides/${page.serviceId}`, {
        guide: guideOfForm(),
        note: fields().note.value.trim(),
      })
    );
    await open(guide.serviceId);
    $('saved').textContent = `已保存为第 ${guide.revision} 版`;
  } catch (error) {
    if (toLoginOn401(error)) return;
    if (error instanceof ApiError && error.status === 422) {
      for (const { field, reason } of error.fields) {
        const slot = form.querySelector(
          `[data-error-for="${field.split('.').slice(0, 2).join('.')}"]`,
        );
        if (slot) slot.textContent = reason;
      }
      formError.textContent = '请更正标红的字段';
    } else formError.textContent = chineseError(error, '保存失败');
  }
});

void mountFrame();
$('guide-search').addEventListener('input', () => void search());

try {
  page.services = /** @type {GuideList} */ (await api('GET', '/api/guides')).services;
  showList(page.services);
} catch (error) {
  if (!toLoginOn401(error)) $('list-error').textContent = chineseError(error, '无法读取事项');
}
