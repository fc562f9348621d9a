// @ts-check
/* global document, window, fetch, Node -- browser code, served as is to the panel's pages */

/** @typedef {import('../panel-types.js').ApiErrorBody} ApiErrorBody */
/** @typedef {{ field: string, reason: string }} FieldProblem */

/** Calls the hotline's /api with the session cookie; writes carry the header the server asks of cookie-authenticated writes. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {Partial<ApiErrorBody['error']> & { details?: { fields?: FieldProblem[] } }} [error]
   *   the body's `error`, when the server sent one (a proxy's 502 has none)
   */
  constructor(status, error) {
    super(error?.message ?? `HTTP ${status}`);
    this.status = status;
    /** The server's machine-readable code ('slot_full'); '' when it sent none. */
    this.code = error?.code ?? '';
    /** The server's sentence in Chinese, beside its code. */
    this.messageZh = error?.messageZh;
    /** @type {FieldProblem[]} */
    this.fields = error?.details?.fields ?? [];
  }
}

/**
 * The route's JSON answer (`{}` when empty); each page casts it to the route's answer type from
 * panel-types.ts, hence `any` here.
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @param {Record<string, string>} [extraHeaders]
 * @returns {Promise<any>}
 */
export async function api(method, path, body, extraHeaders = {}) {
  /** @type {Record<string, string>} */
  const headers = { 'x-requested-with': 'XMLHttpRequest', ...extraHeaders };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const data = text ? JSON.parse(text) : {};
  if (!response.ok) throw new ApiError(response.status, data.error);
  return data;
}

/** This page and its query, as the login page's `next` carries it (`wallboard.html`, `call.html?call=CA…`). */
function currentPage() {
  const file = window.location.pathname.split('/').pop() || 'index.html';
  return `${file}${window.location.search}`;
}

/**
 * A page the login page may send the person back to: one of the panel's own pages, never another site.
 * @param {string | null | undefined} next
 */
export function safeNext(next) {
  return next && /^[a-z][a-z-]*\.html(\?[^#]*)?$/.test(next) && !next.startsWith('index.html')
    ? next
    : undefined;
}

/** Sends the browser to the login page, which sends the person back to this page after signing in. */
export function toLogin() {
  window.location.assign(`index.html?next=${encodeURIComponent(currentPage())}`);
}

/**
 * When the session is gone (a 401), goes to the login page (and back here after it) and answers true.
 * @param {unknown} error
 */
export function toLoginOn401(error) {
  if (error instanceof ApiError && error.status === 401) {
    toLogin();
    return true;
  }
  return false;
}

/** @type {Readonly<Record<string, string | undefined>>} */
export const STATE_LABELS = {
  offline: '离线',
  available: '空闲',
  reserved: '振铃中',
  on_call: '通话中',
  wrap_up: '话后整理',
  break: '小休',
};

/**
 * A caller's number with the middle hidden: +86 139****1234.
 * @param {string | null | undefined} number
 */
export function maskPhone(number) {
  if (!number) return '未知号码';
  const digits = number.replace(/^\+86/, '');
  if (digits.length < 7) return '****';
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}

/**
 * An ISO instant as Beijing time to the minute: 2026-03-02 10:29.
 * @param {string | null | undefined} iso
 */
export function beijingMinute(iso) {
  if (!iso) return '';
  return new Date(iso)
    .toLocaleString('sv-SE', { timeZone: 'Asia/Shanghai', hour12: false })
    .slice(0, 16);
}

/**
 * Formats an ISO instant in Beijing time.
 * @param {string | null | undefined} iso
 */
export function beijingTime(iso) {
  if (!iso) return '';
  return new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
}

/**
 * Builds an element: el('td', { class: 'x' }, 'text', child).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, string>} [attributes]
 * @param {...unknown} children nodes as they are, anything else as its text ('' for null)
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  for (const child of children) node.append(child instanceof Node ? child : String(child ?? ''));
  return node;
}

/**
 * The server's machine-readable codes in words an agent reads.
 * @type {Readonly<Record<string, string | undefined>>}
 */
const ERROR_CODES = {
  unauthorized: '登录已过期，请重新登录',
  forbidden: '当前账号无权进行此操作',
  not_found: '未找到相关记录',
  rate_limited: '操作过于频繁，请稍后再试',
  validation_failed: '填写的内容有误，请按提示更正',
  outcome_exists: '该通话已记录结果',
  outcome_required: '请先保存本次通话结果',
  agent_busy: '通话中，通话结束后才能切换状态',
  state_changed: '状态已变化，请刷新后重试',
  user_exists: '该用户名已存在',
  duplicate: '该记录已存在',
  not_on_this_call: '您不在这通电话上',
  not_transferable: '这通电话现在无法转接',
  on_call: '对方正在通话中',
  wrap_up: '对方正在话后整理',
  slot_full: '该时段已约满，请另选时段',
  hold_expired: '保留已过期，请重新选择时段',
  duplicate_booking: '此人当天已预约该事项',
  booking_suspended: '此人因多次爽约暂停预约',
  not_cancellable: '该预约已不能取消',
  not_reschedulable: '该预约已不能改约',
  request_in_progress: '正在处理，请稍候',
  agent_not_available: '您当前不是空闲状态，请先切换为「空闲」再回电',
  callback_in_progress: '该回电正在拨打中',
  callback_closed: '该回电已完成或已结束',
  not_your_callback: '该回电不属于您的业务范围',
  not_holdable: '回电通话不能保持',
  not_on_hold: '通话未在保持中',
  already_on_hold: '通话已在保持中',
  twilio_unavailable: '语音服务暂时无法操作，请稍后重试',
};

/**
 * An error as a sentence in Chinese: what failed, and why when the server said (never its English message).
 * @param {unknown} error
 * @param {string} what
 */
export function chineseError(error, what) {
  if (error instanceof ApiError)
    return `${what}：${ERROR_CODES[error.code] ?? error.messageZh ?? (error.status >= 500 ? '服务器暂时无法处理，请稍后重试' : '请求未被接受，请检查后重试')}`;
  return `${what}：网络连接异常，请稍后重试`;
}

/**
 * Field problems (zod's messages and the server's reason codes) in Chinese.
 * @type {ReadonlyArray<readonly [RegExp, string]>}
 */
const FIELD_REASONS = [
  [/Required|received undefined|expected string|Too small.*>=1|at least 1 character/i, '必填'],
  [/six digits|postcode/i, '邮政编码为6位数字'],
  [/letters and digits, 8 to 30/i, '快递单号为8至30位字母或数字'],
  [/no such service/i, '没有这个事项'],
  [/not a service handled by phone/i, '此事项不能电话办结'],
  [/invalid_username/i, '用户名为3至32位小写字母、数字或下划线，以字母开头'],
  [/password_too_short|at least 10/i, '密码至少10位'],
  [/too_long|Too big|at most/i, '内容过长'],
  [/17 digits|check digit|birth date|province code/i, '身份证号码有误'],
  [/phone|mobile|landline/i, '请填写正确的电话号码'],
  [/pick_from_list/, '请从列表中选择事项'],
  [/Invalid option|Invalid enum/i, '请从列表中选择'],
  [/control characters|invisible|visible characters/i, '含有不可见字符'],
];

/**
 * A field's problem in Chinese.
 * @param {string} reason
 */
export function fieldReason(reason) {
  for (const [pattern, text] of FIELD_REASONS) if (pattern.test(reason)) return text;
  return '填写有误';
}
