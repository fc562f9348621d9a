import type { CallbackRequests } from './callback-requests-service.js';
import type { CallLedger } from '../calls/index.js';
import type { WorkCalendar } from '../calendar/index.js';
import type { Catalogue } from '../catalogue/index.js';
import type { Clock } from '../platform/clock.js';
import type { Config } from '../platform/config.js';
import type { Logger } from '../platform/logger.js';
import type { Queues } from '../platform/queues.js';
import type { TelephonyProfile } from '../platform/telephony-profile.js';
import type { TwilioClient } from '../platform/twilio-client.js';
import type { VoiceResponse } from '../platform/twiml.js';
import {
  CALLBACK_MEMBER,
  type AgentCalls,
  type AgentPhones,
  type AgentStates,
  type CallbackPort,
  type Reservation,
  type Routing,
  type RoutingRepository,
} from '../routing/index.js';
import type { CallbackUrls } from './callback-twiml.js';

/** A callback request's member in routing's wait lists. */
export const member = (requestId: number) => `${CALLBACK_MEMBER}${requestId}`;

/**
 * Callbacks: a request joins the same wait lists as calls, with its original place and
 * priority, while its hall is open. When an agent is reserved for it, the worker rings the
 * agent first (rate-limited), then the citizen with the hotline's number.
 */
export interface Callbacks extends CallbackPort {
  /** Due requests of open halls join the wait lists; those of closed halls leave them. Returns how many joined. */
  admitDue(): Promise<number>;
  /** Reserved by routing: start an attempt and queue the outbound call. */
  reserved(reservation: Reservation): Promise<void>;
  /** A reservation whose outbound call never started in time: the request goes back in its place. */
  timedOut(reservation: Reservation): Promise<void>;
  /**
   * The agent places a request now, from "My work": reserved for it as routing would reserve
   * them, then the same rate-limited place job and bookkeeping. A repeated click while the
   * attempt is being set up answers the same and places nothing more.
   */
  placeNow(
    requestId: number,
    actor: CallbackActor,
  ): Promise<{ requestId: number; status: 'placing' }>;
  /** Worker: ring the agent's softphone for the request. */
  place(requestId: number, agentId: string, version: number): Promise<void>;
  /** The agent answered: TwiML that rings the citizen. */
  agentAnswered(requestId: number, agentId: string, agentCallSid: string): Promise<VoiceResponse>;
  /** The citizen leg ended. */
  citizenLegEnded(
    requestId: number,
    agentId: string,
    agentCallSid: string,
    dialStatus: string,
    dialCallSid: string | undefined,
  ): Promise<VoiceResponse>;
  /** The agent leg's status: when the agent did not answer, the request keeps its place for another agent. */
  agentLegStatus(requestId: number, agentId: string, callStatus: string): Promise<void>;
  /**
   * An outbound call from the desk (外呼) to `phone` (E.164): the agent, available or on a break,
   * is reserved, their own phone rung through the one REST client (Calls create, From = the
   * hotline of their first department that has one); the ledger records an outbound call to the
   * citizen. 409 when the agent is busy or has no phone.
   */
  dialOut(agentId: string, phone: string): Promise<{ callSid: string; hotline: string }>;
  /** The agent answered their phone: on_call, and TwiML that rings the citizen with the hotline as caller ID. */
  outboundAnswered(agentId: string, agentCallSid: string): Promise<VoiceResponse>;
  /** The citizen's leg ended: wrap-up and the outcome when reached, else the agent is free again. */
  outboundEnded(agentId: string, agentCallSid: string, dialStatus: string): Promise<VoiceResponse>;
  /** The agent's leg failed (not answered): the agent is free again. */
  outboundLegStatus(agentId: string, callStatus: string): Promise<void>;
}

/** Who asks to place a callback: its agent, an agent of its department, or a supervisor. */
export interface CallbackActor {
  userId: string;
  skills: readonly string[];
  supervisor: boolean;
}

/** What the callbacks' use cases are built from. */
export interface CallbacksDeps {
  requests: CallbackRequests;
  store: RoutingRepository;
  states: AgentStates;
  routing: Routing;
  ledger: CallLedger;
  catalogue: Catalogue;
  calendar: WorkCalendar;
  queues: Queues;
  twilio: TwilioClient;
  clock: Clock;
  logger: Logger;
  urls: CallbackUrls;
  voice: string;
  agentCalls: AgentCalls;
  /** What the provider honours of the callback's `<Dial>` of the citizen. */
  dial: Pick<TelephonyProfile, 'dialExtras'>;
  settings: Config['agents'];
  /** Where each agent's phone rings. */
  phoneOf: AgentPhones;
}

/** A request that was not placed or not reached goes back to the wait lists, in its place. */
export async function giveBack(
  { requests, store }: Pick<CallbacksDeps, 'requests' | 'store'>,
  requestId: number,
  agentId: string,
  attempts: number,
): Promise<void> {
  await requests.giveBack(requestId, attempts);
  await store.requeue(member(requestId), agentId);
}
