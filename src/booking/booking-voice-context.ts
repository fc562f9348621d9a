import type { WorkCalendar } from '../calendar/index.js';
import type { CallLedger } from '../calls/index.js';
import type { Catalogue } from '../catalogue/index.js';
import type { Menu } from '../ivr/index.js';
import type { Clock } from '../platform/clock.js';
import type { Config } from '../platform/config.js';
import type { Logger } from '../platform/logger.js';
import type { Redis } from '../platform/redis.js';
import { crossComponentVoiceUrls, voiceUrl } from '../platform/voice-urls.js';
import type { CapacityService } from './capacity-service.js';
import type { LedgeredBookingService } from './phone-ledger-service.js';

export interface BookingVoiceDeps {
  booking: LedgeredBookingService;
  capacity: CapacityService;
  calendar: WorkCalendar;
  catalogue: Catalogue;
  menus: ReadonlyMap<string, Menu>;
  ledger: CallLedger;
  clock: Clock;
  config: Config;
  /** Keeps a mobile number keyed by the caller for the rest of the call, off the callback URLs. */
  redis: Redis;
  logger: Logger;
  /** When a self-service booking is done: the URL of the 好差评 menu if the hotline asks for one (then the call goes there instead of ending). */
  afterSelfService?: (callSid: string) => Promise<string | undefined>;
}

/** The voice URLs of the component and the IVR's, absolute as Twilio requests and signs them. */
export function voiceLinks(publicBaseUrl: string) {
  const ivr = crossComponentVoiceUrls(publicBaseUrl);
  return {
    url: (path: string, params: Record<string, string | number | undefined>) =>
      voiceUrl(publicBaseUrl, path, params),
    node: ivr.ivrNode,
    operator: ivr.ivrOperator,
  };
}
export type VoiceLinks = ReturnType<typeof voiceLinks>;
