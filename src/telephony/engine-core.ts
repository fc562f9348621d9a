import type { Logger } from '../platform/logger.js';
import type { CallRegistry, Next, ProviderCall } from './call-registry.js';
import type { Conferences } from './conference-room.js';
import type { Endpoint, LegAnswer, ProviderTime } from './telephony-types.js';
import type { Verb } from './twiml-reader.js';

/** How a run of verbs ended: go to another document, end the call, leave a queue, or it ran out. */
export type Outcome = { next: Next } | { end: true } | { leave: true } | { done: true };

/** A recording the provider made (a Dial's `record`, a `<Record>`). */
export interface StoredRecording {
  sid: string;
  callSid: string;
  durationSeconds: number;
  channels: number;
  source: string;
  createdAt: Date;
  deleted: boolean;
}

/** What the verb runners (queue, dial) share with the engine. */
export interface EngineCore {
  registry: CallRegistry;
  time: ProviderTime;
  log: Logger;
  endpoints: Map<string, Endpoint>;
  recordings: Map<string, StoredRecording>;
  /** The REST base the recordings' URLs are under (`…/2010-04-01/Accounts/AC…`). */
  recordingUrl(sid: string): string;
  /** Requests a document of the call: its verbs, or null when the call ended meanwhile or failed; `extra` is read when the request goes out. */
  fetch(
    call: ProviderCall,
    url: string,
    extra: Record<string, string> | (() => Record<string, string>),
  ): Promise<Verb[] | null>;
  /** Posts a webhook whose answer the provider ignores (a hung-up call's action, a recording's status). */
  notify(call: ProviderCall, url: string, extra: Record<string, string>): Promise<void>;
  runVerbs(
    call: ProviderCall,
    verbs: Verb[],
    documentUrl: string,
    scope: { waiting: boolean },
  ): Promise<Outcome>;
  conferences: Conferences;
  /** A Dial's answered leg moved over REST (into a conference): it runs its own TwiML from now on. */
  adopt(leg: ProviderCall, answer: Extract<LegAnswer, { answered: true }>): void;
  /** Milliseconds a prompt takes (instant time ignores them). */
  pace: { sayMs(text: string): number; playMs: number };
}

/** The pending REST update of a call, taken: what runs next, on a fresh abort signal. */
export function takePending(call: ProviderCall): Next | undefined {
  const next = call.pending;
  call.pending = undefined;
  call.current = new AbortController();
  return next;
}
