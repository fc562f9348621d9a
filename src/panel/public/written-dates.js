// @ts-check
/* global document, setInterval, setTimeout -- browser code, served as is to the panel's pages */
/**
 * Beside every date and date-time field, the value as a person in China writes it
 * (2026年12月1日 星期二, 2026年12月1日 09:00): a browser set to another language shows its
 * fields as mm/dd/yyyy, and the page's lang does not change that.
 */
const WEEKDAYS = '日一二三四五六';

/**
 * 2026-12-01 -> 2026年12月1日 星期二; 2026-12-01T09:00 -> 2026年12月1日 09:00; '' when empty or unreadable.
 * @param {string | null | undefined} value
 */
export function writtenDate(value) {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}:\d{2}))?/.exec(value ?? '');
  if (!match) return '';
  const [, year, month, day, time] = match;
  const weekday =
    WEEKDAYS[new Date(Date.UTC(Number(year), Number(month) - 1, Number(day))).getUTCDay()];
  return `${Number(year)}年${Number(month)}月${Number(day)}日 ${time ?? `星期${weekday}`}`;
}

function refresh() {
  const inputs = /** @type {NodeListOf<HTMLInputElement>} */ (
    document.querySelectorAll('input[type="date"], input[type="datetime-local"]')
  );
  for (const input of inputs) {
    let echo = input.nextElementSibling;
    if (!echo?.classList.contains('written-date')) {
      echo = document.createElement('small');
      echo.className = 'written-date';
      echo.setAttribute('aria-hidden', 'true');
      input.after(echo);
    }
    const text = writtenDate(input.value);
    if (echo.textContent !== text) echo.textContent = text;
  }
}

/** Keeps the written dates up to date: on input, and for values the page's own code sets. */
export function showWrittenDates() {
  refresh();
  document.addEventListener('input', refresh);
  document.addEventListener('change', refresh);
  // A form's reset changes its values after the event.
  document.addEventListener('reset', () => setTimeout(refresh, 0));
  setInterval(refresh, 500);
}
