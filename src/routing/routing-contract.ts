import type { CallLedger, CallRouting, QueuedCall } from '../calls/index.js';
import type { Catalogue } from '../catalogue/index.js';
import type { Clock } from '../platform/clock.js';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db.js';
import type { Logger } from '../platform/logger.js';
import type { Queues } from '../platform/queues.js';
import type { TelephonyProfile } from '../platform/telephony-profile.js';
import type { TwilioClient } from '../platform/twilio-client.js';
import type { VoiceResponse } from '../platform/twiml.js';
import type { AgentPhones } from './agent-phone.js';
import type { AgentStates } from './agent-state-service.js';
import type { HoldRepository } from './call-hold-repository.js';
import type { LiveEvents } from './live-events.js';
import type { QueuedCallRepository } from './queued-call-repository.js';
import type { RoutingRepository } from './routing-repository.js';
import type { Reservation } from './routing-state.js';
import type { AgentUrls, IvrQueue } from './routing-twiml.js';

/** One wrap-up per agent, call and state version: an agent may handle the same call twice (a transfer back). */
export const wrapUpJobId = (agentId: string, callSid: string, version: number) =>
  `wrap-up-${agentId}-${callSid}-${version}`;

/** Dequeue attempts for one offer cycle; after the last the caller waits for Twilio's next wait poll. */
export const MAX_DEQUEUE_ATTEMPTS = 6;
/** Delay before the next dequeue attempt: 1 s, doubling, at most 30 s. */
export const dequeueRetryDelay = (attempt: number) => Math.min(1000 * 2 ** attempt, 30_000);

/** One escalation per call, routing epoch and target: a rebuild after a Redis loss never doubles it. */
export const escalationJobId = (callSid: string, epoch: number, target: number) =>
  `routing-escalate-${callSid}-${epoch}-${target}`;

/** After-call work for a department's call, in seconds. */
export const wrapUpSecondsFor = (settings: Config['agents'], skill: string | null) =>
  (skill ? settings.wrapUpSecondsByDepartment[skill] : undefined) ?? settings.wrapUpSeconds;

/** Enqueue results Twilio reports when routing's own REST dequeue took the caller out of the queue. */
export const OUR_DEQUEUE_RESULTS = new Set(['redirected', 'bridged']);

/** Callback requests ride in the same wait lists as calls, as `cb:{id}`. */
export const CALLBACK_MEMBER = 'cb:';

/** The ledger's writes routing makes as a call goes through it; it reads no ledger row on a call's path. */
export type RoutingLedger = Pick<
  CallLedger,
  'markOffered' | 'markAnswered' | 'recordEvent' | 'recordWaiting'
>;

export interface RoutingDeps {
  db: Database;
  store: RoutingRepository;
  /** What routing keeps of each call it routes (handed over by the IVR). */
  kept: QueuedCallRepository;
  /** A waiting call Redis lost, as the ledger last had it (read only after a Redis loss). */
  lostCall: (callSid: string) => Promise<QueuedCall | undefined>;
  /** Callers on hold: the end of an agent leg during a hold is not the end of the call. */
  holds: HoldRepository;
  states: AgentStates;
  ledger: RoutingLedger;
  catalogue: Catalogue;
  queues: Queues;
  twilio: TwilioClient;
  events: LiveEvents;
  clock: Clock;
  logger: Logger;
  urls: AgentUrls;
  settings: Config['agents'];
  /** Whether the provider has queues of its own (dequeue a member) or the call is re-pointed over REST. */
  telephony: Pick<TelephonyProfile, 'queues' | 'dialLegCallbacks' | 'dialExtras'>;
  /** Where each agent's phone rings. */
  phoneOf: AgentPhones;
  /**
   * What the caller hears once an answered call's agent leg ended (the 好差评 menu of the evaluations), or undefined to hang up:
   * a port given at construction.
   */
  afterAnswered?: {
    offer(
      callSid: string,
      agentId: string,
      callerStatus: string,
      /** The hotline the caller dialled, as routing keeps it; undefined when routing does not know. */
      hotline?: string | null,
    ): Promise<VoiceResponse | undefined>;
  };
  /**
   * The conference the caller joins when the agent's leg left the Dial for a conference bridge (a
   * supervisor's 监听, 耳语 or 强插), or undefined when the call is not bridged: a port given at construction.
   */
  bridged?: (callSid: string, agentId: string) => Promise<string | undefined>;
  /** Where routing meets callbacks: requests wait in the same lists, and routing tells callbacks what it did with them. */
  callbacks: CallbackPort;
}

/**
 * The one port between routing and callbacks. Routing holds callback requests in its wait lists
 * as `cb:{id}` members and tells the callbacks component, through this, when one is reserved,
 * when a reservation lapsed, and when a caller left a queue (perhaps for a callback).
 */
export interface CallbackPort {
  /** An agent was reserved for a callback request: start its attempt. */
  reserved(reservation: Reservation): Promise<void>;
  /** A reserved callback was not placed in time: the request goes back in its place. */
  timedOut(reservation: Reservation): Promise<void>;
  /** Due requests of open halls join the wait lists (after a caller left a queue, after a rebuild); returns how many. */
  admitDue(): Promise<number>;
  /** After a Redis loss: requests whose outbound call was being set up wait again, unless their agent is on it; returns how many. */
  restoreDialing(): Promise<number>;
}

/** The ACD: matches waiting calls with free agents the moment either appears, and follows each offer through Twilio. */
export interface Routing extends CallRouting {
  /** An agent became available: give them the best waiting call, if any. */
  agentFree(agentId: string): Promise<void>;
  /** Try to match a waiting call now. */
  routeCall(callSid: string): Promise<void>;
  escalate(callSid: string, fromTarget: number): Promise<void>;
  offerTimedOut(callSid: string, agentId: string, version: number): Promise<void>;
  retryOffer(callSid: string, agentId: string, attempt?: number): Promise<void>;
  /**
   * TwiML for a dequeued caller: ring the agent. `place`: the caller's place as the connect URL
   * carries it (routing-place.ts), for a caller Redis lost meanwhile.
   */
  connect(agentId: string, callSid: string, place?: QueuedCall): Promise<VoiceResponse>;
  /** The agent leg's status callback; `leg` > 0 for the leg of a resume after a hold. */
  agentLegStatus(agentId: string, callSid: string, callStatus: string, leg?: number): Promise<void>;
  /** The Dial action: the agent leg ended (`leg` > 0: the leg of a resume after a hold). */
  dialEnded(
    agentId: string,
    callSid: string,
    dialStatus: string,
    callerStatus: string,
    leg?: number,
    place?: QueuedCall,
  ): Promise<VoiceResponse>;
  /** The caller's call ended: a call still waiting (or held) leaves routing; an offer under way is settled by its Dial action or timeout. */
  callerGone(callSid: string): Promise<void>;
  /** TwiML that puts a caller back to wait (a transfer): the provider's queue, or the service's own wait loop. */
  waitAgain(callSid: string, ivr: IvrQueue): VoiceResponse;
  /** Routing's wait URL for callers it put back in a queue. */
  queueWait(
    callSid: string,
    queueSid: string,
    ivr: IvrQueue,
    place?: QueuedCall,
  ): Promise<VoiceResponse>;
  /** Frees an agent held for an offer that did not go ahead, keeping their idle time. */
  releaseAgent(agentId: string, version: number): Promise<void>;
  /** Counts a missed offer: the agent goes to the back of the idle line, or on break after N in a row. */
  missedOffer(agentId: string, callSid: string): Promise<void>;
  /**
   * Starts wrap-up after a call, timed per department; `reason` when it is not the call's normal
   * end. The end of the agent's call waits in Redis for the end of wrap-up (see
   * `AgentStates.transitionHeld`). False when no wrap-up began.
   */
  startWrapUp(
    agentId: string,
    callSid: string,
    skill: string | null,
    reason?: string,
  ): Promise<boolean>;
}
