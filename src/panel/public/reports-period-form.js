/* global document, window, URLSearchParams -- browser code, served as is to the panel's pages */
/** The statistics page's period form: read from and written to the page's address, and read in words. */

const KINDS = ['day', 'week', 'month', 'year'];
const $ = (id) => document.getElementById(id);

/** The period asked for, from the page's address or, by default, the last 30 days up to yesterday. */
export function periodFromAddress() {
  const params = new URLSearchParams(window.location.search);
  for (const kind of KINDS) if (params.get(kind)) return { kind, [kind]: params.get(kind) };
  if (params.get('from') && params.get('to'))
    return { kind: 'range', from: params.get('from'), to: params.get('to') };
  const day = (offset) =>
    new Date(Date.now() + 8 * 3600_000 - offset * 86400_000).toISOString().slice(0, 10);
  return { kind: 'range', from: day(30), to: day(1) };
}

export function showKind(kind) {
  for (const label of document.querySelectorAll('[data-kind]'))
    label.hidden = !label.dataset.kind.split(' ').includes(kind);
  $('from-label').textContent = kind === 'day' ? '日期' : '开始日期';
}

export function fillForm(period) {
  $('kind').value = period.kind;
  showKind(period.kind);
  if (period.kind === 'range') {
    $('from').value = period.from;
    $('to').value = period.to;
  } else if (period.kind === 'day') $('from').value = period.day;
  else $(period.kind).value = period[period.kind];
}

export function readForm() {
  const kind = $('kind').value;
  if (kind === 'range') return new URLSearchParams({ from: $('from').value, to: $('to').value });
  if (kind === 'day') return new URLSearchParams({ day: $('from').value });
  return new URLSearchParams({ [kind]: $(kind).value });
}

/** A date in words: 2020年2月3日. */
export const words = (day) =>
  `${Number(day.slice(0, 4))}年${Number(day.slice(5, 7))}月${Number(day.slice(8, 10))}日`;

/** A span of days in words, the second year only when it differs: 2020年2月3日至5月31日. */
export function span(from, to) {
  return `${words(from)}至${to.slice(0, 4) === from.slice(0, 4) ? words(to).replace(/^\d+年/, '') : words(to)}`;
}

/** How the form's period reads, for the loading line. */
export function formLabel() {
  const kind = $('kind').value;
  const value = kind === 'range' || kind === 'day' ? $('from').value : $(kind).value;
  if (!/^\d{4}/.test(value)) return '所选期间';
  if (kind === 'range')
    return /^\d{4}-\d{2}-\d{2}$/.test($('to').value) ? span(value, $('to').value) : '所选期间';
  if (kind === 'day') return words(value);
  if (kind === 'week') return `${value.slice(0, 4)}年第${Number(value.slice(6))}周`;
  if (kind === 'month') return `${value.slice(0, 4)}年${Number(value.slice(5, 7))}月`;
  return `${value}年`;
}
