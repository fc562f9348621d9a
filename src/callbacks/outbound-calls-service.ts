import { ConflictError, ValidationError } from '../platform/errors.js';
import { maskPhone } from '../platform/logger.js';
import { dialString } from '../routing/index.js';
import type { Callbacks, CallbacksDeps } from './callback-contract.js';
import { hangupTwiml, outboundDialTwiml, outboundUnreachedTwiml } from './callback-twiml.js';

/** The agent's reservation while their own phone rings for an outbound call. */
export const outboundMember = (agentId: string) => `outbound:${agentId}`;

const FAILED_LEG = new Set(['no-answer', 'busy', 'failed', 'canceled']);
/** The ledger row of the agent's leg is written once the create returns; its answer may come first. */
const ROW_TRIES = 10;

/** Outbound calls from the desk (外呼): the agent's phone rung, then the citizen, and how each leg ended. */
export type OutboundCalls = Pick<
  Callbacks,
  'dialOut' | 'outboundAnswered' | 'outboundEnded' | 'outboundLegStatus'
>;

export function createOutboundCalls(deps: CallbacksDeps): OutboundCalls {
  const { store, states, routing, ledger, catalogue, twilio, clock, urls, voice } = deps;
  const log = deps.logger.child({ component: 'callbacks' });

  const release = async (agentId: string, reason: string) => {
    const freed = await states.transition({
      agentId,
      from: ['reserved'],
      expectedCall: outboundMember(agentId),
      to: 'available',
      reason,
      resetIdle: false,
      callSid: '',
    });
    if (freed.ok) await routing.agentFree(agentId);
  };

  /** The caller ID: the hotline of the agent's first department that has one, else of its hall. */
  const hotlineOf = (skills: readonly string[]) => {
    for (const skill of skills) {
      const own = catalogue.hotlines.find((h) => h.department === skill);
      const hall = catalogue.department(skill)?.hall.id;
      const ofHall = catalogue.hotlines.find((h) => h.hall === hall);
      if (own ?? ofHall) return own ?? ofHall;
    }
    return undefined;
  };

  async function rowOf(callSid: string) {
    for (let i = 0; i < ROW_TRIES; i += 1) {
      const row = await ledger.find(callSid);
      if (row) return row;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return undefined;
  }

  return {
    async dialOut(agentId, phone) {
      const agent = await store.agent(agentId);
      if (agent.state !== 'available' && agent.state !== 'break')
        throw new ConflictError(
          `the agent is ${agent.state}; an outbound call is placed when available or on a break`,
          'agent_not_available',
        );
      const hotline = hotlineOf(agent.skills);
      if (!hotline)
        throw new ValidationError('number: the agent has no department with a hotline', {
          fields: [{ field: 'number', reason: 'no hotline of the agent’s departments' }],
        });
      const phoneOfAgent = await deps.phoneOf(agentId);
      if (!phoneOfAgent)
        throw new ConflictError('the agent has no phone this provider can ring', 'no_agent_phone');
      const reserved = await states.transition({
        agentId,
        from: ['available', 'break'],
        expectedVersion: agent.version,
        to: 'reserved',
        reason: 'outbound',
        callSid: outboundMember(agentId),
      });
      if (!reserved.ok)
        throw new ConflictError("the agent's state changed meanwhile", 'agent_not_available');
      // If the provider never calls back about the agent's leg, the agent must not stay reserved.
      await deps.queues.add(
        'routing-offer-timeout',
        { callSid: outboundMember(agentId), agentId, version: reserved.version },
        {
          jobId: `offer-timeout-outbound-${agentId}-${reserved.version}`,
          delay: (deps.settings.offerTimeoutSeconds + 60) * 1000,
          attempts: 3,
        },
      );
      const to = dialString(phoneOfAgent);
      try {
        const call = await twilio.calls.create({
          to,
          from: hotline.number,
          url: urls.outboundConnect(agentId),
          method: 'POST',
          statusCallback: urls.outboundStatus(agentId),
          statusCallbackMethod: 'POST',
          statusCallbackEvent: ['completed'],
          timeout: deps.settings.offerTimeoutSeconds,
        });
        // The row is the outbound call to the citizen, carried by the agent's leg: `to` is the citizen.
        await ledger.recordArrival({
          callSid: call.sid,
          from: hotline.number,
          to: phone,
          direction: 'outbound',
          hotline: { number: hotline.number, hall: hotline.hall, department: hotline.department },
          payload: { outbound: 'desk', agentId },
        });
        log.info(
          { agentId, agentCallSid: call.sid, phone: maskPhone(phone) },
          'outbound: ringing the agent',
        );
        return { callSid: call.sid, hotline: hotline.number };
      } catch (error) {
        log.warn({ agentId, err: (error as Error).message }, 'outbound: could not ring the agent');
        await release(agentId, 'outbound-failed');
        throw error;
      }
    },

    async outboundAnswered(agentId, agentCallSid) {
      const row = await rowOf(agentCallSid);
      const result = await states.transition({
        agentId,
        from: ['reserved'],
        expectedCall: outboundMember(agentId),
        to: 'on_call',
        callSid: agentCallSid,
      });
      if (!row || !result.ok) return hangupTwiml();
      const skill = row.queueSkill ?? row.departmentId ?? '';
      await ledger.markAnswered(agentCallSid, { agentId, skill });
      await deps.agentCalls.answered({
        callSid: agentCallSid,
        agentId,
        skill,
        answeredAt: clock.now(),
      });
      return outboundDialTwiml(
        urls,
        voice,
        agentId,
        row.hotlineNumber ?? row.fromNumber,
        row.toNumber,
        deps.dial,
      );
    },

    async outboundEnded(agentId, agentCallSid, dialStatus) {
      const row = await ledger.find(agentCallSid);
      if (dialStatus === 'completed' || dialStatus === 'answered') {
        await routing.startWrapUp(agentId, agentCallSid, row?.departmentId ?? '');
        log.info({ agentId, agentCallSid }, 'outbound call completed');
        return hangupTwiml();
      }
      const freed = await states.transition({
        agentId,
        from: ['on_call'],
        expectedCall: agentCallSid,
        to: 'available',
        reason: 'outbound-unreached',
        resetIdle: false,
        callSid: '',
      });
      if (freed.ok) await routing.agentFree(agentId);
      log.info({ agentId, agentCallSid, dialStatus }, 'outbound call not reached');
      return outboundUnreachedTwiml(voice);
    },

    async outboundLegStatus(agentId, callStatus) {
      if (FAILED_LEG.has(callStatus)) await release(agentId, 'outbound-unanswered');
    },
  };
}
