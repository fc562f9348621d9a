export { createCallLedger } from './calls-service.js';
export { classifyEnd } from './calls-summary.js';
export type { CallLedger, CallHotline, PathStep } from './calls-contract.js';
export { createCallRoutes } from './calls-routes.js';
export { createCallJobs } from './calls-jobs.js';
export { callSidSchema, statusCallbackSchema } from './calls-schemas.js';
export type { CallRow, CallEventRow, CallStepRow, Stage } from './calls-repository.js';
export {
  queuedCallOf,
  type CallRouting,
  type QueuedCall,
  type QueueStanding,
} from './calls-routing.js';
