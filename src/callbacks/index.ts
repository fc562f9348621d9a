export { createCallbackRequests, type CallbackRequests, type CallbackRequestsDeps } from './callbacks-service.js';
export type { CallbackRequestRow, NewCallbackRequest } from './callbacks-repository.js';
