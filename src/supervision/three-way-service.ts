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
import type { AgentCalls, AgentDesk, AgentStates } from '../routing/index.js';
import type { Accounts } from '../staff/index.js';
import type { CallBridge } from './call-bridge-service.js';

/** A colleague brought into a call: who brought them, and their participant in the conference. */
interface Party {
  agentId: string;
  colleagueId: string;
  participantSid: string;
  room: string;
  legSid: string;
  /** 咨询转接: the caller is held while the agents talk; `transferred` once 完成转接 was pressed. */
  consult?: boolean;
  transferred?: boolean;
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
  /** 三方通话, or with `consult` 咨询转接's first step: the caller held (hold music) while the agents talk. */
  start(
    agentId: string,
    callSid: string,
    colleagueId: string,
    consult?: boolean,
  ): Promise<{ conference: string; participantSid: string }>;
  /** 完成转接: the agent leaves, the caller is taken off hold with the colleague, who now has the call. */
  complete(agentId: string, callSid: string): Promise<void>;
  /** 取消 of a consult: the colleague leaves, the caller is taken off hold with the agent. */
  cancel(agentId: string, callSid: string): Promise<void>;
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
  /** Routing's record of who answered a call: the colleague who takes a consulted call over answers it. */
  agentCalls: Pick<AgentCalls, 'answered'>;
  /** Routing's wrap-up, for the colleague who took a consulted call over. */
  startWrapUp: (agentId: string, callSid: string) => Promise<void>;
  /** What a caller held in the conference hears. */
  holdMusicUrl: string;
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

  const providerFailed = (what: string, error: unknown) => {
    if (error instanceof AppError) return error;
    log.warn({ err: (error as Error).message }, `${what} refused by the provider`);
    return new AppError(
      'the provider did not take the change; try again',
      502,
      'twilio_unavailable',
    );
  };
  const audit = (
    actorId: string,
    action: string,
    subject: string,
    detail: Record<string, unknown>,
  ) => insertAudit(db, { actorId, action, subject, detail, at: clock.now() });
  /** Holds or unholds the caller; the caller joins a moment after the agent's leg moved, so a missing participant is asked again (5 s at most). */
  async function holdCaller(room: string, callSid: string, hold: boolean): Promise<void> {
    const participant = twilio.conferences(room).participants(callSid);
    for (let attempt = 0; ; attempt += 1) {
      try {
        await participant.update({ hold, ...(hold ? { holdUrl: deps.holdMusicUrl } : {}) });
        return;
      } catch (error) {
        if ((error as { status?: number }).status !== 404 || attempt >= 25) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }
  async function consultOf(agentId: string, callSid: string): Promise<Party> {
    const raw = await redis.get(key(callSid));
    const party = raw ? (JSON.parse(raw) as Party) : undefined;
    if (!party?.consult || party.agentId !== agentId || party.transferred)
      throw new ConflictError('no consultation on this call', 'not_consulting');
    return party;
  }

  return {
    async start(agentId, callSid, colleagueId, consult = false) {
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
        if (consult) await holdCaller(bridge.room, callSid, true);
      } catch (error) {
        await free(colleagueId, callSid);
        throw providerFailed('three-way', error);
      }
      const party: Party = { agentId, colleagueId, participantSid, ...bridge, consult };
      await redis.set(key(callSid), JSON.stringify(party), 'EX', deps.ttlSeconds);
      const act = consult ? 'consult' : 'three-way';
      await deps.ledger.recordEvent(
        callSid,
        'agent',
        act,
        `${act}:${colleagueId}:${clock.now().getTime()}`,
        { agentId, colleagueId },
      );
      await audit(agentId, `${act}-call`, callSid, { colleagueId });
      log.info({ callSid, agentId, colleagueId, consult }, 'colleague added to the call');
      return { conference: bridge.room, participantSid };
    },

    async complete(agentId, callSid) {
      const party = await consultOf(agentId, callSid);
      await redis.set(
        key(callSid),
        JSON.stringify({ ...party, transferred: true }),
        'EX',
        deps.ttlSeconds,
      );
      const room = twilio.conferences(party.room);
      try {
        await holdCaller(party.room, callSid, false);
        // The agent's leg ends; routing's leg status starts their wrap-up.
        await room.participants(party.legSid).remove();
      } catch (error) {
        throw providerFailed('consult complete', error);
      }
      // The colleague now has the call: theirs to record the outcome of, and in their own figures.
      await deps.agentCalls.answered({
        callSid,
        agentId: party.colleagueId,
        skill: null,
        answeredAt: clock.now(),
      });
      // Counted as the blind transfer is (reports read the `transferred` event).
      await deps.ledger.recordEvent(
        callSid,
        'agent',
        'transferred',
        `transferred:${agentId}:${clock.now().getTime()}`,
        { agentId, to: { agent: party.colleagueId }, consult: true },
      );
      await audit(agentId, 'consult-transfer-call', callSid, { colleagueId: party.colleagueId });
      log.info({ callSid, agentId, colleagueId: party.colleagueId }, 'consulted call transferred');
    },

    async cancel(agentId, callSid) {
      const party = await consultOf(agentId, callSid);
      const ended: Party = { ...party, consult: false };
      await redis.set(key(callSid), JSON.stringify(ended), 'EX', deps.ttlSeconds);
      try {
        await holdCaller(party.room, callSid, false);
        // Its status callback frees the colleague and gives the agent's leaving its end again.
        await twilio.conferences(party.room).participants(party.participantSid).remove();
      } catch (error) {
        throw providerFailed('consult cancel', error);
      }
      await audit(agentId, 'consult-cancel-call', callSid, { colleagueId: party.colleagueId });
    },

    async colleagueLeft(callSid, colleagueId) {
      const raw = await redis.get(key(callSid));
      const party = raw ? (JSON.parse(raw) as Party) : undefined;
      if (party?.transferred && party.colleagueId === colleagueId)
        await deps.startWrapUp(colleagueId, callSid);
      else await free(colleagueId, callSid);
      if (party?.colleagueId !== colleagueId) return;
      await redis.del(key(callSid));
      const agent = await deps.presence.snapshot(party.agentId);
      const room = twilio.conferences(party.room);
      try {
        if (agent.state === 'on_call' && agent.callSid === callSid) {
          // The colleague hung up during a consultation: the caller is not left on hold.
          if (party.consult && !party.transferred) await holdCaller(party.room, callSid, false);
          // The agent is alone with the caller again: their leaving ends the call, as before.
          await deps.bridge.move(party.agentId, callSid, true);
        }
        // Nobody left to talk to: the caller's Dial goes on to its action.
        else await room.participants(callSid).remove();
      } catch (error) {
        log.warn({ err: (error as Error).message, callSid }, 'three-way: end not applied');
      }
      log.info({ callSid, colleagueId }, 'colleague left the call (三方通话)');
    },
  };
}
