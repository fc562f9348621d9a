import { z } from 'zod';
import type { Config } from '../platform/config.js';
import type { Logger } from '../platform/logger.js';
import type { JobDefinition } from '../platform/queues.js';
import type { TwilioClient } from '../platform/twilio-client.js';
import type { Guides } from './guides-service.js';

declare module '../platform/queues.js' {
  interface JobPayloads {
    /** One guide sent to a caller by SMS from the desk: the row's id only. */
    'guide-sms': { smsId: number };
  }
}

/**
 * The guides' job: sends a queued guide SMS through Twilio Messages, from the same sender and at
 * the same rate as the booking SMS (SMS_MESSAGING_SERVICE_SID, SMS_FROM, or the hotline called).
 */
export function createGuideJobs(deps: {
  guides: Guides;
  twilio: TwilioClient;
  config: Config;
  logger: Logger;
}): JobDefinition[] {
  const { guides, twilio, config } = deps;
  const log = deps.logger.child({ component: 'guides' });
  const sms: JobDefinition<'guide-sms'> = {
    name: 'guide-sms',
    schema: z.object({ smsId: z.number().int().positive() }),
    process: async ({ smsId }) => {
      const due = await guides.smsToSend(smsId);
      if (!due) return null;
      if ('skip' in due) {
        await guides.settleSms(smsId, 'skipped', due.skip);
        return null;
      }
      const from = config.sms.from ?? due.hotline;
      const sender = config.sms.messagingServiceSid
        ? { messagingServiceSid: config.sms.messagingServiceSid }
        : from
          ? { from }
          : undefined;
      if (!sender) {
        await guides.settleSms(smsId, 'skipped', 'no sender');
        return null;
      }
      const message = await twilio.messages.create({ to: due.to, ...sender, body: due.body });
      await guides.settleSms(smsId, 'sent', message.sid);
      log.info({ smsId, messageSid: message.sid }, 'guide SMS sent');
      return message.sid;
    },
    ratePerSecond: config.sms.ratePerSecond,
  };
  return [sms];
}
