// @ts-check
/* global document, window -- browser code, served as is to the panel's pages */
/**
 * The frame of every staff page: the header's user (display name and role in Chinese), the
 * navigation the role may use, 退出登录, and the way back to the login page when the session ends.
 */
import { api, el, toLoginOn401 } from './panel-api.js';

/** @typedef {import('../panel-types.js').StaffMe} StaffMe */
/** @typedef {import('../panel-types.js').StaffRole} StaffRole */

/** Roles in Chinese. @type {Record<StaffRole, string>} */
export const ROLE_LABELS = { agent: '坐席', supervisor: '班长', admin: '系统管理员' };

/** The pages, in the order the navigation lists them, and the least role that opens each. */
const PAGES = /** @type {const} */ ([
  { href: 'desk.html', label: '坐席工作台', role: 'agent' },
  { href: 'wallboard.html', label: '监控大屏', role: 'supervisor' },
  { href: 'reports.html', label: '统计报表', role: 'supervisor' },
  { href: 'reconciliation.html', label: '预约对账', role: 'supervisor' },
  { href: 'capacity.html', label: '接待能力', role: 'supervisor' },
  { href: 'staff.html', label: '人员管理', role: 'supervisor' },
  { href: 'announcements.html', label: '语音公告', role: 'supervisor' },
  { href: 'guides.html', label: '办事指南', role: 'supervisor' },
  { href: 'followups.html', label: '差评回访', role: 'supervisor' },
  { href: 'test-phone.html', label: '测试电话', role: 'agent' },
]);
/** @type {Record<StaffRole, number>} */
const RANK = { agent: 1, supervisor: 2, admin: 3 };

/**
 * Fills the page's `<header>` (which holds its `<h1>`): the navigation for the role, the user and
 * 退出登录. Resolves with who is signed in, or undefined when that cannot be read (the header says
 * so); on a 401 goes to the login page and never resolves.
 * @returns {Promise<StaffMe | undefined>}
 */
export async function mountFrame() {
  const header = /** @type {HTMLElement} */ (document.querySelector('body > header'));
  const logout = el('button', { id: 'logout', type: 'button' }, '退出登录');
  logout.addEventListener('click', async () => {
    await api('POST', '/api/auth/logout').catch(() => undefined);
    window.location.assign('index.html');
  });
  const user = el('span', { id: 'frame-user', class: 'frame-user' });
  const nav = el('nav', { class: 'row frame-nav', 'aria-label': '页面导航' });
  header.append(nav, user, logout);
  /** @type {StaffMe} */
  let me;
  try {
    ({ user: me } = await api('GET', '/api/auth/me'));
  } catch (error) {
    if (toLoginOn401(error)) return new Promise(() => undefined);
    user.textContent = '无法读取登录信息';
    return undefined;
  }
  const here = window.location.pathname.split('/').pop();
  nav.replaceChildren(
    ...PAGES.filter((page) => RANK[me.role] >= RANK[page.role]).map((page) =>
      el(
        'a',
        {
          href: page.href,
          class: 'badge',
          ...(page.href === here ? { 'aria-current': 'page' } : {}),
        },
        page.label,
      ),
    ),
  );
  if (nav.children.length <= 1) nav.hidden = true;
  user.textContent = `${me.displayName}（${ROLE_LABELS[me.role]}）`;
  user.title = `用户名：${me.id}`;
  document.body.dataset.role = me.role;
  return me;
}
