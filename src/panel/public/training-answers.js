// @ts-check
/* global document -- browser code, served as is to the panel's pages */
import { api, el } from './panel-api.js';

/*
 * On the desk, a training call's simulated caller answers the agent's questions from its script:
 * shown as text under the call card whenever the call changes (the desk's `desk-call` event).
 */

/** @typedef {import('../panel-types.js').TrainingAnswer} TrainingAnswer */

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** @param {string} callSid */
async function showAnswers(callSid) {
  const box = $('training-answers');
  try {
    const { training, answers } = await api('GET', '/api/agent/training-answers');
    box.hidden = !training;
    // The booking form reads it: on a training call a booking is practice only.
    document.body.dataset.trainingCall = training ? callSid : '';
    $('training-answer-list').replaceChildren(
      ...answers.flatMap((/** @type {TrainingAnswer} */ a) => [
        el('dt', {}, a.question),
        el('dd', {}, a.answer),
      ]),
    );
  } catch {
    box.hidden = true;
    document.body.dataset.trainingCall = '';
  }
}

if (document.getElementById('training-answers'))
  document.addEventListener('desk-call', (event) =>
    showAnswers(/** @type {CustomEvent<{ callSid: string }>} */ (event).detail.callSid),
  );
