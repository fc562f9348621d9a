// @ts-check
/* global document, window, URLSearchParams -- browser code, served as is to the panel's pages */
/** The statistics page's period form: read from and written to the page's address, and read in words. */

/**
 * A period as the page's address and the form hold it: its kind (day, week, month, year or
 * range) and its values under their names (`day`, `week`, …, or `from` and `to`).
 * @typedef {{ kind: string } & Record<string, string>} Period
 */

const KINDS = ['day', 'week', 'month', 'year'];
/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
/** A field of the form. @param {string} id */
const field = (id) =>
  /** @type {HTMLInputElement | HTMLSelectElement} */ (document.getElementById(id));

/** The period asked for, from the page's address or, by default, the last 30 days up to yesterday. */
/** @returns {Period} */
export function periodFromAddress() {
  const params = new URLSearchParams(window.location.search);
  for (const kind of KINDS) {
    const value = params.get(kind);
    if (value) return { kind, [kind]: value };
  }
  const from = params.get('from');
  const to = params.get('to');
  if (from && to) return { kind: 'range', from, to };
  /** @param {number} offset */
  const day = (offset) =>
    new Date(Date.now() + 8 * 3600_000 - offset * 86400_000).toISOString().slice(0, 10);
  return { kind: 'range', from: day(30), to: day(1) };
}

/** @param {string} kind */
export function showKind(kind) {
  for (const label of document.querySelectorAll('[data-kind]')) {
    const element = /** @type {HTMLElement} */ (label);
    element.hidden = !(element.dataset.kind ?? '').split(' ').includes(kind);
  }
  $('from-label').textContent = kind === 'day' ? '日期' : '开始日期';
}

/** @param {Period} period */
export function fillForm(period) {
  field('kind').value = period.kind;
  showKind(period.kind);
  if (period.kind === 'range') {
    field('from').value = period.from ?? '';
    field('to').value = period.to ?? '';
  } else if (period.kind === 'day') field('from').value = period.day ?? '';
  else field(period.kind).value = period[period.kind] ?? '';
}

export function readForm() {
  const kind = field('kind').value;
  if (kind === 'range')
    return new URLSearchParams({ from: field('from').value, to: field('to').value });
  if (kind === 'day') return new URLSearchParams({ day: field('from').value });
  return new URLSearchParams({ [kind]: field(kind).value });
}

/** A date in words: 2020年2月3日. */
export const words = (/** @type {string} */ day) =>
  `${Number(day.slice(0, 4))}年${Number(day.slice(5, 7))}月${Number(day.slice(8, 10))}日`;

/** A span of days in words, the second year only when it differs: 2020年2月3日至5月31日. */
/**
 * @param {string} from
 * @param {string} to
 */
export function span(from, to) {
  return `${words(from)}至${to.slice(0, 4) === from.slice(0, 4) ? words(to).replace(/^\d+年/, '') : words(to)}`;
}

/** How the form's period reads, for the loading line. */
export function formLabel() {
  const kind = field('kind').value;
  const value = kind === 'range' || kind === 'day' ? field('from').value : field(kind).value;
  if (!/^\d{4}/.test(value)) return '所选期间';
  if (kind === 'range')
    return /^\d{4}-\d{2}-\d{2}$/.test(field('to').value)
      ? span(value, field('to').value)
      : '所选期间';
  if (kind === 'day') return words(value);
  if (kind === 'week') return `${value.slice(0, 4)}年第${Number(value.slice(6))}周`;
  if (kind === 'month') return `${value.slice(0, 4)}年${Number(value.slice(5, 7))}月`;
  return `${value}年`;
}
