// @ts-check
/* global document, MutationObserver, setTimeout, clearTimeout -- browser code, served as is to the panel's pages */
import { startSoftphone } from './softphone.js';

/** @param {string} id */
const $ = (id) => /** @type {HTMLButtonElement} */ (document.getElementById(id));

/** @type {Promise<boolean> | undefined} */
let ready;

/**
 * The supervisor's softphone for 监听 / 耳语 / 强插, started on the first of them (no microphone
 * or registration before the supervisor asks): the desk's own module (the Voice SDK on Twilio, the
 * built-in provider's WebRTC phone locally), which takes the supervisor's call by itself.
 * Resolves true once it is registered, false when it is not within 15 s.
 * @returns {Promise<boolean>}
 */
export function supervisorPhone() {
  ready ??= new Promise((resolve) => {
    const status = $('monitor-status');
    $('monitor-bar').hidden = false;
    const timer = setTimeout(() => {
      observer.disconnect();
      resolve(false);
    }, 15_000);
    const observer = new MutationObserver(() => {
      if (!status.classList.contains('up')) return;
      clearTimeout(timer);
      observer.disconnect();
      resolve(true);
    });
    observer.observe(status, { attributes: true, attributeFilter: ['class'] });
    startSoftphone({
      status,
      answer: $('monitor-answer'),
      reject: undefined,
      hangup: $('monitor-hangup'),
      mute: $('monitor-mute'),
    });
  });
  const attempt = ready;
  // A softphone that did not come up is tried again at the next press.
  void attempt.then((up) => {
    if (!up && ready === attempt) ready = undefined;
  });
  return attempt;
}
