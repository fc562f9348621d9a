export {
  createEvaluations,
  LEVELS,
  isPoor,
  type Evaluations,
  type EvaluationSetting,
} from './evaluation-service.js';
export { createEvaluationVoiceRoutes } from './evaluation-voice-routes.js';
export { createEvaluationRoutes } from './evaluation-routes.js';
export { createFollowUps, type FollowUps } from './followup-service.js';
export type { CaseView } from './followup-views.js';
export type { EvaluationSettings, FollowUpCase, FollowUpCases } from './evaluation-responses.js';
export { followUpDeadline } from './followup-deadline.js';
export { createEvaluationJobs, scheduleEvaluationJobs } from './evaluation-jobs.js';
export {
  evaluationReport,
  figuresOf,
  type EvaluationReport,
  type EvaluationFigures,
} from './evaluation-stats.js';
export {
  withEvaluationSheet,
  evaluationRows,
  EVALUATION_SHEET,
  EVALUATION_COLUMNS,
  EVALUATION_DEFINITIONS,
} from './evaluation-export.js';
