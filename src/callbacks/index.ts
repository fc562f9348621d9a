export {
  createCallbackRequests,
  type CallbackRequests,
  type CallbackRequestsDeps,
} from './callback-requests-service.js';
export type { CallbackRequestRow, NewCallbackRequest } from './callbacks-repository.js';
export { createCallbacks } from './callback-calls-service.js';
export type { CallbackActor, Callbacks } from './callback-contract.js';
export { callbackUrls } from './callback-twiml.js';
export { createCallbackVoiceRoutes } from './callback-voice-routes.js';
export { createCallbackJobs, scheduleCallbackJobs } from './callback-jobs.js';
