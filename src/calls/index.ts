export {
  createCallLedger,
  classifyEnd,
  type CallLedger,
  type CallHotline,
} from './calls-service.js';
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
