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

async function showAnswers() {
  const box = $('training-answers');
  try {
    const { training, answers } = await api('GET', '/api/agent/training-answers');
    box.hidden = !training;
    $('training-answer-list').replaceChildren(
      ...answers.flatMap((/** @type {TrainingAnswer} */ a) => [
        el('dt', {}, a.question),
        el('dd', {}, a.answer),
      ]),
    );
  } catch {
    box.hidden = true;
  }
}

if (document.getElementById('training-answers'))
  document.addEventListener('desk-call', () => void showAnswers());
