// @ts-check
/* global document, fetch, URLSearchParams -- browser code, served as is to the panel's pages */
/** The supervisors' reconciliation page: runs, open items by class, mark one resolved with a note. */
import { showWrittenDates } from './written-dates.js';
import { mountFrame } from './layout.js';
import { beijingMinute, toLogin } from './panel-api.js';
import { setupFeedUpload } from './reconciliation-upload.js';

void mountFrame();
setupFeedUpload();

showWrittenDates();

/** @typedef {import('../panel-types.js').ReconciliationItem} ReconciliationItem */
/** @typedef {import('../panel-types.js').ReconciliationRun} ReconciliationRun */
/** @typedef {import('../panel-types.js').ReconciliationRunDetail} ReconciliationRunDetail */
/** @typedef {import('../panel-types.js').FeedRefusal} FeedRefusal */

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
/** @param {string} id */
const field = (id) => /** @type {HTMLInputElement} */ (document.getElementById(id));
const classSelect = /** @type {HTMLSelectElement} */ ($('class'));

/**
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<any>} the answer's JSON, typed where it is read
 */
async function call(method, path, body) {
  /** @type {Record<string, string>} */
  const headers = { 'x-requested-with': 'XMLHttpRequest' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 401) {
    toLogin();
    throw new Error('请先登录');
  }
  const data = await response.json();
  if (!response.ok) throw new Error(data.error?.messageZh ?? '操作未成功，请稍后重试');
  return data;
}

/** @param {string | null | undefined} text */
const cell = (text) => {
  const td = document.createElement('td');
  td.textContent = text ?? '';
  return td;
};

/** @type {Record<FeedRefusal, string>} */
const REASONS = {
  no_slot: '无此时段',
  closed: '当天闭厅',
  past: '时段已过',
  full: '号源已满',
  suspended: '爽约暂停预约期间，未导入',
};
/** @type {Record<string, string>} */
const CHANNELS = {
  phone: '坐席电话',
  ivr: '语音自助',
  web: '政务服务网',
  wechat: '双营通微信',
  walk_in: '现场窗口',
};

/**
 * What staff need to act, in words: the feed's line, the reason, the channels involved.
 * @param {ReconciliationItem} item
 */
function note(item) {
  if (item.class === 'feed_only') {
    const d = item.details;
    return `名单第${d.line}行，${('reason' in d ? REASONS[d.reason] : undefined) ?? ''}`;
  }
  if (item.class === 'over_capacity')
    return `容量${item.details.capacity}，已约${item.details.booked}`;
  if (item.class === 'cross_channel_duplicate')
    return `渠道：${(item.details.channels ?? []).map((c) => CHANNELS[c] ?? c).join('、')}`;
  if (item.class === 'status_differs')
    return `日历：${item.details.calendar?.status ?? ''}；名单：${item.details.feed?.status ?? ''}`;
  if (item.class === 'hold_abandoned') return item.details.callEnded ? '来电已挂断，可回电' : '';
  return '';
}

/** @param {string} runId @param {ReconciliationItem} item */
function resolver(runId, item) {
  const td = document.createElement('td');
  if (item.status !== 'open') {
    td.textContent = item.resolution ? `已处理：${item.resolution.note}` : item.statusName;
    return td;
  }
  const input = document.createElement('input');
  input.placeholder = '处理说明';
  input.setAttribute('aria-label', '处理说明');
  const button = document.createElement('button');
  button.textContent = '标记已处理';
  button.addEventListener('click', async () => {
    try {
      await call('POST', `/api/reconciliations/${runId}/items/${item.id}/resolve`, {
        note: input.value,
      });
      await showRun();
    } catch (error) {
      $('message').textContent = /** @type {Error} */ (error).message;
    }
  });
  td.append(input, button);
  return td;
}

async function showRun() {
  const runId = /** @type {HTMLSelectElement} */ ($('run')).value;
  if (!runId) return;
  const klass = classSelect.value;
  const query = new URLSearchParams({ status: 'open,resolved' });
  if (klass) query.set('class', klass);
  /** @type {ReconciliationRunDetail} */
  const run = await call('GET', `/api/reconciliations/${runId}?${query}`);
  if (classSelect.options.length === 1) {
    const listed = Object.entries(run.classNames).filter(
      ([value]) => !['counters_differ', 'stale_hold', 'in_flight'].includes(value),
    );
    classSelect.append(
      ...listed.map(([value, textContent]) =>
        Object.assign(document.createElement('option'), { value, textContent }),
      ),
    );
  }
  /** @type {HTMLAnchorElement} */ ($('csv')).href = `/api/reconciliations/${runId}/open.csv`;
  $('summary').textContent =
    `${run.from} 至 ${run.to}：自动处理${run.fixed}项，待处理${run.open}项`;
  const rows = /** @type {ReconciliationItem[]} */ (Object.values(run.items).flat());
  const body = $('items');
  body.replaceChildren(
    ...rows.map((item) => {
      const tr = document.createElement('tr');
      tr.append(
        cell(item.className),
        cell(item.day),
        cell(item.hallName),
        cell(item.serviceName),
        cell(item.channelName),
        cell('code' in item.details ? item.details.code : undefined),
        cell(item.idMasked),
        cell(item.phoneMasked),
        cell(note(item)),
        resolver(runId, item),
      );
      return tr;
    }),
  );
  if (rows.length === 0)
    body.replaceChildren(
      Object.assign(document.createElement('tr'), {
        innerHTML: '<td colspan="10">没有待处理的差异</td>',
      }),
    );
}

/** @param {number} [select] the run to show (else the latest) */
async function loadRuns(select) {
  /** @type {ReconciliationRun[]} */
  const runs = await call('GET', '/api/reconciliations');
  $('run').replaceChildren(
    ...runs.map((run) =>
      Object.assign(document.createElement('option'), {
        value: String(run.id),
        textContent: `${beijingMinute(run.startedAt)}（${run.from} 至 ${run.to}，待处理${run.open}项）`,
      }),
    ),
  );
  if (select) /** @type {HTMLSelectElement} */ ($('run')).value = String(select);
  await showRun();
}

$('run').addEventListener('change', () =>
  showRun().catch((e) => ($('message').textContent = e.message)),
);
$('class').addEventListener('change', () =>
  showRun().catch((e) => ($('message').textContent = e.message)),
);
$('start').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('message').textContent = '正在对账……';
  try {
    /** @type {ReconciliationRun} */
    const run = await call('POST', '/api/reconciliations', {
      from: field('from').value,
      to: field('to').value,
    });
    $('message').textContent = `对账完成：自动处理${run.fixed}项，待处理${run.open}项`;
    await loadRuns(run.id);
  } catch (error) {
    $('message').textContent = /** @type {Error} */ (error).message;
  }
});
const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
field('from').value = today;
field('to').value = today;
loadRuns().catch((e) => ($('message').textContent = e.message));
