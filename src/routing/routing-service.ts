import './routing-jobs-payloads.js';
import type { QueuedCall } from '../calls/index.js';
import { createAgentLegs } from './routing-agent-legs.js';
import {
  CALLBACK_MEMBER,
  OUR_DEQUEUE_RESULTS,
  wrapUpJobId,
  wrapUpSecondsFor,
  type Routing,
  type RoutingDeps,
} from './routing-contract.js';
import { createOffers } from './routing-offers.js';
import { routingTargets } from './routing-targets.js';
import { requeueTwiml, toIvrWaitTwiml } from './routing-twiml.js';
import { waitScore } from './wait-score.js';

export function createRouting(deps: RoutingDeps): Routing {
  const { store, kept, holds, states, ledger, catalogue, queues, events, clock, urls } = deps;
  const { settings } = deps;
  const providerQueues = deps.telephony.queues;
  const log = deps.logger.child({ component: 'routing' });
  const now = () => clock.now().getTime();
  const { offer, scheduleEscalation } = createOffers(deps, () => routing);

  /** Puts a kept call in routing's wait lists and offers it; true when it was offered at once. */
  async function queueCall(call: QueuedCall): Promise<boolean> {
    const { callSid } = call;
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
    let offered = false;
    for (const reservation of await store.matchCall(callSid, now()))
      offered = (await offer(reservation)) || offered;
    return offered;
  }

  const routing: Routing = {
    async callQueued(call) {
      const { callSid } = call;
      // Routing owns the Twilio queue of a waiting call: it dequeues the caller from it. The
      // ledger records the queue (and the queued stage the IVR held) in the offer's statement,
      // or below when no offer was made.
      await kept.keep(call);
      let offered = false;
      try {
        offered = await queueCall(call);
      } finally {
        if (!offered) await ledger.recordWaiting(callSid, call.queueSid);
      }
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

    ...createAgentLegs(deps, () => routing),

    async queueWait(callSid, queueSid, ivr, place) {
      const known = await kept.find(callSid);
      if (known && queueSid && known.queueSid !== queueSid) {
        await kept.setQueueSid(callSid, queueSid);
        await ledger.recordWaiting(callSid, queueSid);
      }
      // The caller is in the Twilio queue now, so a dequeue cannot miss them. A call Redis lost joins routing again in its original place.
      if (!(await store.requeue(callSid, '')) && !(await store.call(callSid))) {
        // Redis lost it: rebuilt from the ledger, or, for a caller whose offer's stages went with
        // Redis, from the place its wait URL carries.
        const lost = known ?? (await deps.lostCall(callSid)) ?? place;
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

    queuedCall: (callSid) => kept.find(callSid),

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
      // The end of the agent's call and its log row wait in Redis for the end of wrap-up (the
      // outcome's statement, or the wrap-up timer's), which writes them before its own row.
      const result = await states.transitionHeld({
        agentId,
        from: ['on_call'],
        expectedCall: callSid,
        to: 'wrap_up',
        ...(reason ? { reason } : {}),
        agentCall: { ended: { callSid, agentId, at: clock.now() } },
      });
      if (!result.ok) return false;
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
      await queues.add(
        'agent-wrap-up-end',
        { agentId, callSid },
        {
          jobId: wrapUpJobId(agentId, callSid, result.version),
          delay: wrapUpSecondsFor(settings, skill) * 1000,
          attempts: 5,
        },
      );
      return true;
    },
  };
  return routing;
}
