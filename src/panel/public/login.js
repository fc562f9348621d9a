// @ts-check
/* global document, window, FormData, URLSearchParams -- browser code, served as is to the panel's pages */
import { api, ApiError, safeNext } from './panel-api.js';

/** @typedef {import('../panel-types.js').StaffMe} StaffMe */

const form = /** @type {HTMLFormElement} */ (document.getElementById('login-form'));
const message = /** @type {HTMLElement} */ (document.getElementById('login-error'));
/** The page the person was on when their session ended: they go back there after signing in. */
const next = safeNext(new URLSearchParams(window.location.search).get('next'));
if (next) message.textContent = '登录已过期，请重新登录';

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  message.textContent = '';
  const data = new FormData(form);
  try {
    /** @type {{ user: StaffMe }} */
    const { user } = await api('POST', '/api/auth/login', {
      username: String(data.get('username')),
      password: String(data.get('password')),
    });
    window.location.assign(next ?? (user.role === 'agent' ? 'desk.html' : 'wallboard.html'));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) message.textContent = '用户名或密码错误';
    else if (error instanceof ApiError && error.status === 429)
      message.textContent = '登录失败次数过多，请稍后再试';
    else
      message.textContent = `登录失败：${error instanceof ApiError ? (error.messageZh ?? '请稍后重试') : '网络连接异常，请稍后重试'}`;
  }
});
