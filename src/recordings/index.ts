export { createRecordings, type Recordings, type RecordingRow } from './recordings-service.js';
export {
  createRecordingRoutes,
  createRecordingVoiceRoutes,
  type CallRecordings,
} from './recordings-routes.js';
export {
  createRecordingJobs,
  scheduleRecordingJobs,
  RECORDINGS_EXPIRE_AT,
} from './recordings-jobs.js';
export { recordingCommands } from './recordings-commands.js';
