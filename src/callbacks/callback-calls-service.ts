import type { CallbackRequests } from './callback-requests-service.js';
import type { CallLedger } from '../calls/index.js';
import type { WorkCalendar } from '../calendar/index.js';
import type { Catalogue } from '../catalogue/index.js';
import type { Clock } from '../platform/clock.js';
import type { Config } from '../platform/config.js';
import { AppError, ConflictError, NotFoundError } from '../platform/errors.js';
import { maskPhone, type Logger } from '../platform/logger.js';
import type { Queues } from '../platform/queues.js';
import type { TelephonyProfile } from '../platform/telephony-profile.js';
import type { TwilioClient } from '../platform/twilio-client.js';
import type { VoiceResponse } from '../platform/twiml.js';
import {
  CALLBACK_MEMBER,
  dialString,
  waitScore,
  type AgentCalls,
  type AgentPhones,
  type AgentStates,
  type CallbackPort,
  type Reservation,
  type Routing,
  type RoutingRepository,
} from '../routing/index.js';
import {
  callbackDialTwiml,
  callbackUnreachedTwiml,
  hangupTwiml,
  type CallbackUrls,
} from './callback-twiml.js';

const member = (requestId: number) => `${CALLBACK_MEMBER}${requestId}`;
const FAILED_LEG = new Set(['no-answer', 'busy', 'failed', 'canceled']);

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
}

/** Who asks to place a callback: its agent, an agent of its department, or a supervisor. */
export interface CallbackActor {
  userId: string;
  skills: readonly string[];
  supervisor: boolean;
}

export function createCallbacks(deps: {
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
}): Callbacks {
  const {
    requests,
    store,
    states,
    routing,
    ledger,
    catalogue,
    calendar,
    queues,
    twilio,
    clock,
    urls,
    voice,
    settings,
    agentCalls,
  } = deps;
  const log = deps.logger.child({ component: 'callbacks' });
  const allSkills = catalogue.halls.flatMap((hall) => hall.departments.map((d) => d.id));

  async function giveBack(requestId: number, agentId: string, attempts: number): Promise<void> {
    await requests.giveBack(requestId, attempts);
    await store.requeue(member(requestId), agentId);
  }

  async function schedulePlace(requestId: number, agentId: string, version: number): Promise<void> {
    await queues.add(
      'callback-place',
      { requestId, agentId, version },
      { jobId: `callback-place-${requestId}-${agentId}-${version}`, attempts: 1 },
    );
    // If no worker places it (or the agent's phone never rings), the agent must not stay reserved.
    await queues.add(
      'routing-offer-timeout',
      { callSid: member(requestId), agentId, version },
      {
        jobId: `offer-timeout-cb${requestId}-${agentId}-${version}`,
        delay: (settings.offerTimeoutSeconds + 60) * 1000,
        attempts: 3,
      },
    );
  }

  const placing = (requestId: number) => ({ requestId, status: 'placing' as const });
  const reservedFor = async (agentId: string, requestId: number) => {
    const agent = await store.agent(agentId);
    return agent.state === 'reserved' && agent.callSid === member(requestId);
  };

  const callbacks: Callbacks = {
    async restoreDialing() {
      let restored = 0;
      for (const request of await requests.dialing(1000)) {
        const agent = request.agentId ? await store.agent(request.agentId) : undefined;
        if (agent?.state === 'on_call') continue;
        if (await requests.giveBack(request.id, Math.max(0, request.attempts - 1))) restored += 1;
      }
      return restored;
    },

    async admitDue() {
      const now = clock.now();
      const due = await requests.due(allSkills, now, 1000);
      let admitted = 0;
      for (const request of due) {
        const open = calendar.openAt(request.hallId, now).open;
        const routed = await store.call(member(request.id));
        if (!open) {
          if (routed?.state === 'waiting') await store.leave(member(request.id));
          continue;
        }
        const target = {
          skills: [request.skill],
          priority: request.priority,
          timeoutSeconds: null,
        };
        if (
          await store.enqueue(
            member(request.id),
            waitScore(request.priority, request.queuedAt.getTime()),
            [target],
            'waiting',
            now.getTime(),
          )
        )
          admitted += 1;
        await routing.routeCall(member(request.id));
      }
      return admitted;
    },

    async reserved({ callSid, agentId, version }) {
      const requestId = Number(callSid.slice(CALLBACK_MEMBER.length));
      const started = await requests.take(requestId, agentId);
      if (!started) {
        await store.leave(callSid);
        await routing.releaseAgent(agentId, version);
        return;
      }
      await schedulePlace(requestId, agentId, version);
    },

    async placeNow(requestId, actor) {
      const agentId = actor.userId;
      const request = await requests.find(requestId);
      if (!request) throw new NotFoundError(`no such callback request: ${requestId}`);
      if (
        !actor.supervisor &&
        request.agentId !== agentId &&
        !actor.skills.includes(request.skill)
      ) {
        throw new AppError(
          'only an agent of its department, the agent who took it, or a supervisor may place this callback',
          403,
          'not_your_callback',
        );
      }
      if (request.status === 'dialing') {
        if (request.agentId === agentId && (await reservedFor(agentId, requestId)))
          return placing(requestId);
        throw new ConflictError('this callback is being placed already', 'callback_in_progress');
      }
      if (request.status !== 'pending')
        throw new ConflictError(`this callback is ${request.status}`, 'callback_closed');
      const agent = await store.agent(agentId);
      if (agent.state !== 'available') {
        if (await reservedFor(agentId, requestId)) return placing(requestId);
        throw new ConflictError(
          `the agent is ${agent.state}; a callback is placed by an available agent`,
          'agent_not_available',
        );
      }
      const reserved = await states.transition({
        agentId,
        from: ['available'],
        expectedVersion: agent.version,
        to: 'reserved',
        reason: 'callback-placed-now',
        callSid: member(requestId),
      });
      if (!reserved.ok) {
        // Two clicks at once: the one that reserved the agent places the call.
        if (await reservedFor(agentId, requestId)) return placing(requestId);
        throw new ConflictError("the agent's state changed meanwhile", 'agent_not_available');
      }
      const taken = await requests.take(requestId, agentId);
      if (!taken) {
        await routing.releaseAgent(agentId, reserved.version);
        throw new ConflictError('this callback was taken meanwhile', 'callback_in_progress');
      }
      // Out of the wait lists: routing offers it to nobody else (an offer racing this one finds it taken and frees its agent).
      await store.leave(member(requestId));
      await schedulePlace(requestId, agentId, reserved.version);
      log.info({ requestId, agentId, attempt: taken.attempts }, 'callback placed now by the agent');
      return placing(requestId);
    },

    async timedOut({ callSid, agentId, version }) {
      const requestId = Number(callSid.slice(CALLBACK_MEMBER.length));
      const request = await callbackRequestOrNull(requestId);
      await giveBack(requestId, agentId, Math.max(0, (request?.attempts ?? 1) - 1));
      await routing.releaseAgent(agentId, version);
      await routing.routeCall(callSid);
    },

    async place(requestId, agentId, version) {
      const request = await requests.find(requestId);
      const agent = await store.agent(agentId);
      if (
        !request ||
        request.status !== 'dialing' ||
        agent.state !== 'reserved' ||
        agent.version !== version
      )
        return;
      try {
        const phone = await deps.phoneOf(agentId);
        if (!phone)
          throw new Error(
            'the agent has no phone this provider can ring (no SIP address, no desk number)',
          );
        const to = dialString(phone);
        const call = await twilio.calls.create({
          to,
          from: request.hotlineNumber,
          url: urls.connect(requestId, agentId),
          method: 'POST',
          statusCallback: urls.status(requestId, agentId),
          statusCallbackMethod: 'POST',
          statusCallbackEvent: ['completed'],
          timeout: settings.offerTimeoutSeconds,
        });
        const hotline = catalogue.hotline(request.hotlineNumber);
        await ledger.recordArrival({
          callSid: call.sid,
          from: request.hotlineNumber,
          to,
          direction: 'outbound',
          hotline: hotline
            ? { number: hotline.number, hall: hotline.hall, department: request.skill }
            : undefined,
          payload: { callbackRequestId: requestId },
        });
        log.info(
          { requestId, agentId, agentCallSid: call.sid, phone: maskPhone(request.phone) },
          'callback: ringing the agent',
        );
      } catch (error) {
        log.warn(
          { requestId, agentId, err: (error as Error).message },
          'callback: could not ring the agent',
        );
        await giveBack(requestId, agentId, request.attempts - 1);
        await routing.releaseAgent(agentId, version);
      }
    },

    async agentAnswered(requestId, agentId, agentCallSid) {
      const request = await callbackRequestOrNull(requestId);
      const result = await states.transition({
        agentId,
        from: ['reserved'],
        expectedCall: member(requestId),
        to: 'on_call',
        callSid: agentCallSid,
      });
      if (!request || !result.ok) return hangupTwiml();
      await store.leave(member(requestId));
      await store.resetMissed(agentId);
      await ledger.markAnswered(agentCallSid, { agentId, skill: request.skill });
      await agentCalls.answered({
        callSid: agentCallSid,
        agentId,
        skill: request.skill,
        answeredAt: clock.now(),
      });
      return callbackDialTwiml(
        urls,
        voice,
        requestId,
        agentId,
        request.hotlineNumber,
        request.phone,
        30,
        deps.dial,
      );
    },

    async citizenLegEnded(requestId, agentId, agentCallSid, dialStatus, dialCallSid) {
      const request = await callbackRequestOrNull(requestId);
      if (!request) return hangupTwiml();
      if (dialStatus === 'completed' || dialStatus === 'answered') {
        await requests.complete(requestId, dialCallSid ?? null);
        await routing.startWrapUp(agentId, agentCallSid, request.skill);
        log.info({ requestId, agentId }, 'callback completed');
        return hangupTwiml();
      }
      const givingUp = request.attempts >= settings.callbackMaxAttempts;
      await requests.unreached(requestId, {
        givingUp,
        notBefore: new Date(clock.now().getTime() + settings.callbackRetrySeconds * 1000),
      });
      log.info(
        { requestId, attempts: request.attempts, dialStatus, givingUp },
        givingUp ? 'callback given up' : 'callback will be retried',
      );
      const freed = await states.transition({
        agentId,
        from: ['on_call'],
        expectedCall: agentCallSid,
        to: 'available',
        reason: 'callback-unreached',
        resetIdle: true,
        callSid: '',
      });
      if (freed.ok) await routing.agentFree(agentId);
      return callbackUnreachedTwiml(voice);
    },

    async agentLegStatus(requestId, agentId, callStatus) {
      if (!FAILED_LEG.has(callStatus)) return;
      const agent = await store.agent(agentId);
      if (agent.state !== 'reserved' || agent.callSid !== member(requestId)) return;
      const request = await callbackRequestOrNull(requestId);
      // The agent is set aside while the request is still theirs, so they are not handed it straight back.
      await routing.missedOffer(agentId, member(requestId));
      await giveBack(requestId, agentId, Math.max(0, (request?.attempts ?? 1) - 1));
      await routing.routeCall(member(requestId));
    },
  };
  return callbacks;

  async function callbackRequestOrNull(requestId: number) {
    return (await requests.find(requestId)) ?? null;
  }
}
