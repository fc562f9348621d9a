import { withDatabase, type AdminCommand } from '../platform/admin-command.js';
import { createTwilioClient } from '../platform/twilio-client.js';
import { createRecordings } from './recordings-service.js';

export const recordingCommands: Record<string, AdminCommand> = {
  'recordings:expire': {
    summary:
      'delete at Twilio the call recordings older than RECORDING_RETENTION_DAYS (their references stay, marked deleted)',
    run: async (_args, admin) =>
      withDatabase(admin, async (db) => {
        const { config } = admin;
        const recordings = createRecordings({
          db,
          twilio: createTwilioClient(config.twilio),
          twilioAuth: config.twilio,
          clock: admin.clock,
          logger: admin.logger,
        });
        console.log(
          `deleted ${await recordings.deleteExpired(config.agents.recordingRetentionDays)} recordings older than ${config.agents.recordingRetentionDays} days`,
        );
        return 0;
      }),
  },
};
