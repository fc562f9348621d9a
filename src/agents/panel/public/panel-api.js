/* global document, window, fetch, Node -- browser code, served as is to the panel's pages */
/** Calls the hotline's /api with the session cookie; writes carry the header the server asks of cookie-authenticated writes. */
export class ApiError extends Error {
  constructor(status, error) {
    super(error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = error?.code;
    this.fields = error?.details?.fields ?? [];
  }
}

export async function api(method, path, body) {
  const headers = { 'x-requested-with': 'XMLHttpRequest' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const data = text ? JSON.parse(text) : {};
  if (!response.ok) throw new ApiError(response.status, data.error);
  return data;
}

/** Sends the browser to the login page when the session is gone. */
export function toLoginOn401(error) {
  if (error instanceof ApiError && error.status === 401) {
    window.location.assign('index.html');
    return true;
  }
  return false;
}

export const STATE_LABELS = { offline: '离线', available: '空闲', reserved: '振铃中', on_call: '通话中', wrap_up: '话后整理', break: '小休' };

/** A caller's number with the middle hidden: +86 139****1234. */
export function maskPhone(number) {
  if (!number) return '未知号码';
  const digits = number.replace(/^\+86/, '');
  if (digits.length < 7) return '****';
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}

/** Formats an ISO instant in Beijing time. */
export function beijingTime(iso) {
  if (!iso) return '';
  return new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
}

/** Builds an element: el('td', { class: 'x' }, 'text', child). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  for (const child of children) node.append(child instanceof Node ? child : String(child ?? ''));
  return node;
}
