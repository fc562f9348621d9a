/** What a party on a call (the caller, or the one a Dial rang) hears and sees from the provider. */
export type PartyEvent =
  | { kind: 'say'; text: string; voice?: string; language?: string }
  | { kind: 'play'; url: string }
  | { kind: 'pause'; seconds: number }
  /** The provider listens for keys (and speech when `speech`). */
  | {
      kind: 'gather';
      timeout: number;
      numDigits?: number;
      finishOnKey: string;
      speech: boolean;
      waiting: boolean;
      action: string;
    }
  /** The call joined or waits in a provider queue. */
  | { kind: 'queue'; name: string; position: number; size: number; seconds: number }
  | { kind: 'ringing'; to: string }
  /** Bridged to another party (the agent's leg answered). */
  | { kind: 'connected'; to: string; legSid: string }
  | { kind: 'disconnected'; legSid: string }
  /** Joined or left a conference (a supervisor's bridge). */
  | { kind: 'conference'; name: string; joined: boolean }
  /** A webhook the provider made for this call and what the service answered (for transcripts). */
  | { kind: 'request'; url: string; params: Record<string, string>; status: number; twiml: string }
  /** The call ended; `reason` says why when the provider ended it (a failure, an unsupported verb). */
  | {
      kind: 'ended';
      status: string;
      by: 'service' | 'party' | 'provider' | 'rest';
      reason?: string;
    };

/** One party on a call. */
export interface CallParty {
  hear(event: PartyEvent): void;
  /**
   * Called before each webhook of the call; answering 'hangup' makes the party hang up instead (a
   * scripted caller's patience, a walk that stops at a flow it does not follow). Optional.
   */
  beforeRequest?(url: string): 'go' | 'hangup' | Promise<'go' | 'hangup'>;
  /** WebRTC signalling (SDP, ICE) from the party bridged to this one; browsers' peers set up their audio with it. */
  signal?(data: unknown): void;
}

/** What the party does on its call. */
export interface CallControl {
  readonly sid: string;
  /** Keys pressed (one or more). */
  press(digits: string): void;
  /** Words said (speech as typed text), with the recogniser's confidence. */
  speak(text: string, confidence?: number): void;
  hangup(): void;
  /** WebRTC signalling to the party the call is bridged to (none: dropped). */
  signal(data: unknown): void;
  /** Resolves with the final status once the call ended and its final status callback was sent. */
  readonly ended: Promise<string>;
}

/** What a Dial or an outgoing call rings: an endpoint registered for an address (client:…, sip:…, +86…). */
export interface Endpoint {
  ring(offer: LegOffer): Promise<LegAnswer>;
}

export interface LegOffer {
  legSid: string;
  parentCallSid?: string;
  from: string;
  to: string;
  /** `<Client><Parameter>`s. */
  parameters: Record<string, string>;
  /** Aborted when the offer is withdrawn (timeout, the caller hung up, the call moved). */
  signal: AbortSignal;
  /** WebRTC signalling to the caller, once bridged. */
  toCaller(data: unknown): void;
}

export type LegAnswer =
  | { answered: false; status: 'busy' | 'no-answer' | 'failed' }
  | { answered: true; party: CallParty; hangup(): void; ended: Promise<void> };

/** Time as the provider lives it: the service's clock, and waits that tests make instant. */
export interface ProviderTime {
  /** Waits end at once: a bridged call then lasts until a party hangs up (timeLimit is not enforced). */
  readonly instant: boolean;
  now(): Date;
  /** Resolves after `ms` (at once in instant mode), or rejects when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** An SMS the service sent through the provider. */
export interface InboxMessage {
  sid: string;
  from: string;
  to: string;
  body: string;
  sentAt: string;
}

/** `GET /telephony/softphone`: the built-in provider's softphone registers on this socket path. */
export interface LocalSoftphone {
  kind: 'local';
  socket: string;
}

/** `GET /telephony/inbox?number=`: the SMS the service sent to the number. */
export interface TelephonyInbox {
  messages: readonly InboxMessage[];
}

/** What the callers' socket sends (the test phone, `ivr:call`); `signal` relays WebRTC data. */
export type CallerSocketMessage =
  | { type: 'placed'; sid: string }
  | { type: 'event'; event: PartyEvent }
  | { type: 'signal'; data: unknown }
  | { type: 'before'; id: number; url: string }
  | { type: 'error'; message: string };

/** What the softphones' socket sends an agent's desk, per leg of a Dial. */
export type PhoneSocketMessage =
  | { type: 'registered'; address: string }
  | { type: 'incoming'; legSid: string; from: string; parameters: Record<string, string> }
  | { type: 'cancel'; legSid: string }
  | { type: 'event'; legSid: string; event: PartyEvent }
  | { type: 'signal'; legSid: string; data: unknown }
  | { type: 'hangup'; legSid: string }
  | { type: 'error'; message: string };
