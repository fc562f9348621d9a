import { queuedCallOf, type CallLedger, type CallRouting } from '../calls/index.js';
import type { Catalogue } from '../catalogue/index.js';
import type { Clock } from '../platform/clock.js';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db.js';
import type { Logger } from '../platform/logger.js';
import type { Queues } from '../platform/queues.js';
import type { TelephonyProfile } from '../platform/telephony-profile.js';
import type { TwilioClient } from '../platform/twilio-client.js';
import type { VoiceResponse } from '../platform/twiml.js';
import './agents-jobs-payloads.js';
import type { AgentPhones } from './agent-phone.js';
import type { LiveEvents } from './agents-events.js';
import * as repo from './agents-repository.js';
import { connectAgentTwiml, hangupTwiml, requeueTwiml, toHoldTwiml, toIvrWaitTwiml, type AgentUrls, type IvrQueue } from './agents-twiml.js';
import type { HoldRepository } from './hold-repository.js';
import { ivrQueueOf } from './routing-targets.js';
import { recordReservation, type AgentStates } from './agent-state-service.js';
import { waitScore, type Reservation, type RoutingRepository } from './routing-repository.js';
import { routingTargets } from './routing-targets.js';

/** One wrap-up per agent, call and state version: an agent may handle the same call twice (a transfer back). */
export const wrapUpJobId = (agentId: string, callSid: string, version: number) => `wrap-up-${agentId}-${callSid}-${version}`;

/** Dequeue attempts for one offer cycle; after the last the caller waits for Twilio's next wait poll. */
export const MAX_DEQUEUE_ATTEMPTS = 6;
/** Delay before the next dequeue attempt: 1 s, doubling, at most 30 s. */
export const dequeueRetryDelay = (attempt: number) => Math.min(1000 * 2 ** attempt, 30_000);

/** One escalation per call, routing epoch and target: a rebuild after a Redis loss never doubles it. */
export const escalationJobId = (callSid: string, epoch: number, target: number) => `routing-escalate-${callSid}-${epoch}-${target}`;

/** After-call work for a department's call, in seconds. */
export const wrapUpSecondsFor = (settings: Config['agents'], skill: string | null) => (skill ? settings.wrapUpSecondsByDepartment[skill] : undefined) ?? settings.wrapUpSeconds;

/** Enqueue results Twilio reports when routing's own REST dequeue took the caller out of the queue. */
const OUR_DEQUEUE_RESULTS = new Set(['redirected', 'bridged']);

/** Callback requests ride in the same wait lists as calls, as `cb:{id}`. */
export const CALLBACK_MEMBER = 'cb:';

export interface RoutingDeps {
  db: Database;
  store: RoutingRepository;
  /** Callers on hold: the end of an agent leg during a hold is not the end of the call. */
  holds: HoldRepository;
  states: AgentStates;
  ledger: CallLedger;
  catalogue: Catalogue;
  queues: Queues;
  twilio: TwilioClient;
  events: LiveEvents;
  clock: Clock;
  logger: Logger;
  urls: AgentUrls;
  settings: Config['agents'];
  /** Whether the provider has queues of its own (dequeue a member) or the call is re-pointed over REST. */
  telephony: Pick<TelephonyProfile, 'queues' | 'dialLegCallbacks'>;
  /** Where each agent's phone rings. */
  phoneOf: AgentPhones;
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
  /** TwiML for a dequeued caller: ring the agent. */
  connect(agentId: string, callSid: string): Promise<VoiceResponse>;
  /** The agent leg's status callback; `leg` > 0 for the leg of a resume after a hold. */
  agentLegStatus(agentId: string, callSid: string, callStatus: string, leg?: number): Promise<void>;
  /** The Dial action: the agent leg ended (`leg` > 0: the leg of a resume after a hold). */
  dialEnded(agentId: string, callSid: string, dialStatus: string, callerStatus: string, leg?: number): Promise<VoiceResponse>;
  /** The caller's call ended: a call still waiting (or held) leaves routing; an offer under way is settled by its Dial action or timeout. */
  callerGone(callSid: string): Promise<void>;
  /** TwiML that puts a caller back to wait (a transfer): the provider's queue, or the service's own wait loop. */
  waitAgain(callSid: string, ivr: IvrQueue): VoiceResponse;
  /** Routing's wait URL for callers it put back in a queue. */
  queueWait(callSid: string, queueSid: string, ivr: IvrQueue): Promise<VoiceResponse>;
  /** Frees an agent held for an offer that did not go ahead, keeping their idle time. */
  releaseAgent(agentId: string, version: number): Promise<void>;
  /** Counts a missed offer: the agent goes to the back of the idle line, or on break after N in a row. */
  missedOffer(agentId: string, callSid: string): Promise<void>;
  /** Starts wrap-up after a call, timed per department; `reason` when it is not the call's normal end. */
  startWrapUp(agentId: string, callSid: string, skill: string | null, reason?: string): Promise<void>;
  /** Hook for reserved callbacks, set by the callbacks service. */
  onCallbackReserved?: (reservation: Reservation) => Promise<void>;
  /** Hook when a reserved callback was not placed in time, set by the callbacks service. */
  onCallbackTimedOut?: (reservation: Reservation) => Promise<void>;
  /** Hook after a call left its queue (it may have left for a callback), set by the callbacks service. */
  afterCallLeft?: (callSid: string, result: string) => Promise<void>;
  /** Hook when an answered call's agent leg ended, set by the evaluations: TwiML for the caller (the 好差评 menu), or undefined to hang up. */
  afterAnswered?: (callSid: string, agentId: string, callerStatus: string) => Promise<VoiceResponse | undefined>;
}

export function createRouting(deps: RoutingDeps): Routing {
  const { db, store, holds, states, ledger, catalogue, queues, twilio, events, clock, urls, settings, phoneOf } = deps;
  const providerQueues = deps.telephony.queues;
  const requeue = (callSid: string, call: Parameters<typeof ivrQueueOf>[1]) => requeueTwiml(urls, callSid, ivrQueueOf(catalogue, call), providerQueues);
  const log = deps.logger.child({ component: 'routing' });
  const now = () => clock.now().getTime();

  async function offer(reservation: Reservation, attempt = 0): Promise<void> {
    if (reservation.callSid.startsWith(CALLBACK_MEMBER)) {
      await recordReservation({ db, events, clock }, reservation);
      if (routing.onCallbackReserved) await routing.onCallbackReserved(reservation);
      else await routing.releaseAgent(reservation.agentId, reservation.version);
      return;
    }
    const { callSid, agentId, version } = reservation;
    const call = await ledger.find(callSid);
    if (!call || call.endedAt || (providerQueues && !call.twilioQueueSid)) {
      await recordReservation({ db, events, clock }, reservation);
      log.warn({ callSid, agentId }, 'offered call is gone; freeing the agent');
      await store.leave(callSid);
      await routing.releaseAgent(agentId, version);
      return;
    }
    // The timeout is scheduled before the dequeue so that an agent is never left reserved if this process dies here.
    await queues.add(
      'routing-offer-timeout',
      { callSid, agentId, version },
      { jobId: `offer-timeout-${callSid}-${agentId}-${version}`, delay: (settings.offerTimeoutSeconds + 15) * 1000, attempts: 3 },
    );
    try {
      // Without provider queues the caller is in the service's own wait loop: the live call is re-pointed.
      if (providerQueues) await twilio.queues(call.twilioQueueSid!).members(callSid).update({ url: urls.connect(agentId, callSid), method: 'POST' });
      else await twilio.calls(callSid).update({ url: urls.connect(agentId, callSid), method: 'POST' });
    } catch (error) {
      // The caller is not (yet) in the Twilio queue, or Twilio's API is unreachable: the call keeps its
      // place, is held out of matching (so the agent is not offered it again at once), and is tried
      // again with backoff; after the last attempt it waits for Twilio's next wait poll.
      const last = attempt + 1 >= MAX_DEQUEUE_ATTEMPTS;
      log.warn({ callSid, agentId, attempt: attempt + 1, last, err: (error as Error).message }, 'dequeue failed');
      await recordReservation({ db, events, clock }, reservation);
      await store.hold(callSid, agentId);
      await events.publish('supervisors', { type: 'queue', skill: call.queueSkill ?? '', callSid, change: 'requeued', at: clock.now().toISOString() });
      if (!last) {
        await queues.add('routing-retry', { callSid, agentId, attempt: attempt + 1 }, { jobId: `routing-retry-${callSid}-${agentId}-${version}`, delay: dequeueRetryDelay(attempt), attempts: 3 });
      }
      await routing.releaseAgent(agentId, version);
      return;
    }
    log.info({ callSid, agentId, offers: reservation.offers }, 'call offered to agent');
    // Logged after the dequeue: the caller should not wait on bookkeeping.
    await recordReservation({ db, events, clock }, reservation);
    await ledger.markOffered(callSid, agentId);
    await ledger.recordEvent(callSid, 'agent', 'offered', `offered:${reservation.offers}`, { agentId });
  }

  async function scheduleEscalation(callSid: string, epoch: number, target: number, timeoutSeconds: number | null): Promise<void> {
    if (timeoutSeconds === null) return;
    // The epoch (when this routing of the call began) keeps a transferred call's jobs apart from its earlier ones.
    await queues.add('routing-escalate', { callSid, target }, { jobId: escalationJobId(callSid, epoch, target), delay: timeoutSeconds * 1000, attempts: 3 });
  }

  const routing: Routing = {
    async callQueued(call) {
      const { callSid } = call;
      // Routing owns the Twilio queue of a waiting call: it dequeues the caller from it.
      if (call.queueSid) await ledger.recordQueueSid(callSid, call.queueSid);
      const targets = routingTargets(catalogue, { queueSkill: call.skill, priority: call.priority, commissionerId: call.preferredAgent }, settings);
      const score = waitScore(call.priority, call.queuedAt.getTime());
      const epoch = now();
      if (await store.enqueue(callSid, score, targets, 'waiting', epoch)) {
        await events.publish('supervisors', { type: 'queue', skill: call.skill, callSid, change: 'queued', at: clock.now().toISOString() });
        await scheduleEscalation(callSid, epoch, 0, targets[0]!.timeoutSeconds);
      }
      await routing.routeCall(callSid);
    },

    async callLeftQueue(callSid, result) {
      // Dequeued by routing itself: the offer is followed through the agent webhooks, not ended here.
      if (OUR_DEQUEUE_RESULTS.has(result) && (await store.call(callSid))?.state === 'offered') return;
      const left = await store.leave(callSid);
      if (routing.afterCallLeft) await routing.afterCallLeft(callSid, result);
      if (!left) return;
      log.info({ callSid, result, state: left.state }, 'call left the queue');
      if (left.state === 'offered' && left.agentId) {
        const agent = await store.agent(left.agentId);
        if (agent.state === 'reserved' && agent.callSid === callSid) await routing.releaseAgent(left.agentId, agent.version);
      }
      const call = await ledger.find(callSid);
      await events.publish('supervisors', { type: 'queue', skill: call?.queueSkill ?? '', callSid, change: 'left', at: clock.now().toISOString() });
    },

    async agentFree(agentId) {
      const reservation = await store.matchAgent(agentId, now());
      if (reservation) await offer(reservation);
    },

    async routeCall(callSid) {
      for (const reservation of await store.matchCall(callSid, now())) await offer(reservation);
    },

    async escalate(callSid, fromTarget) {
      const routed = await store.call(callSid);
      const next = routed?.targets[fromTarget + 1];
      if (!routed || !next) return;
      const call = callSid.startsWith(CALLBACK_MEMBER) ? undefined : await ledger.find(callSid);
      const score = call ? waitScore(next.priority, (call.queuedAt ?? clock.now()).getTime()) : routed.score;
      if (!(await store.widen(callSid, fromTarget, fromTarget + 1, next.skills, score))) return;
      log.info({ callSid, target: fromTarget + 1, skills: next.skills }, 'call escalated to a wider target');
      await events.publish('supervisors', { type: 'queue', skill: call?.queueSkill ?? '', callSid, change: 'escalated', at: clock.now().toISOString() });
      await scheduleEscalation(callSid, routed.epoch, fromTarget + 1, next.timeoutSeconds);
      await routing.routeCall(callSid);
    },

    async offerTimedOut(callSid, agentId, version) {
      const agent = await store.agent(agentId);
      if (agent.state !== 'reserved' || agent.version !== version) return;
      if (callSid.startsWith(CALLBACK_MEMBER)) {
        log.warn({ callSid, agentId }, 'callback was not placed in time; giving it back');
        if (routing.onCallbackTimedOut) await routing.onCallbackTimedOut({ callSid, agentId, version, offers: 0 });
        return;
      }
      log.warn({ callSid, agentId }, 'offer got no answer from Twilio in time; putting the call back');
      await store.requeue(callSid, agentId);
      await routing.releaseAgent(agentId, version);
      await routing.routeCall(callSid);
    },

    async retryOffer(callSid, agentId, attempt = 0) {
      const call = await ledger.find(callSid);
      if (!call || call.endedAt) {
        await store.leave(callSid);
        return;
      }
      if (!(await store.requeue(callSid, agentId))) return;
      for (const reservation of await store.matchCall(callSid, now())) await offer(reservation, attempt);
    },

    async connect(agentId, callSid) {
      const routed = await store.call(callSid);
      const agent = await store.agent(agentId);
      if (routed?.state === 'offered' && routed.agentId === agentId && agent.state === 'reserved' && agent.callSid === callSid) {
        const phone = await phoneOf(agentId);
        if (phone) return connectAgentTwiml(urls, agentId, callSid, phone, settings.offerTimeoutSeconds, settings.callMaxSeconds);
        // The provider cannot ring this agent (no SIP address, no desk phone): a missed offer, the caller keeps their place.
        log.warn({ callSid, agentId }, 'agent has no phone this provider can ring; counted as a missed offer');
        await routing.missedOffer(agentId, callSid);
        await store.hold(callSid, agentId);
        return requeue(callSid, await ledger.find(callSid));
      }
      // A stale offer (timed out, or the agent was freed): back to the queue, in the same place.
      log.warn({ callSid, agentId }, 'connect for an offer that no longer holds; requeueing');
      const call = await ledger.find(callSid);
      if (routed?.state === 'offered') await store.hold(callSid, routed.agentId);
      return requeue(callSid, call);
    },

    async agentLegStatus(agentId, callSid, callStatus, leg = 0) {
      const hold = await holds.read(callSid);
      // A leg that ended because its caller went on hold (or an earlier leg of a resumed call) is not the call's end.
      if (hold?.agentId === agentId && (hold.since > 0 || leg < hold.leg)) return;
      // A resumed leg: the agent was on this call all along.
      if (leg > 0) return;
      if (callStatus === 'completed') {
        // Normally the Dial action starts wrap-up; this covers an action request that never came.
        const agent = await store.agent(agentId);
        if (agent.state === 'on_call' && agent.callSid === callSid) await routing.startWrapUp(agentId, callSid, (await ledger.find(callSid))?.queueSkill ?? null);
        return;
      }
      if (callStatus !== 'in-progress' && callStatus !== 'answered') return;
      const result = await states.transition({ agentId, from: ['reserved'], to: 'on_call', expectedCall: callSid });
      if (!result.ok) {
        log.warn({ callSid, agentId, state: result.from }, 'agent answered an offer that no longer holds');
        return;
      }
      await store.leave(callSid);
      await store.resetMissed(agentId);
      const call = await ledger.find(callSid);
      await ledger.markAnswered(callSid, { agentId });
      await ledger.recordEvent(callSid, 'agent', 'answered', `answered:${agentId}`, { agentId });
      await repo.insertAgentCall(db, { callSid, agentId, skill: call?.queueSkill ?? null, answeredAt: clock.now() });
      await events.publish('supervisors', { type: 'queue', skill: call?.queueSkill ?? '', callSid, change: 'answered', at: clock.now().toISOString() });
    },

    async dialEnded(agentId, callSid, dialStatus, callerStatus, leg = 0) {
      const call = await ledger.find(callSid);
      let agent = await store.agent(agentId);
      const hold = await holds.read(callSid);
      if (hold?.agentId === agentId && (hold.since > 0 || leg < hold.leg)) {
        // Twilio requests the action when a hold moves the caller to new TwiML, and ignores what it is answered.
        log.info({ callSid, agentId, leg }, 'agent leg ended for a hold; the call goes on');
        return toHoldTwiml(urls, callSid);
      }
      const answered = dialStatus === 'completed' || dialStatus === 'answered';
      if (leg > 0 && !answered) {
        const callerLeft = callerStatus === 'completed' || callerStatus === 'canceled' || Boolean(call?.endedAt);
        if (!callerLeft && agent.state === 'on_call' && agent.callSid === callSid && (await holds.start(callSid, agentId, now(), settings.callMaxSeconds))) {
          // The agent did not pick the resumed call up: the caller waits on hold again.
          await ledger.recordEvent(callSid, 'agent', 'hold-started', `hold-started:${now()}`, { agentId, reason: 'resume-unanswered' });
          log.warn({ callSid, agentId, dialStatus }, 'resumed call not answered; caller back on hold');
          return toHoldTwiml(urls, callSid);
        }
        if (agent.state === 'on_call' && agent.callSid === callSid) await routing.startWrapUp(agentId, callSid, call?.queueSkill ?? null);
        return hangupTwiml();
      }
      if (answered && !deps.telephony.dialLegCallbacks && agent.state === 'reserved' && agent.callSid === callSid) {
        // No status of the agent's leg came (the provider posts none): the Dial's result says the agent answered.
        await routing.agentLegStatus(agentId, callSid, 'answered');
        agent = await store.agent(agentId);
      }
      if (answered) {
        if (agent.state === 'on_call' && agent.callSid === callSid) await routing.startWrapUp(agentId, callSid, call?.queueSkill ?? null);
        return (await routing.afterAnswered?.(callSid, agentId, callerStatus)) ?? hangupTwiml();
      }
      const callerGone = callerStatus === 'completed' || callerStatus === 'canceled' || Boolean(call?.endedAt);
      if (callerGone) {
        await routing.callLeftQueue(callSid, 'hangup');
        return hangupTwiml();
      }
      // No answer, busy or failed: the caller keeps their place and the agent is set aside.
      if (agent.state === 'reserved' && agent.callSid === callSid) await routing.missedOffer(agentId, callSid);
      // Held until Twilio requests the wait URL, so that no dequeue races the caller's return to the queue.
      await store.hold(callSid, agentId);
      await events.publish('supervisors', { type: 'queue', skill: call?.queueSkill ?? '', callSid, change: 'requeued', at: clock.now().toISOString() });
      return requeue(callSid, call);
    },

    async queueWait(callSid, queueSid, ivr) {
      const known = await ledger.find(callSid);
      if (known && queueSid && known.twilioQueueSid !== queueSid) await ledger.recordQueueSid(callSid, queueSid);
      // The caller is in the Twilio queue now, so a dequeue cannot miss them. A call Redis lost joins routing again in its original place.
      const queued = known && queuedCallOf(known, queueSid || undefined);
      if (!(await store.requeue(callSid, '')) && !(await store.call(callSid)) && queued) await routing.callQueued(queued);
      await routing.routeCall(callSid);
      return toIvrWaitTwiml(urls, ivr);
    },

    async callerGone(callSid) {
      const routed = await store.call(callSid);
      if (!routed || routed.state === 'offered') return;
      await routing.callLeftQueue(callSid, 'hangup');
    },

    waitAgain: (callSid, ivr) => requeueTwiml(urls, callSid, ivr, providerQueues),

    standing: (callSid, skill) => store.standing(callSid, skill, now()),

    async releaseAgent(agentId, version) {
      const result = await states.transition({ agentId, from: ['reserved'], expectedVersion: version, to: 'available', reason: 'offer-released', callSid: '' });
      if (result.ok) await routing.agentFree(agentId);
    },

    async missedOffer(agentId, callSid) {
      const missed = await store.incrementMissed(agentId);
      if (missed >= settings.maxMissedOffers) {
        const result = await states.transition({ agentId, from: ['reserved'], expectedCall: callSid, to: 'break', reason: 'missed-offers', callSid: '' });
        if (result.ok) {
          const message = `agent ${agentId} missed ${missed} offers in a row and was put on break`;
          log.warn({ agentId, missed }, message);
          await events.publish('supervisors', { type: 'alert', agentId, message, at: clock.now().toISOString() });
        }
        return;
      }
      // Set aside: back of the idle line, so the next offer goes to someone else first.
      const result = await states.transition({ agentId, from: ['reserved'], expectedCall: callSid, to: 'available', reason: 'missed-offer', resetIdle: true, callSid: '' });
      if (result.ok) await routing.agentFree(agentId);
    },

    async startWrapUp(agentId, callSid, skill, reason) {
      const result = await states.transition({ agentId, from: ['on_call'], expectedCall: callSid, to: 'wrap_up', ...(reason ? { reason } : {}) });
      if (!result.ok) return;
      const holdSince = await holds.clear(callSid, agentId);
      if (holdSince) {
        // Still on hold when the agent left the call (a transfer, CALL_MAX_MINUTES): the hold ends here.
        await ledger.recordEvent(callSid, 'agent', 'hold-ended', `hold-ended:${holdSince}`, { agentId, seconds: Math.max(0, Math.round((now() - holdSince) / 1000)), reason: reason ?? 'wrap-up' });
      }
      await result.recorded;
      await repo.updateAgentCall(db, callSid, agentId, { endedAt: clock.now() });
      await queues.add('agent-wrap-up-end', { agentId, callSid }, { jobId: wrapUpJobId(agentId, callSid, result.version), delay: wrapUpSecondsFor(settings, skill) * 1000, attempts: 5 });
    },
  };
  return routing;
}
