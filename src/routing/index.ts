export {
  createRoutingComponent,
  type RoutingComponent,
  type RoutingComponentDeps,
} from './routing-component.js';
export { createRoutingVoiceRoutes } from './routing-voice-routes.js';
export { createRoutingJobs, scheduleRoutingJobs } from './routing-jobs.js';
export {
  CALLBACK_MEMBER,
  wrapUpSecondsFor,
  type CallbackPort,
  type Routing,
} from './routing-contract.js';
export { waitScore } from './wait-score.js';
export { agentSkill } from './routing-targets.js';
export { dialString, type AgentPhones } from './agent-phone.js';
export type { AgentCalls } from './agent-calls-service.js';
export type { AgentDesk, ChosenState } from './agent-presence-service.js';
export type { AgentStates } from './agent-state-service.js';
export type { CallHolds } from './call-hold-service.js';
export type { Audience, LiveEvent, LiveEvents } from './live-events.js';
export type { Transfer } from './transfer-service.js';
export type { AgentCallRow } from './agent-calls-repository.js';
export type { RoutingRepository } from './routing-repository.js';
export type { AgentSnapshot, AgentState, Reservation, RoutingTarget } from './routing-state.js';
