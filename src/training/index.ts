export {
  REPORT_TARGETS,
  REPORT_WANT_MIX,
  callerNumber,
  callerPatience,
  randomPerson,
  type CallerWant,
  type Person,
} from './caller-model.js';
