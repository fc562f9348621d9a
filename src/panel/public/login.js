/* global document, window, FormData -- browser code, served as is to the panel's pages */
import { api, ApiError } from './panel-api.js';

const form = document.getElementById('login-form');
const message = document.getElementById('login-error');

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  message.textContent = '';
  const data = new FormData(form);
  try {
    const { user } = await api('POST', '/api/auth/login', { username: String(data.get('username')), password: String(data.get('password')) });
    window.location.assign(user.role === 'agent' ? 'desk.html' : 'wallboard.html');
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) message.textContent = '用户名或密码错误';
    else if (error instanceof ApiError && error.status === 429) message.textContent = '登录失败次数过多，请稍后再试';
    else message.textContent = `登录失败：${error.message}`;
  }
});
