export { createDeskComponent, type DeskComponent } from './desk-component.js';
export { createAgentRoutes } from './agent-routes.js';
export { createDeskRoutes } from './desk-routes.js';
export {
  softphoneToken,
  type SoftphoneRegistration,
  type SoftphoneToken,
} from './softphone-service.js';
export type { Outcomes } from './outcomes-service.js';
export type {
  CallbackGroup,
  CallOutcomeList,
  CallOutcomeView,
  DeskCall,
  DeskCallCard,
  DeskCallback,
  DeskDirectory,
  DeskHoldStarted,
  DeskMe,
  DeskMyWork,
  DeskServiceOption,
  DeskServiceOptions,
  DeskStateChange,
} from './desk-responses.js';
export type { CallCard } from './desk-card-service.js';
