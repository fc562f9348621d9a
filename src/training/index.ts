export {
  createTraining,
  type Training,
  type TrainingDeps,
  type TrainingLine,
  type TrainingSettings,
  type TrainingView,
} from './training-service.js';
export { createTrainingRoutes, type TrainingBooking } from './training-routes.js';
export type { TrainingAnswer } from './training-script.js';
export {
  REPORT_TARGETS,
  REPORT_WANT_MIX,
  callerNumber,
  callerPatience,
  randomPerson,
  type CallerWant,
  type Person,
} from './caller-model.js';
