import { insertAudit } from '../platform/audit-repository.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db.js';
import { AppError, ConflictError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import type { Redis } from '../platform/redis.js';
import type { TelephonyProfile } from '../platform/telephony-profile.js';
import type { TwilioClient } from '../platform/twilio-client.js';
import { VoiceResponse } from '../platform/twiml.js';
import type { AgentDesk } from '../routing/index.js';

/** 监听 (hears both, says nothing), 耳语 (hears both, heard by the agent only), 强插 (a third party). */
export type MonitorMode = 'listen' | 'whisper' | 'barge';

/** Twilio's Participant flags of each mode. */
const FLAGS: Readonly<Record<MonitorMode, { muted: boolean; coaching: boolean }>> = {
  listen: { muted: true, coaching: false },
  whisper: { muted: false, coaching: true },
  barge: { muted: false, coaching: false },
};

/** A call moved into its conference: whose it is, the agent's leg, each supervisor's participant. */
interface Bridge {
  agentId: string;
  legSid: string;
  room: string;
  hotline: string;
  supervisors: Record<string, string>;
  /** The agent's leg ends the conference when it leaves (false once a colleague joined a three-way). */
  agentEnds?: boolean;
  /** The caller's Dial ended into the conference already. */
  callerIn?: boolean;
}

/**
 * The conference bridge of the 班长席's 监听, 耳语 and 强插. The first action on a call moves it
 * into a conference named after the caller's call: the agent's leg is updated to
 * `<Dial><Conference>`, which ends the caller's Dial, whose action (routing's) sends the caller to
 * the same conference ({@link CallBridge.callerRoom}); the caller and the agent end the conference
 * when either leaves. The supervisor's softphone joins as a Participant (muted to listen, coaching
 * the agent's leg to whisper, neither to barge); a second action updates that participant.
 */
export interface CallBridge {
  monitor(
    supervisorId: string,
    agentId: string,
    callSid: string,
    mode: MonitorMode,
  ): Promise<{ conference: string; participantSid: string }>;
  /**
   * Moves the call into its conference (once per agent leg) and sets whether the agent's leaving
   * ends it; answers the conference's name, the agent's leg and the hotline.
   */
  move(
    agentId: string,
    callSid: string,
    agentEnds: boolean,
  ): Promise<{ room: string; legSid: string; hotline: string }>;
  /** The conference the caller joins once the agent's leg left the Dial for it; undefined when the call is not bridged. */
  callerRoom(callSid: string, agentId: string): Promise<string | undefined>;
}

export function createCallBridge(deps: {
  db: Database;
  redis: Redis;
  redisPrefix: string;
  presence: Pick<AgentDesk, 'snapshot'>;
  twilio: TwilioClient;
  telephony: Pick<TelephonyProfile, 'conferences' | 'clientDialing'>;
  /** How long a bridge record lasts (the longest call). */
  ttlSeconds: number;
  clock: Clock;
  logger: Logger;
}): CallBridge {
  const { db, redis, twilio, clock } = deps;
  const log = deps.logger.child({ component: 'supervision' });
  const key = (callSid: string) => `${deps.redisPrefix}:bridge:${callSid}`;
  const read = async (callSid: string): Promise<Bridge | undefined> => {
    const raw = await redis.get(key(callSid));
    return raw ? (JSON.parse(raw) as Bridge) : undefined;
  };
  const write = (callSid: string, bridge: Bridge) =>
    redis.set(key(callSid), JSON.stringify(bridge), 'EX', deps.ttlSeconds);
  const providerFailed = (what: string, error: unknown) => {
    log.warn({ err: (error as Error).message }, `bridge: ${what} refused`);
    return new AppError(
      'the provider did not take the change; try again',
      502,
      'twilio_unavailable',
    );
  };

  function conferenceTwiml(room: string, endConferenceOnExit: boolean): VoiceResponse {
    const response = new VoiceResponse();
    response
      .dial()
      .conference({ beep: 'false', startConferenceOnEnter: true, endConferenceOnExit }, room);
    return response;
  }

  /** Moves the agent's leg into the call's conference (once per leg). */
  async function bridgeOf(agentId: string, callSid: string, agentEnds?: boolean): Promise<Bridge> {
    const known = await read(callSid);
    let legs;
    let caller;
    try {
      [legs, caller] = await Promise.all([
        twilio.calls.list({ parentCallSid: callSid, status: 'in-progress', limit: 1 }),
        twilio.calls(callSid).fetch(),
      ]);
    } catch (error) {
      throw providerFailed('calls list', error);
    }
    const leg = legs[0];
    if (!leg) throw new ConflictError('the agent has no live leg on this call', 'not_bridgeable');
    // Bridged already, on this very leg; a hold and resume since gave the agent a new leg to move.
    if (known?.agentId === agentId && known.legSid === leg.sid) {
      if (agentEnds === undefined || (known.agentEnds ?? true) === agentEnds) return known;
      try {
        await twilio
          .conferences(known.room)
          .participants(leg.sid)
          .update({ endConferenceOnExit: agentEnds });
      } catch (error) {
        throw providerFailed('participant update', error);
      }
      await write(callSid, { ...known, agentEnds });
      return { ...known, agentEnds };
    }
    const bridge: Bridge = {
      agentId,
      legSid: leg.sid,
      room: `bridge-${callSid}`,
      hotline: caller.to,
      supervisors: {},
      agentEnds: agentEnds ?? true,
    };
    await write(callSid, bridge);
    try {
      await twilio
        .calls(leg.sid)
        .update({ twiml: conferenceTwiml(bridge.room, bridge.agentEnds ?? true).toString() });
    } catch (error) {
      await redis.del(key(callSid));
      throw providerFailed('leg update', error);
    }
    log.info({ callSid, agentId, legSid: leg.sid }, 'call moved into its conference bridge');
    return bridge;
  }

  return {
    async monitor(supervisorId, agentId, callSid, mode) {
      if (!deps.telephony.conferences)
        throw new ConflictError('the provider has no conferences', 'bridge_unavailable');
      const agent = await deps.presence.snapshot(agentId);
      if (agent.state !== 'on_call' || agent.callSid !== callSid)
        throw new ConflictError('the agent is no longer on this call', 'not_on_this_call');
      const bridge = await bridgeOf(agentId, callSid);
      const flags = {
        muted: FLAGS[mode].muted,
        coaching: FLAGS[mode].coaching,
        ...(mode === 'whisper' ? { callSidToCoach: bridge.legSid } : {}),
      };
      const room = twilio.conferences(bridge.room);
      let participantSid = bridge.supervisors[supervisorId];
      try {
        if (participantSid) await room.participants(participantSid).update(flags);
      } catch {
        // The supervisor's earlier participant hung up meanwhile: a new one is added.
        participantSid = undefined;
      }
      if (!participantSid) {
        // The supervisor asked for this call: their softphone takes it by itself.
        const to = deps.telephony.clientDialing
          ? `client:${supervisorId}?supervise=${mode}`
          : supervisorId;
        try {
          const created = await room.participants.create({
            from: bridge.hotline,
            to,
            beep: 'false',
            endConferenceOnExit: false,
            ...flags,
          });
          participantSid = created.callSid;
        } catch (error) {
          throw providerFailed('participant create', error);
        }
        await write(callSid, {
          ...bridge,
          supervisors: { ...bridge.supervisors, [supervisorId]: participantSid },
        });
      }
      await insertAudit(db, {
        actorId: supervisorId,
        action: `${mode}-call`,
        subject: callSid,
        detail: { agentId },
        at: clock.now(),
      });
      log.info({ supervisorId, agentId, callSid, mode }, 'supervisor joined the call');
      return { conference: bridge.room, participantSid };
    },

    async move(agentId, callSid, agentEnds) {
      const { room, legSid, hotline } = await bridgeOf(agentId, callSid, agentEnds);
      return { room, legSid, hotline };
    },

    async callerRoom(callSid, agentId) {
      const bridge = await read(callSid);
      if (bridge?.agentId !== agentId || bridge.callerIn) return undefined;
      // The agent hung up before the caller's Dial ended: no conference to wait alone in.
      const agent = await deps.presence.snapshot(agentId);
      if (agent.state !== 'on_call' || agent.callSid !== callSid) return undefined;
      await write(callSid, { ...bridge, callerIn: true });
      return bridge.room;
    },
  };
}
