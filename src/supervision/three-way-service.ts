import type { CallLedger } from '../calls/index.js';
import { insertAudit } from '../platform/audit-repository.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db.js';
import { AppError, ConflictError, ValidationError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import type { Redis } from '../platform/redis.js';
import type { TelephonyProfile } from '../platform/telephony-profile.js';
import type { TwilioClient } from '../platform/twilio-client.js';
import { VOICE_BASE_PATH } from '../platform/voice-urls.js';
import type { AgentDesk, AgentStates } from '../routing/index.js';
import type { Accounts } from '../staff/index.js';
import type { CallBridge } from './call-bridge-service.js';

/** A colleague brought into a call: who brought them, and their participant in the conference. */
interface Party {
  agentId: string;
  colleagueId: string;
  participantSid: string;
  room: string;
  legSid: string;
}

/**
 * 三方通话 from the desk, through the call's conference bridge: the agent's leg moves into the
 * conference without ending it on leaving, and a free colleague's softphone is added as a
 * Participant (not muted, not ending it either): the three talk. Whichever agent leaves, the other
 * stays with the caller; once the colleague's call has ended (its status callback,
 * {@link ThreeWay.colleagueLeft}) the colleague is free again, and the agent's leaving ends the
 * conference once more, or, when the agent had left already, the caller is let go of the conference
 * (their Dial goes on to its action, as after any call).
 */
export interface ThreeWay {
  start(
    agentId: string,
    callSid: string,
    colleagueId: string,
  ): Promise<{ conference: string; participantSid: string }>;
  /** The colleague's participant call ended (answered or not). */
  colleagueLeft(callSid: string, colleagueId: string): Promise<void>;
}

export function createThreeWay(deps: {
  db: Database;
  redis: Redis;
  redisPrefix: string;
  presence: Pick<AgentDesk, 'snapshot'>;
  states: Pick<AgentStates, 'transition'>;
  staff: Pick<Accounts, 'findUser'>;
  ledger: Pick<CallLedger, 'recordEvent'>;
  bridge: Pick<CallBridge, 'move'>;
  twilio: TwilioClient;
  telephony: Pick<TelephonyProfile, 'conferences' | 'clientDialing'>;
  publicBaseUrl: string;
  ttlSeconds: number;
  clock: Clock;
  logger: Logger;
}): ThreeWay {
  const { db, redis, twilio, states, clock } = deps;
  const log = deps.logger.child({ component: 'supervision' });
  const key = (callSid: string) => `${deps.redisPrefix}:three-way:${callSid}`;
  const free = (colleagueId: string, callSid: string) =>
    states.transition({
      agentId: colleagueId,
      from: ['on_call'],
      to: 'available',
      expectedCall: callSid,
      reason: 'three-way-ended',
    });

  return {
    async start(agentId, callSid, colleagueId) {
      if (!deps.telephony.conferences)
        throw new ConflictError('the provider has no conferences', 'three_way_unavailable');
      const agent = await deps.presence.snapshot(agentId);
      if (agent.state !== 'on_call' || agent.callSid !== callSid)
        throw new ConflictError('you are not on this call', 'not_on_this_call');
      const colleague = await deps.staff.findUser(colleagueId);
      if (!colleague || colleague.disabled || colleagueId === agentId)
        throw new ValidationError(`agent: no such other agent: ${colleagueId}`, {
          fields: [{ field: 'agent', reason: 'no such other agent' }],
        });
      // The colleague is taken off routing's offers while they are on this call.
      const taken = await states.transition({
        agentId: colleagueId,
        from: ['available'],
        to: 'on_call',
        callSid,
        reason: 'three-way',
      });
      if (!taken.ok)
        throw new ConflictError('the colleague is not available', 'colleague_not_available');
      let participantSid: string;
      let bridge;
      try {
        bridge = await deps.bridge.move(agentId, callSid, false);
        const query = new URLSearchParams({ call: callSid, agent: colleagueId });
        const created = await twilio.conferences(bridge.room).participants.create({
          from: bridge.hotline,
          to: deps.telephony.clientDialing ? `client:${colleagueId}` : colleagueId,
          beep: 'false',
          endConferenceOnExit: false,
          statusCallback: `${deps.publicBaseUrl}${VOICE_BASE_PATH}/supervision/three-way-ended?${query}`,
          statusCallbackEvent: ['completed'],
          statusCallbackMethod: 'POST',
        });
        participantSid = created.callSid;
      } catch (error) {
        await free(colleagueId, callSid);
        if (error instanceof AppError) throw error;
        log.warn({ err: (error as Error).message }, 'three-way: participant create refused');
        throw new AppError(
          'the provider did not take the change; try again',
          502,
          'twilio_unavailable',
        );
      }
      const party: Party = { agentId, colleagueId, participantSid, ...bridge };
      await redis.set(key(callSid), JSON.stringify(party), 'EX', deps.ttlSeconds);
      await deps.ledger.recordEvent(
        callSid,
        'agent',
        'three-way',
        `three-way:${colleagueId}:${clock.now().getTime()}`,
        { agentId, colleagueId },
      );
      await insertAudit(db, {
        actorId: agentId,
        action: 'three-way-call',
        subject: callSid,
        detail: { colleagueId },
        at: clock.now(),
      });
      log.info({ callSid, agentId, colleagueId }, 'colleague added to the call (三方通话)');
      return { conference: bridge.room, participantSid };
    },

    async colleagueLeft(callSid, colleagueId) {
      await free(colleagueId, callSid);
      const raw = await redis.get(key(callSid));
      const party = raw ? (JSON.parse(raw) as Party) : undefined;
      if (party?.colleagueId !== colleagueId) return;
      await redis.del(key(callSid));
      const agent = await deps.presence.snapshot(party.agentId);
      const room = twilio.conferences(party.room);
      try {
        if (agent.state === 'on_call' && agent.callSid === callSid)
          // The agent is alone with the caller again: their leaving ends the call, as before.
          await deps.bridge.move(party.agentId, callSid, true);
        // Nobody left to talk to: the caller's Dial goes on to its action.
        else await room.participants(callSid).remove();
      } catch (error) {
        log.warn({ err: (error as Error).message, callSid }, 'three-way: end not applied');
      }
      log.info({ callSid, colleagueId }, 'colleague left the call (三方通话)');
    },
  };
}
