import { newSid, type ProviderCall } from './call-registry.js';
import type { ProviderTime } from './telephony-types.js';

/** How a participant takes part: Twilio's Participant flags. */
export interface ParticipantFlags {
  muted: boolean;
  /** A coach is heard by `callSidToCoach` only. */
  coaching: boolean;
  callSidToCoach?: string;
  endConferenceOnExit: boolean;
  /** On hold (Participants update `Hold=true`): hears `holdUrl`'s music, is not heard, hears no one. */
  hold?: boolean;
  holdUrl?: string;
  /** Added over REST (a supervisor): its page sets up audio with each other participant. */
  initiator: boolean;
  label?: string;
}

interface Member extends ParticipantFlags {
  call: ProviderCall;
  joinedAt: Date;
  /** Ends the member's stay (kicked, or the conference ended). */
  leave: () => void;
}

export interface Room {
  sid: string;
  name: string;
  status: 'init' | 'in-progress' | 'completed';
  createdAt: Date;
  updatedAt: Date;
  members: Map<string, Member>;
  /** Pairs (`sidA sidB`, the initiator first) whose pages were told to set up audio. */
  introduced: Set<string>;
}

/** Signalling addressed to one participant of the sender's conference (`{peer: CallSid, …}`). */
export const peerOf = (data: unknown): string | undefined =>
  typeof data === 'object' && data !== null && typeof (data as { peer?: unknown }).peer === 'string'
    ? (data as { peer: string }).peer
    : undefined;

/**
 * The provider's conferences (`<Dial><Conference>` and the Participants resource). The provider
 * carries no audio: it introduces the pages of the participants that must hear each other and
 * relays their WebRTC signalling. A participant added over REST (a supervisor) gets
 * `{peer, join, send, receive}` for each other participant and offers to it: `send` is false when
 * it is muted, or coaching someone else; `receive` is false when that other one is muted. The
 * caller and the agent keep the audio they had on their Dial.
 */
export function createConferences(time: ProviderTime) {
  const live = new Map<string, Room>();
  const bySid = new Map<string, Room>();
  const pending = new Map<string, ParticipantFlags>();

  function room(name: string): Room {
    let found = live.get(name);
    if (!found) {
      found = {
        sid: newSid('CF'),
        name,
        status: 'init',
        createdAt: time.now(),
        updatedAt: time.now(),
        members: new Map(),
        introduced: new Set(),
      };
      live.set(name, found);
      bySid.set(found.sid, found);
      if (bySid.size > 1000) bySid.delete(bySid.keys().next().value!);
    }
    return found;
  }

  const sends = (from: Member, to: Member) =>
    !from.muted &&
    !from.hold &&
    !to.hold &&
    (!from.coaching || from.callSidToCoach === to.call.sid);

  function introduce(target: Room): void {
    for (const a of target.members.values()) {
      if (!a.initiator) continue;
      for (const b of target.members.values()) {
        const pair = `${a.call.sid} ${b.call.sid}`;
        const reverse = `${b.call.sid} ${a.call.sid}`;
        if (a === b || target.introduced.has(pair) || target.introduced.has(reverse)) continue;
        target.introduced.add(pair);
        a.call.party.signal?.({
          peer: b.call.sid,
          join: true,
          send: sends(a, b),
          receive: sends(b, a),
        });
      }
    }
  }

  function forget(target: Room, member: Member): void {
    target.members.delete(member.call.sid);
    for (const pair of [...target.introduced]) {
      const [a, b] = pair.split(' ');
      if (a !== member.call.sid && b !== member.call.sid) continue;
      target.introduced.delete(pair);
      const other = target.members.get(a === member.call.sid ? b! : a!);
      other?.call.party.signal?.({ peer: member.call.sid, leave: true });
    }
    target.updatedAt = time.now();
    if (member.endConferenceOnExit || target.members.size === 0) {
      target.status = 'completed';
      live.delete(target.name);
      for (const other of [...target.members.values()]) other.leave();
    }
  }

  return {
    room,
    find: (sidOrName: string) => bySid.get(sidOrName) ?? live.get(sidOrName),
    list: () => [...bySid.values()],
    /** Flags a call that will join over its TwiML (a participant created over REST). */
    expect(callSid: string, flags: ParticipantFlags): void {
      pending.set(callSid, flags);
    },
    forget: (callSid: string) => pending.delete(callSid),
    /** The call takes part in `name` until it is kicked, the conference ends or `signal` aborts. */
    async join(call: ProviderCall, name: string, endOnExit: boolean, signal: AbortSignal) {
      const target = room(name);
      const flags = pending.get(call.sid) ?? {
        muted: false,
        coaching: false,
        endConferenceOnExit: endOnExit,
        initiator: false,
      };
      pending.delete(call.sid);
      let leave!: () => void;
      const left = new Promise<void>((resolve) => (leave = resolve));
      const member: Member = { ...flags, call, joinedAt: time.now(), leave };
      target.members.set(call.sid, member);
      target.status = 'in-progress';
      target.updatedAt = time.now();
      introduce(target);
      const stop = () => leave();
      if (signal.aborted) leave();
      else signal.addEventListener('abort', stop, { once: true });
      try {
        await left;
      } finally {
        signal.removeEventListener('abort', stop);
        if (target.members.get(call.sid) === member) forget(target, member);
      }
    },
    /** Participants update: Muted, Coaching, CallSidToCoach, Hold (the initiator's pages are introduced again), EndConferenceOnExit. */
    update(target: Room, callSid: string, change: Partial<ParticipantFlags>): boolean {
      const member = target.members.get(callSid);
      if (!member) return false;
      const holdChanged = 'hold' in change && Boolean(change.hold) !== Boolean(member.hold);
      Object.assign(member, change);
      if (holdChanged) {
        // The held one's page plays the music; the others' pages stop or resume the audio with it.
        member.call.party.signal?.({ hold: Boolean(member.hold), holdUrl: member.holdUrl });
        for (const other of target.members.values())
          if (other !== member)
            other.call.party.signal?.({ peer: member.call.sid, hold: Boolean(member.hold) });
      }
      // Only what is heard changes the pages' connections; EndConferenceOnExit alone does not.
      if (!('muted' in change || 'coaching' in change || 'callSidToCoach' in change || holdChanged))
        return true;
      for (const pair of [...target.introduced])
        if (pair.split(' ').includes(callSid)) target.introduced.delete(pair);
      introduce(target);
      return true;
    },
    /** Participants delete: the call leaves the conference and goes on after its Dial. */
    kick(target: Room, callSid: string): boolean {
      const member = target.members.get(callSid);
      member?.leave();
      return Boolean(member);
    },
    /** Passes `data` from `fromSid` to the participant it names, in the same conference. */
    relay(fromSid: string, data: unknown): void {
      const to = peerOf(data);
      for (const target of live.values()) {
        if (!target.members.has(fromSid)) continue;
        target.members.get(to ?? '')?.call.party.signal?.({ ...(data as object), peer: fromSid });
      }
    },
    memberOf: (target: Room, callSid: string) => target.members.get(callSid),
  };
}

export type Conferences = ReturnType<typeof createConferences>;
