import { maskPhone } from '../platform/logger.js';
import { dialString } from '../routing/index.js';
import { giveBack, member, type Callbacks, type CallbacksDeps } from './callback-contract.js';
import { callbackDialTwiml, callbackUnreachedTwiml, hangupTwiml } from './callback-twiml.js';

const FAILED_LEG = new Set(['no-answer', 'busy', 'failed', 'canceled']);

/** The outbound legs of a callback: the agent's phone rung, then the citizen, and how each leg ended. */
export type CallbackLegs = Pick<
  Callbacks,
  'place' | 'agentAnswered' | 'citizenLegEnded' | 'agentLegStatus'
>;

export function createCallbackLegs(deps: CallbacksDeps): CallbackLegs {
  const { requests, store, states, routing, ledger, catalogue, twilio, clock, urls, voice } = deps;
  const { settings, agentCalls } = deps;
  const log = deps.logger.child({ component: 'callbacks' });

  return {
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
        await giveBack(deps, requestId, agentId, request.attempts - 1);
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
      await giveBack(deps, requestId, agentId, Math.max(0, (request?.attempts ?? 1) - 1));
      await routing.routeCall(member(requestId));
    },
  };

  async function callbackRequestOrNull(requestId: number) {
    return (await requests.find(requestId)) ?? null;
  }
}
