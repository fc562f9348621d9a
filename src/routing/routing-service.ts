import './routing-jobs-payloads.js';
import * as repo from './agent-calls-repository.js';
import { recordReservation } from './agent-state-service.js';
import {
  CALLBACK_MEMBER,
  dequeueRetryDelay,
  OUR_DEQUEUE_RESULTS,
  escalationJobId,
  MAX_DEQUEUE_ATTEMPTS,
  wrapUpJobId,
  wrapUpSecondsFor,
  type Routing,
  type RoutingDeps,
} from './routing-contract.js';
import type { Reservation } from './routing-repository.js';
import { ivrQueueOf, routingTargets } from './routing-targets.js';
import {
  connectAgentTwiml,
  hangupTwiml,
  requeueTwiml,
  toHoldTwiml,
  toIvrWaitTwiml,
} from './routing-twiml.js';
import { waitScore } from './wait-score.js';

export function createRouting(deps: RoutingDeps): Routing {
  const {
    db,
    store,
    kept,
    holds,
    states,
    ledger,
    catalogue,
    queues,
    twilio,
    events,
    clock,
    urls,
    settings,
    phoneOf,
  } = deps;
  const providerQueues = deps.telephony.queues;
  const requeue = (callSid: string, call: Parameters<typeof ivrQueueOf>[1]) =>
    requeueTwiml(urls, callSid, ivrQueueOf(catalogue, call), providerQueues);
  const log = deps.logger.child({ component: 'routing' });
  const now = () => clock.now().getTime();

  async function offer(reservation: Reservation, attempt = 0): Promise<void> {
    if (reservation.callSid.startsWith(CALLBACK_MEMBER)) {
      await recordReservation({ db, events, clock }, reservation);
      await deps.callbacks.reserved(reservation);
      return;
    }
    const { callSid, agentId, version } = reservation;
    const call = await kept.find(callSid);
    if (!call || call.ended || (providerQueues && !call.queueSid)) {
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
      {
        jobId: `offer-timeout-${callSid}-${agentId}-${version}`,
        delay: (settings.offerTimeoutSeconds + 15) * 1000,
        attempts: 3,
      },
    );
    try {
      // Without provider queues the caller is in the service's own wait loop: the live call is re-pointed.
      if (providerQueues)
        await twilio
          .queues(call.queueSid!)
          .members(callSid)
          .update({ url: urls.connect(agentId, callSid), method: 'POST' });
      else
        await twilio.calls(callSid).update({ url: urls.connect(agentId, callSid), method: 'POST' });
    } catch (error) {
      // The caller is not (yet) in the Twilio queue, or Twilio's API is unreachable: the call keeps its
      // place, is held out of matching (so the agent is not offered it again at once), and is tried
      // again with backoff; after the last attempt it waits for Twilio's next wait poll.
      const last = attempt + 1 >= MAX_DEQUEUE_ATTEMPTS;
      log.warn(
        { callSid, agentId, attempt: attempt + 1, last, err: (error as Error).message },
        'dequeue failed',
      );
      await recordReservation({ db, events, clock }, reservation);
      await store.hold(callSid, agentId);
      await events.publish('supervisors', {
        type: 'queue',
        skill: call.skill,
        callSid,
        change: 'requeued',
        at: clock.now().toISOString(),
      });
      if (!last) {
        await queues.add(
          'routing-retry',
          { callSid, agentId, attempt: attempt + 1 },
          {
            jobId: `routing-retry-${callSid}-${agentId}-${version}`,
            delay: dequeueRetryDelay(attempt),
            attempts: 3,
          },
        );
      }
      await routing.releaseAgent(agentId, version);
      return;
    }
    log.info({ callSid, agentId, offers: reservation.offers }, 'call offered to agent');
    // Logged after the dequeue: the caller should not wait on bookkeeping.
    await recordReservation({ db, events, clock }, reservation);
    await ledger.markOffered(callSid, agentId);
    await ledger.recordEvent(callSid, 'agent', 'offered', `offered:${reservation.offers}`, {
      agentId,
    });
  }

  async function scheduleEscalation(
    callSid: string,
    epoch: number,
    target: number,
    timeoutSeconds: number | null,
  ): Promise<void> {
    if (timeoutSeconds === null) return;
    // The epoch (when this routing of the call began) keeps a transferred call's jobs apart from its earlier ones.
    await queues.add(
      'routing-escalate',
      { callSid, target },
      { jobId: escalationJobId(callSid, epoch, target), delay: timeoutSeconds * 1000, attempts: 3 },
    );
  }

  const routing: Routing = {
    async callQueued(call) {
      const { callSid } = call;
      // Routing owns the Twilio queue of a waiting call: it dequeues the caller from it.
      await kept.keep(call);
      if (call.queueSid) await ledger.recordQueueSid(callSid, call.queueSid);
      const targets = routingTargets(
        catalogue,
        { queueSkill: call.skill, priority: call.priority, commissionerId: call.preferredAgent },
        settings,
      );
      const score = waitScore(call.priority, call.queuedAt.getTime());
      const epoch = now();
      if (await store.enqueue(callSid, score, targets, 'waiting', epoch)) {
        await events.publish('supervisors', {
          type: 'queue',
          skill: call.skill,
          callSid,
          change: 'queued',
          at: clock.now().toISOString(),
        });
        await scheduleEscalation(callSid, epoch, 0, targets[0]!.timeoutSeconds);
      }
      await routing.routeCall(callSid);
    },

    async callLeftQueue(callSid, result) {
      // Dequeued by routing itself: the offer is followed through the agent webhooks, not ended here.
      if (OUR_DEQUEUE_RESULTS.has(result) && (await store.call(callSid))?.state === 'offered')
        return;
      const left = await store.leave(callSid);
      // A caller who leaves the queue for a callback joins the wait list at once, in their place.
      await deps.callbacks.admitDue();
      if (!left) return;
      log.info({ callSid, result, state: left.state }, 'call left the queue');
      if (left.state === 'offered' && left.agentId) {
        const agent = await store.agent(left.agentId);
        if (agent.state === 'reserved' && agent.callSid === callSid)
          await routing.releaseAgent(left.agentId, agent.version);
      }
      const call = await kept.find(callSid);
      await events.publish('supervisors', {
        type: 'queue',
        skill: call?.skill ?? '',
        callSid,
        change: 'left',
        at: clock.now().toISOString(),
      });
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
      const call = callSid.startsWith(CALLBACK_MEMBER) ? undefined : await kept.find(callSid);
      const score = call ? waitScore(next.priority, call.queuedAt.getTime()) : routed.score;
      if (!(await store.widen(callSid, fromTarget, fromTarget + 1, next.skills, score))) return;
      log.info(
        { callSid, target: fromTarget + 1, skills: next.skills },
        'call escalated to a wider target',
      );
      await events.publish('supervisors', {
        type: 'queue',
        skill: call?.skill ?? '',
        callSid,
        change: 'escalated',
        at: clock.now().toISOString(),
      });
      await scheduleEscalation(callSid, routed.epoch, fromTarget + 1, next.timeoutSeconds);
      await routing.routeCall(callSid);
    },

    async offerTimedOut(callSid, agentId, version) {
      const agent = await store.agent(agentId);
      if (agent.state !== 'reserved' || agent.version !== version) return;
      if (callSid.startsWith(CALLBACK_MEMBER)) {
        log.warn({ callSid, agentId }, 'callback was not placed in time; giving it back');
        await deps.callbacks.timedOut({ callSid, agentId, version, offers: 0 });
        return;
      }
      log.warn(
        { callSid, agentId },
        'offer got no answer from Twilio in time; putting the call back',
      );
      await store.requeue(callSid, agentId);
      await routing.releaseAgent(agentId, version);
      await routing.routeCall(callSid);
    },

    async retryOffer(callSid, agentId, attempt = 0) {
      const call = await kept.find(callSid);
      if (!call || call.ended) {
        await store.leave(callSid);
        return;
      }
      if (!(await store.requeue(callSid, agentId))) return;
      for (const reservation of await store.matchCall(callSid, now()))
        await offer(reservation, attempt);
    },

    async connect(agentId, callSid) {
      const routed = await store.call(callSid);
      const agent = await store.agent(agentId);
      if (
        routed?.state === 'offered' &&
        routed.agentId === agentId &&
        agent.state === 'reserved' &&
        agent.callSid === callSid
      ) {
        const phone = await phoneOf(agentId);
        if (phone)
          return connectAgentTwiml(
            urls,
            agentId,
            callSid,
            phone,
            settings.offerTimeoutSeconds,
            settings.callMaxSeconds,
            0,
            deps.telephony,
          );
        // The provider cannot ring this agent (no SIP address, no desk phone): a missed offer, the caller keeps their place.
        log.warn(
          { callSid, agentId },
          'agent has no phone this provider can ring; counted as a missed offer',
        );
        await routing.missedOffer(agentId, callSid);
        await store.hold(callSid, agentId);
        return requeue(callSid, await kept.find(callSid));
      }
      // A stale offer (timed out, or the agent was freed): back to the queue, in the same place.
      log.warn({ callSid, agentId }, 'connect for an offer that no longer holds; requeueing');
      const call = await kept.find(callSid);
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
        if (agent.state === 'on_call' && agent.callSid === callSid)
          await routing.startWrapUp(agentId, callSid, (await kept.find(callSid))?.skill ?? null);
        return;
      }
      if (callStatus !== 'in-progress' && callStatus !== 'answered') return;
      const result = await states.transition({
        agentId,
        from: ['reserved'],
        to: 'on_call',
        expectedCall: callSid,
      });
      if (!result.ok) {
        log.warn(
          { callSid, agentId, state: result.from },
          'agent answered an offer that no longer holds',
        );
        return;
      }
      await store.leave(callSid);
      await store.resetMissed(agentId);
      const call = await kept.find(callSid);
      await kept.answered(callSid, agentId);
      await ledger.markAnswered(callSid, { agentId });
      await ledger.recordEvent(callSid, 'agent', 'answered', `answered:${agentId}`, { agentId });
      await repo.insertAgentCall(db, {
        callSid,
        agentId,
        skill: call?.skill ?? null,
        answeredAt: clock.now(),
      });
      await events.publish('supervisors', {
        type: 'queue',
        skill: call?.skill ?? '',
        callSid,
        change: 'answered',
        at: clock.now().toISOString(),
      });
    },

    async dialEnded(agentId, callSid, dialStatus, callerStatus, leg = 0) {
      const call = await kept.find(callSid);
      let agent = await store.agent(agentId);
      const hold = await holds.read(callSid);
      if (hold?.agentId === agentId && (hold.since > 0 || leg < hold.leg)) {
        // Twilio requests the action when a hold moves the caller to new TwiML, and ignores what it is answered.
        log.info({ callSid, agentId, leg }, 'agent leg ended for a hold; the call goes on');
        return toHoldTwiml(urls, callSid);
      }
      const answered = dialStatus === 'completed' || dialStatus === 'answered';
      if (leg > 0 && !answered) {
        const callerLeft =
          callerStatus === 'completed' || callerStatus === 'canceled' || Boolean(call?.ended);
        if (
          !callerLeft &&
          agent.state === 'on_call' &&
          agent.callSid === callSid &&
          (await holds.start(callSid, agentId, now(), settings.callMaxSeconds))
        ) {
          // The agent did not pick the resumed call up: the caller waits on hold again.
          await ledger.recordEvent(callSid, 'agent', 'hold-started', `hold-started:${now()}`, {
            agentId,
            reason: 'resume-unanswered',
          });
          log.warn(
            { callSid, agentId, dialStatus },
            'resumed call not answered; caller back on hold',
          );
          return toHoldTwiml(urls, callSid);
        }
        if (agent.state === 'on_call' && agent.callSid === callSid)
          await routing.startWrapUp(agentId, callSid, call?.skill ?? null);
        return hangupTwiml();
      }
      if (
        answered &&
        !deps.telephony.dialLegCallbacks &&
        agent.state === 'reserved' &&
        agent.callSid === callSid
      ) {
        // No status of the agent's leg came (the provider posts none): the Dial's result says the agent answered.
        await routing.agentLegStatus(agentId, callSid, 'answered');
        agent = await store.agent(agentId);
      }
      if (answered) {
        if (agent.state === 'on_call' && agent.callSid === callSid)
          await routing.startWrapUp(agentId, callSid, call?.skill ?? null);
        return (await deps.afterAnswered?.(callSid, agentId, callerStatus)) ?? hangupTwiml();
      }
      const callerGone =
        callerStatus === 'completed' || callerStatus === 'canceled' || Boolean(call?.ended);
      if (callerGone) {
        await routing.callLeftQueue(callSid, 'hangup');
        return hangupTwiml();
      }
      // No answer, busy or failed: the caller keeps their place and the agent is set aside.
      if (agent.state === 'reserved' && agent.callSid === callSid)
        await routing.missedOffer(agentId, callSid);
      // Held until Twilio requests the wait URL, so that no dequeue races the caller's return to the queue.
      await store.hold(callSid, agentId);
      await events.publish('supervisors', {
        type: 'queue',
        skill: call?.skill ?? '',
        callSid,
        change: 'requeued',
        at: clock.now().toISOString(),
      });
      return requeue(callSid, call);
    },

    async queueWait(callSid, queueSid, ivr) {
      const known = await kept.find(callSid);
      if (known && queueSid && known.queueSid !== queueSid) {
        await kept.setQueueSid(callSid, queueSid);
        await ledger.recordQueueSid(callSid, queueSid);
      }
      // The caller is in the Twilio queue now, so a dequeue cannot miss them. A call Redis lost joins routing again in its original place.
      if (!(await store.requeue(callSid, '')) && !(await store.call(callSid))) {
        const lost = known ?? (await deps.lostCall(callSid));
        if (lost) await routing.callQueued({ ...lost, queueSid: queueSid || lost.queueSid });
      }
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
      const result = await states.transition({
        agentId,
        from: ['reserved'],
        expectedVersion: version,
        to: 'available',
        reason: 'offer-released',
        callSid: '',
      });
      if (result.ok) await routing.agentFree(agentId);
    },

    async missedOffer(agentId, callSid) {
      const missed = await store.incrementMissed(agentId);
      if (missed >= settings.maxMissedOffers) {
        const result = await states.transition({
          agentId,
          from: ['reserved'],
          expectedCall: callSid,
          to: 'break',
          reason: 'missed-offers',
          callSid: '',
        });
        if (result.ok) {
          const message = `agent ${agentId} missed ${missed} offers in a row and was put on break`;
          log.warn({ agentId, missed }, message);
          await events.publish('supervisors', {
            type: 'alert',
            agentId,
            message,
            at: clock.now().toISOString(),
          });
        }
        return;
      }
      // Set aside: back of the idle line, so the next offer goes to someone else first.
      const result = await states.transition({
        agentId,
        from: ['reserved'],
        expectedCall: callSid,
        to: 'available',
        reason: 'missed-offer',
        resetIdle: true,
        callSid: '',
      });
      if (result.ok) await routing.agentFree(agentId);
    },

    async startWrapUp(agentId, callSid, skill, reason) {
      const result = await states.transition({
        agentId,
        from: ['on_call'],
        expectedCall: callSid,
        to: 'wrap_up',
        ...(reason ? { reason } : {}),
      });
      if (!result.ok) return;
      const holdSince = await holds.clear(callSid, agentId);
      if (holdSince) {
        // Still on hold when the agent left the call (a transfer, CALL_MAX_MINUTES): the hold ends here.
        await ledger.recordEvent(callSid, 'agent', 'hold-ended', `hold-ended:${holdSince}`, {
          agentId,
          seconds: Math.max(0, Math.round((now() - holdSince) / 1000)),
          reason: reason ?? 'wrap-up',
        });
      }
      await result.recorded;
      await repo.updateAgentCall(db, callSid, agentId, { endedAt: clock.now() });
      await queues.add(
        'agent-wrap-up-end',
        { agentId, callSid },
        {
          jobId: wrapUpJobId(agentId, callSid, result.version),
          delay: wrapUpSecondsFor(settings, skill) * 1000,
          attempts: 5,
        },
      );
    },
  };
  return routing;
}
