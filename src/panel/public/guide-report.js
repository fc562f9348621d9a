// @ts-check
/* global document -- browser code, served as is to the panel's pages */
import { el } from './panel-api.js';

/** @typedef {import('../panel-types.js').GuideReport} GuideReport */

/** The guides' line of the statistics page: consultations answered with a guide, SMS sent, the most-asked services. */
/** @param {GuideReport | undefined} report */
export function showGuides(report) {
  const box = document.getElementById('guide-figures');
  if (!report || !box) return;
  const share = report.consultations
    ? `${Math.round((report.withGuide / report.consultations) * 1000) / 10}%`
    : '—';
  box.replaceChildren(
    el(
      'p',
      {},
      `业务咨询 ${report.consultations} 件，其中按办事指南答复 ${report.withGuide} 件（${share}），未使用指南 ${report.withoutGuide} 件；短信发送办事指南 ${report.smsSent} 条。`,
    ),
    report.topServices.length
      ? el(
          'ol',
          { class: 'top-services' },
          ...report.topServices.map((s) =>
            el(
              'li',
              {},
              `${s.name}：咨询 ${s.consultations} 件，按指南答复 ${s.withGuide} 件，短信 ${s.smsSent} 条`,
            ),
          ),
        )
      : el('p', { class: 'muted' }, '本期间没有咨询记录'),
  );
}
