import { randomBytes } from 'node:crypto';
import type { Logger } from '../platform/logger.js';
import type { CallParty, ProviderTime } from './telephony-types.js';
import type { WebhookSender } from './webhook-sender.js';

/** A fresh SID with Twilio's prefix (CA, QU, SM, RE) and 32 hex digits. */
export const newSid = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;

/** Where the provider goes next: a URL to request, or TwiML given over REST. */
export type Next =
  { url: string; method?: string; params?: Record<string, string> } | { twiml: string };

/** A call the provider carries. */
export interface ProviderCall {
  sid: string;
  from: string;
  to: string;
  direction: 'inbound' | 'outbound-api' | 'outbound-dial';
  parentCallSid?: string;
  status: string;
  createdAt: Date;
  answeredAt?: Date;
  endedAt?: Date;
  party: CallParty;
  statusCallback?: { url: string; events: ReadonlySet<string> };
  sequence: number;
  /** Keys and words the party gave, not yet read by a Gather. */
  inputs: Array<{ digits: string } | { speech: string; confidence: number }>;
  inputArrived?: () => void;
  /** Aborted when what runs must stop: a REST update (then `pending` says where to), the hang-up. */
  current: AbortController;
  pending?: Next;
  hungUpBy?: 'party' | 'rest' | 'service' | 'provider';
  queue?: { name: string; sid: string; since: Date };
  /** The party a Dial bridged to this call, while bridged (signalling goes to it). */
  peer?: CallParty;
  /**
   * WebRTC signalling the call's own party (an agent's softphone rung by a REST create) sent before
   * a Dial bridged anyone: handed to the dialled party once it answers.
   */
  heldSignals?: unknown[];
  requests: number;
  ended: Promise<string>;
  finish(status: string): void;
}

/** Twilio's status callback events, by the status that sends each. */
const EVENT_OF: Record<string, string> = {
  initiated: 'initiated',
  ringing: 'ringing',
  'in-progress': 'answered',
};

/** The live calls and their status callbacks. */
export function createCallRegistry(deps: {
  accountSid: string;
  sender: WebhookSender;
  time: ProviderTime;
  logger: Logger;
}) {
  const calls = new Map<string, ProviderCall>();
  /** Ended calls, the latest 1000: a REST fetch of one answers its final status, as Twilio's does. */
  const finished = new Map<string, ProviderCall>();
  const log = deps.logger.child({ component: 'telephony' });

  /** The parameters Twilio sends with every webhook of a call. */
  function callParams(call: ProviderCall): Record<string, string> {
    return {
      AccountSid: deps.accountSid,
      ApiVersion: '2010-04-01',
      CallSid: call.sid,
      CallStatus: call.status,
      Direction: call.direction,
      From: call.from,
      To: call.to,
      Caller: call.from,
      Called: call.to,
      FromCountry: 'CN',
      ToCountry: 'CN',
      ...(call.parentCallSid ? { ParentCallSid: call.parentCallSid } : {}),
    };
  }

  /** Posts a status callback of `call` when its subscriber asked for the status's event. */
  async function statusCallback(call: ProviderCall, final: boolean): Promise<void> {
    const subscription = call.statusCallback;
    if (!subscription) return;
    const event = final ? 'completed' : EVENT_OF[call.status];
    if (!event || !subscription.events.has(event)) return;
    call.sequence += 1;
    const params: Record<string, string> = {
      ...callParams(call),
      SequenceNumber: String(call.sequence - 1),
      Timestamp: deps.time.now().toUTCString().replace('GMT', '+0000'),
      CallbackSource: 'call-progress-events',
    };
    if (final)
      params.CallDuration = String(
        Math.max(
          0,
          Math.round(
            ((call.endedAt ?? deps.time.now()).getTime() -
              (call.answeredAt ?? call.createdAt).getTime()) /
              1000,
          ),
        ),
      );
    try {
      const answer = await deps.sender.post(subscription.url, params);
      if (answer.status >= 400)
        log.warn(
          { callSid: call.sid, status: answer.status, event },
          'status callback refused by the service',
        );
    } catch (error) {
      log.error(
        { callSid: call.sid, err: (error as Error).message, event },
        'status callback not delivered',
      );
    }
  }

  return {
    calls,
    /** A live or recently ended call. */
    find: (sid: string) => calls.get(sid) ?? finished.get(sid),
    callParams,
    /** A new call in `queued`; its status callbacks go to `statusCallback` for the events listed. */
    create(
      init: Pick<
        ProviderCall,
        'from' | 'to' | 'direction' | 'party' | 'parentCallSid' | 'statusCallback'
      >,
    ): ProviderCall {
      let finish!: (status: string) => void;
      const ended = new Promise<string>((resolve) => (finish = resolve));
      const call: ProviderCall = {
        ...init,
        sid: newSid('CA'),
        status: 'queued',
        createdAt: deps.time.now(),
        sequence: 0,
        inputs: [],
        current: new AbortController(),
        requests: 0,
        ended,
        finish,
      };
      calls.set(call.sid, call);
      return call;
    },
    /** Moves the call to a status that is not final and tells the subscriber. */
    async progress(
      call: ProviderCall,
      status: 'initiated' | 'ringing' | 'in-progress',
    ): Promise<void> {
      call.status = status;
      if (status === 'in-progress') call.answeredAt = deps.time.now();
      await statusCallback(call, false);
    },
    /** Ends the call once: its final status, the subscriber's `completed` event, and the party told. */
    async end(
      call: ProviderCall,
      status: string,
      by: NonNullable<ProviderCall['hungUpBy']>,
      reason?: string,
    ): Promise<void> {
      if (call.endedAt) return;
      call.endedAt = deps.time.now();
      call.hungUpBy ??= by;
      call.status = status;
      call.current.abort();
      await statusCallback(call, true);
      call.party.hear({ kind: 'ended', status, by, ...(reason ? { reason } : {}) });
      log.info({ callSid: call.sid, status, by, ...(reason ? { reason } : {}) }, 'call ended');
      calls.delete(call.sid);
      finished.set(call.sid, call);
      if (finished.size > 1000) finished.delete(finished.keys().next().value!);
      call.finish(status);
    },
    /** A hang-up from outside what runs (the party, REST): what runs stops and ends the call. */
    hangUp(call: ProviderCall, by: NonNullable<ProviderCall['hungUpBy']>): void {
      if (call.endedAt || call.hungUpBy) return;
      call.hungUpBy = by;
      call.current.abort();
      call.inputArrived?.();
    },
    /** A REST update: what runs stops and the call goes to `next`. */
    redirect(call: ProviderCall, next: Next): void {
      call.pending = next;
      call.current.abort();
      call.inputArrived?.();
    },
    /** Input from the party; wakes a waiting Gather. */
    input(call: ProviderCall, input: ProviderCall['inputs'][number]): void {
      call.inputs.push(input);
      call.inputArrived?.();
    },
  };
}

export type CallRegistry = ReturnType<typeof createCallRegistry>;
