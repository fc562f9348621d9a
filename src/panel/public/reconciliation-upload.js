// @ts-check
/* global document, XMLHttpRequest, URLSearchParams -- browser code, served as is to the panel's pages */
/** The feed upload on the reconciliation page: a channel's file posted to the feed import API, with progress and the result. */
import { toLogin } from './panel-api.js';

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
/** @param {string} id */
const field = (id) => /** @type {HTMLInputElement} */ (document.getElementById(id));

/** A feed's columns as staff call them. */
const FIELD_NAMES = /** @type {Record<string, string>} */ ({
  booking_id: '预约编号',
  hall: '大厅',
  service: '事项',
  slot_start: '时段',
  id_number: '身份证号',
  id_hash: '身份证号摘要',
  phone: '电话',
  status: '状态',
});

/** Refusals without a sentence of their own in the answer. */
const STATUS_WORDS = /** @type {Record<number, string>} */ ({
  403: '仅班长可上传名单',
  413: '文件超过大小上限，未予接收',
  429: '上传过于频繁，请稍后再试',
});

/**
 * @typedef {{ rows: number, from: string, to: string, duplicate: boolean }} FeedReceipt
 * @typedef {{ line: number, field: string, reason: string }} FeedProblem
 */

/**
 * @param {string} text
 * @param {'done' | 'refused' | 'working'} outcome
 */
function say(text, outcome) {
  $('feed-result').textContent = text;
  $('feed-result').dataset.outcome = outcome;
}

/**
 * What came of the upload, in Chinese: rows accepted, or the refusal with each bad line.
 * @param {number} status
 * @param {string} body
 */
function showAnswer(status, body) {
  $('feed-progress').hidden = true;
  if (status === 401) return toLogin();
  /** @type {any} */
  let data;
  try {
    data = body ? JSON.parse(body) : {};
  } catch {
    data = {};
  }
  if (status === 200 || status === 201) {
    const receipt = /** @type {FeedReceipt} */ (data);
    return say(
      receipt.duplicate
        ? `该名单此前已接收（${receipt.rows} 行，${receipt.from} 至 ${receipt.to}），未重复导入`
        : `导入完成：接收 ${receipt.rows} 行（${receipt.from} 至 ${receipt.to}）`,
      'done',
    );
  }
  const problems = /** @type {FeedProblem[]} */ (data.error?.details?.problems ?? []);
  $('feed-problems').replaceChildren(
    ...problems.map((problem) => {
      const item = document.createElement('li');
      const where = FIELD_NAMES[problem.field] ?? problem.field;
      item.textContent =
        problem.line > 0
          ? `第 ${problem.line} 行（${where}）：${problem.reason}`
          : `${where}：${problem.reason}`;
      return item;
    }),
  );
  say(`导入未成功：${STATUS_WORDS[status] ?? data.error?.messageZh ?? '请稍后重试'}`, 'refused');
}

function upload() {
  const file = field('feed-file').files?.[0];
  if (!file) return say('请选择名单文件', 'refused');
  const format = /\.json$/i.test(file.name) || file.type === 'application/json' ? 'json' : 'csv';
  const query = new URLSearchParams({ channel: field('feed-channel').value });
  if (format === 'csv') {
    if (!field('feed-from').value || !field('feed-to').value)
      return say('CSV 名单请填写名单开始和结束日期', 'refused');
    query.set('from', field('feed-from').value);
    query.set('to', field('feed-to').value);
  }
  $('feed-problems').replaceChildren();
  const progress = /** @type {HTMLProgressElement} */ ($('feed-progress'));
  progress.value = 0;
  progress.hidden = false;
  say('正在上传……', 'working');
  const request = new XMLHttpRequest();
  request.open('POST', `/api/channel-feeds?${query}`);
  request.setRequestHeader('x-requested-with', 'XMLHttpRequest');
  request.setRequestHeader(
    'content-type',
    format === 'json' ? 'application/json' : 'text/csv; charset=utf-8',
  );
  request.upload.addEventListener('progress', (event) => {
    if (!event.lengthComputable) return;
    progress.value = Math.round((event.loaded / event.total) * 100);
    say(`正在上传…… ${progress.value}%`, 'working');
  });
  request.upload.addEventListener('load', () => {
    progress.value = 100;
    say('上传完成，正在校验并导入……', 'working');
  });
  request.addEventListener('load', () => showAnswer(request.status, request.responseText));
  request.addEventListener('error', () => {
    progress.hidden = true;
    say('导入未成功：网络连接异常，请稍后重试', 'refused');
  });
  request.send(file);
}

/** Wires the upload form. */
export function setupFeedUpload() {
  $('feed-upload').addEventListener('submit', (event) => {
    event.preventDefault();
    upload();
  });
}
