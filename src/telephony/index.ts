export {
  createLocalTelephony,
  type LocalTelephony,
  type LocalTelephonyOptions,
} from './telephony-service.js';
export { readTwiml, type Verb } from './twiml-reader.js';
export { twimlDialect, unsupportedIn, type TwimlDialect } from './twiml-dialects.js';
export type {
  CallControl,
  CallerSocketMessage,
  CallParty,
  Endpoint,
  InboxMessage,
  LocalSoftphone,
  LegAnswer,
  LegOffer,
  PartyEvent,
  PhoneSocketMessage,
  ProviderTime,
  TelephonyInbox,
} from './telephony-types.js';
export { createTelephonyPageRoutes } from './page-routes.js';
export { attachTelephonySockets, type TelephonySocketOptions } from './caller-socket.js';
