// @ts-check
/* global document -- browser code, served as is to the panel's pages */
import { api, chineseError, el, toLoginOn401 } from './panel-api.js';

/** @typedef {import('../panel-types.js').GuideAnswer} GuideAnswer */
/** @typedef {import('../panel-types.js').GuideForCall} GuideForCall */
/** @typedef {import('../panel-types.js').GuideHit} GuideHit */
/** @typedef {import('../panel-types.js').GuideSearch} GuideSearch */
/** @typedef {import('../panel-types.js').GuideSmsQueued} GuideSmsQueued */
/** @typedef {import('../panel-types.js').GuideView} GuideView */

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
/** @param {string} id */
const input = (id) => /** @type {HTMLInputElement} */ (document.getElementById(id));
/** @type {Record<keyof GuideView['ways'], string>} */
const WAYS = { online: '网上办理', post: '邮寄办理', phone: '电话办理' };
/** @type {Record<string, string>} */
const SMS_ERRORS = { no_mobile: '来电号码不是手机号码，无法发送短信' };

/** The guide shown on the desk, and the call it belongs to. */
const panel = {
  /** @type {GuideView | null} */ guide: null,
  callSid: '',
  searchSeq: 0,
};

/** A field of the desk's consultation form. @param {string} name */
function consultationField(name) {
  const form = /** @type {HTMLFormElement} */ (
    document.querySelector('form[data-kind="consultation"]')
  );
  return /** @type {HTMLInputElement} */ (form.elements.namedItem(name));
}

/** @param {GuideView | null} guide @param {string} reason */
function show(guide, reason) {
  panel.guide = guide;
  $('guide-message').textContent = '';
  $('guide-reason').textContent = reason;
  $('guide-view').hidden = !guide;
  if (!guide) return;
  $('guide-view').dataset.service = guide.serviceId;
  $('guide-name').textContent =
    `${guide.serviceName}${guide.revision ? `（第 ${guide.revision} 版）` : ''}`;
  $('guide-where').textContent =
    `${guide.hallName} ${guide.departmentName}（${guide.window}）· ${guide.address} · ${guide.hours}`;
  $('guide-conditions').textContent = guide.conditions.join('；');
  $('guide-materials').replaceChildren(
    ...(guide.materials.length
      ? guide.materials.map((m) =>
          el('li', {}, `${m.name}（${m.form}${m.count > 1 ? ` ${m.count} 份` : ''}）`),
        )
      : [el('li', { class: 'muted' }, '无需材料')]),
  );
  $('guide-fee').textContent = guide.fee;
  $('guide-time').textContent = guide.timeLimit;
  const ways = Object.entries(WAYS)
    .filter(([key]) => guide.ways[/** @type {keyof GuideView['ways']} */ (key)])
    .map(([, word]) => word);
  $('guide-ways').replaceChildren(
    ways.length ? ways.join('、') : '须到窗口办理',
    ...(guide.onlineUrl
      ? [
          '：',
          el('a', { href: guide.onlineUrl, target: '_blank', rel: 'noopener' }, guide.onlineUrl),
        ]
      : []),
  );
  $('guide-basis').textContent = guide.basis.join('；');
  $('guide-faq').replaceChildren(
    ...guide.faq.flatMap((item) => [el('dt', {}, item.q), el('dd', {}, item.a)]),
  );
}

/** @param {string} serviceId @param {string} reason */
async function open(serviceId, reason) {
  try {
    const { guide } = /** @type {GuideAnswer} */ (
      await api('GET', `/api/guides/${encodeURIComponent(serviceId)}`)
    );
    show(guide, reason);
  } catch (error) {
    if (!toLoginOn401(error))
      $('guide-message').textContent = chineseError(error, '无法读取办事指南');
  }
}

/**
 * Lists services to open; `query` is the search they answer ('' for the call's suggestions).
 * @param {GuideHit[]} hits
 */
function showHits(hits, query = '') {
  $('guide-hits').dataset.query = query;
  $('guide-hits').replaceChildren(
    ...hits.map((hit) => {
      const button = el(
        'button',
        { type: 'button', class: 'link', 'data-service': hit.serviceId },
        `${hit.serviceName}`,
      );
      button.addEventListener('click', () => void open(hit.serviceId, '坐席查找'));
      return el(
        'li',
        {},
        button,
        el('small', { class: 'muted' }, ` ${hit.hallName} · ${hit.departmentName}`),
      );
    }),
  );
}

async function search() {
  const q = input('guide-search').value.trim();
  const seq = (panel.searchSeq += 1);
  if (!q) return showHits([]);
  try {
    const { hits } = /** @type {GuideSearch} */ (
      await api('GET', `/api/guides?q=${encodeURIComponent(q)}&limit=6`)
    );
    if (seq === panel.searchSeq) showHits(hits, q);
  } catch (error) {
    toLoginOn401(error);
  }
}

/** A new call: the guide of the service the caller chose in the IVR, with the department's other services to pick from. */
/** @param {string} callSid */
async function loadForCall(callSid) {
  // The same call shown again (the card refreshed) keeps what the agent searched and read.
  if (callSid === panel.callSid) return;
  panel.callSid = callSid;
  consultationField('guideServiceId').value = '';
  $('guide-used').textContent = '';
  input('guide-search').value = '';
  showHits([]);
  show(null, '');
  if (!callSid) return;
  try {
    const { suggested, candidates, words } = /** @type {GuideForCall} */ (
      await api('GET', `/api/guides/calls/${encodeURIComponent(callSid)}`)
    );
    // A newer call, or the agent already searching or reading a guide, wins over this late answer.
    if (panel.callSid !== callSid) return;
    if (!panel.guide) {
      if (suggested) show(suggested, `按来电人在语音导航中的选择：${words.slice(0, 2).join('、')}`);
      else $('guide-reason').textContent = '来电人未选择具体事项，请查找或从下方选择';
    }
    if (!input('guide-search').value.trim()) showHits(candidates.slice(0, 6));
  } catch (error) {
    toLoginOn401(error);
  }
}

async function sendSms() {
  if (!panel.guide || !panel.callSid) return;
  const button = /** @type {HTMLButtonElement} */ ($('guide-sms'));
  button.disabled = true;
  try {
    const { text } = /** @type {GuideSmsQueued} */ (
      await api('POST', `/api/guides/${encodeURIComponent(panel.guide.serviceId)}/sms`, {
        callSid: panel.callSid,
      })
    );
    $('guide-message').textContent = `已发送短信：${text}`;
    useGuide();
  } catch (error) {
    if (!toLoginOn401(error))
      $('guide-message').textContent =
        SMS_ERRORS[/** @type {import('./panel-api.js').ApiError} */ (error).code] ??
        chineseError(error, '短信发送失败');
  } finally {
    button.disabled = false;
  }
}

/** Records in the consultation form that this guide answered the call, and picks its service if none is picked. */
function useGuide() {
  if (!panel.guide) return;
  consultationField('guideServiceId').value = panel.guide.serviceId;
  if (!consultationField('serviceId').value) {
    consultationField('serviceId').value = panel.guide.serviceId;
    consultationField('serviceSearch').value = panel.guide.serviceName;
  }
  if (!consultationField('topic').value) consultationField('topic').value = panel.guide.serviceName;
  $('guide-used').textContent = `答复依据：${panel.guide.serviceName}办事指南`;
}

/**
 * Sets up the desk's guide panel; `currentCall` gives the call on the desk.
 * @param {() => string} currentCall
 */
export function setupGuidePanel(currentCall) {
  $('guide-search').addEventListener('input', () => void search());
  $('guide-sms').addEventListener('click', () => void sendSms());
  $('guide-use').addEventListener('click', useGuide);
  document.addEventListener('desk-call', () => void loadForCall(currentCall()));
  if (currentCall()) void loadForCall(currentCall());
}
