import type { Routing, RoutingDeps } from './routing-contract.js';
import type { QueuedCall } from '../calls/index.js';
import { encodePlace } from './routing-place.js';
import { ivrQueueOf } from './routing-targets.js';
import {
  bridgedCallerTwiml,
  connectAgentTwiml,
  hangupTwiml,
  requeueTwiml,
  toHoldTwiml,
} from './routing-twiml.js';

/** The agent leg of an offered call: ringing the agent, the leg's status callbacks, the Dial's action. */
export type AgentLegs = Pick<Routing, 'connect' | 'agentLegStatus' | 'dialEnded'>;

/** The agent-leg webhooks of routing; `routing` is the ACD they belong to (missed offers, wrap-up, a caller who left). */
export function createAgentLegs(deps: RoutingDeps, routing: () => Routing): AgentLegs {
  const { store, kept, holds, states, ledger, catalogue, events, clock, urls, settings, phoneOf } =
    deps;
  const providerQueues = deps.telephony.queues;
  // The caller's place goes with them, for routing's wait URL to queue them again should Redis
  // have lost them (routing-place.ts).
  const requeue = (callSid: string, call: QueuedCall | undefined) =>
    requeueTwiml(
      urls,
      callSid,
      ivrQueueOf(catalogue, call),
      providerQueues,
      call && encodePlace(call),
    );
  const log = deps.logger.child({ component: 'routing' });
  const now = () => clock.now().getTime();

  return {
    async connect(agentId, callSid, place) {
      const [routed, agent] = await Promise.all([store.call(callSid), store.agent(agentId)]);
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
            place && encodePlace(place),
          );
        // The provider cannot ring this agent (no SIP address, no desk phone): a missed offer, the caller keeps their place.
        log.warn(
          { callSid, agentId },
          'agent has no phone this provider can ring; counted as a missed offer',
        );
        await routing().missedOffer(agentId, callSid);
        await store.hold(callSid, agentId);
        return requeue(callSid, (await kept.find(callSid)) ?? place);
      }
      // A stale offer (timed out, or the agent was freed): back to the queue, in the same place.
      log.warn({ callSid, agentId }, 'connect for an offer that no longer holds; requeueing');
      const call = (await kept.find(callSid)) ?? place;
      if (routed?.state === 'offered') await store.hold(callSid, routed.agentId);
      return requeue(callSid, call);
    },

    async agentLegStatus(agentId, callSid, callStatus, leg = 0) {
      const [hold, call] = await Promise.all([holds.read(callSid), kept.find(callSid)]);
      // A leg that ended because its caller went on hold (or an earlier leg of a resumed call) is not the call's end.
      if (hold?.agentId === agentId && (hold.since > 0 || leg < hold.leg)) return;
      // A resumed leg: the agent was on this call all along.
      if (leg > 0) return;
      if (callStatus === 'completed') {
        // Normally the Dial action starts wrap-up; this covers an action request that never came.
        const agent = await store.agent(agentId);
        if (agent.state === 'on_call' && agent.callSid === callSid)
          await routing().startWrapUp(agentId, callSid, call?.skill ?? null);
        return;
      }
      if (callStatus !== 'in-progress' && callStatus !== 'answered') return;
      // The agent's answered call and the log row of the change to on-call are written in the
      // statement of the call's answered stage.
      const result = await states.transitionWritten(
        {
          agentId,
          from: ['reserved'],
          to: 'on_call',
          expectedCall: callSid,
          agentCall: {
            answered: { callSid, agentId, skill: call?.skill ?? null, answeredAt: clock.now() },
          },
        },
        async (parts) => {
          await Promise.all([
            store.leave(callSid),
            store.resetMissed(agentId),
            kept.answered(callSid, agentId),
          ]);
          await ledger.markAnswered(callSid, {
            agentId,
            event: {
              source: 'agent',
              event: 'answered',
              dedupeKey: `answered:${agentId}`,
              payload: { agentId },
            },
            parts,
          });
        },
      );
      if (!result.ok) {
        log.warn(
          { callSid, agentId, state: result.from },
          'agent answered an offer that no longer holds',
        );
        return;
      }
      await events.publish('supervisors', {
        type: 'queue',
        skill: call?.skill ?? '',
        callSid,
        change: 'answered',
        at: clock.now().toISOString(),
      });
    },

    async dialEnded(agentId, callSid, dialStatus, callerStatus, leg = 0, place) {
      // Read together (one round trip to Redis).
      const [call, first, hold] = await Promise.all([
        kept.find(callSid),
        store.agent(agentId),
        holds.read(callSid),
      ]);
      let agent = first;
      if (hold?.agentId === agentId && (hold.since > 0 || leg < hold.leg)) {
        // Twilio requests the action when a hold moves the caller to new TwiML, and ignores what it is answered.
        log.info({ callSid, agentId, leg }, 'agent leg ended for a hold; the call goes on');
        return toHoldTwiml(urls, callSid);
      }
      const answered = dialStatus === 'completed' || dialStatus === 'answered';
      // The agent's leg went on into a supervisor's conference: the caller joins them there.
      const room = answered ? await deps.bridged?.(callSid, agentId) : undefined;
      if (room) return bridgedCallerTwiml(urls, agentId, callSid, leg, room);
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
          await routing().startWrapUp(agentId, callSid, call?.skill ?? null);
        return hangupTwiml();
      }
      if (
        answered &&
        !deps.telephony.dialLegCallbacks &&
        agent.state === 'reserved' &&
        agent.callSid === callSid
      ) {
        // No status of the agent's leg came (the provider posts none): the Dial's result says the agent answered.
        await routing().agentLegStatus(agentId, callSid, 'answered');
        agent = await store.agent(agentId);
      }
      if (answered) {
        if (agent.state === 'on_call' && agent.callSid === callSid)
          await routing().startWrapUp(agentId, callSid, call?.skill ?? null);
        return (
          (await deps.afterAnswered?.offer(callSid, agentId, callerStatus, call?.hotline)) ??
          hangupTwiml()
        );
      }
      const callerGone =
        callerStatus === 'completed' || callerStatus === 'canceled' || Boolean(call?.ended);
      if (callerGone) {
        await routing().callLeftQueue(callSid, 'hangup');
        return hangupTwiml();
      }
      // No answer, busy or failed: the caller keeps their place and the agent is set aside.
      if (agent.state === 'reserved' && agent.callSid === callSid)
        await routing().missedOffer(agentId, callSid);
      // Held until Twilio requests the wait URL, so that no dequeue races the caller's return to the queue.
      await store.hold(callSid, agentId);
      await events.publish('supervisors', {
        type: 'queue',
        skill: call?.skill ?? '',
        callSid,
        change: 'requeued',
        at: clock.now().toISOString(),
      });
      return requeue(callSid, call ?? place);
    },
  };
}
