export { createEvaluations, LEVELS, isPoor, type Evaluations } from './evaluation-service.js';
export { createEvaluationVoiceRoutes } from './evaluation-voice-routes.js';
export { createEvaluationRoutes } from './evaluation-routes.js';
