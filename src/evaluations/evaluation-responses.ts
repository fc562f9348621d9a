import type { EvaluationSetting } from './evaluation-service.js';
import type { CaseView } from './followup-views.js';

/*
 * The JSON the evaluation routes answer, as the follow-ups page reads it
 * (src/panel/panel-types.ts gives these types to the pages).
 */

/** `GET /api/evaluations/settings` and `PUT /api/evaluations/settings/:number`: every hotline's switch. */
export interface EvaluationSettings {
  hotlines: EvaluationSetting[];
}

/** `GET /api/evaluations/cases`: the follow-up cases the supervisor sees. */
export interface FollowUpCases {
  cases: CaseView[];
}

/** `POST …/cases/:id/callback`, `PUT …/cases/:id/finding`, `POST …/cases/:id/close`: the case after it. */
export interface FollowUpCase {
  case: CaseView;
}
