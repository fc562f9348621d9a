export { createAgents, type Agents, type AgentsDeps } from './agents-service.js';
export { createAgentRoutes, softphoneToken } from './agents-routes.js';
export { createDeskRoutes } from './desk-routes.js';
export { createRecordingRoutes, createRecordingVoiceRoutes } from './recordings-routes.js';
export { createAgentVoiceRoutes } from './agents-voice-routes.js';
export { createAgentJobs, scheduleAgentJobs } from './agents-jobs.js';
export { agentCommands } from './agents-commands.js';
export type { AgentSnapshot, AgentState, Reservation, RoutingTarget } from './routing-repository.js';
export type { LiveEvent } from './agents-events.js';
