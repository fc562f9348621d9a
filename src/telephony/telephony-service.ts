import type { Router } from 'express';
import type { Clock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import { createCallEngine } from './call-engine.js';
import { createCallRegistry, newSid, type ProviderCall } from './call-registry.js';
import { addConferenceRoutes } from './conference-routes.js';
import { createConferences, peerOf } from './conference-room.js';
import { takePending, type StoredRecording } from './engine-core.js';
import { instantTime, realTime } from './provider-time.js';
import { createRestRoutes } from './rest-routes.js';
import type { CallControl, CallParty, Endpoint, InboxMessage } from './telephony-types.js';
import { twimlDialect } from './twiml-dialects.js';
import { createWebhookSender } from './webhook-sender.js';

export interface LocalTelephonyOptions {
  accountSid: string;
  authToken: string;
  /** `twilio` or `twiml-core`: the TwiML the provider executes (anything else fails the call). */
  profile: string;
  /** The service's public base URL: webhooks are signed for URLs under it. */
  publicBaseUrl: string;
  /** Where the service listens (read at each webhook: the port may be bound after the provider is made). */
  targetBaseUrl: () => string;
  /** The inbound numbers' Voice URL and status callback (Twilio's number configuration); default under publicBaseUrl. */
  voiceUrl?: string;
  statusCallbackUrl?: string;
  clock: Clock;
  /** Waits end at once (tests, the in-process `ivr:call`); default real time. */
  instant?: boolean;
  /** How long prompts take, as a share of their spoken length (1, the default; tests of real time go faster). */
  paceScale?: number;
  logger: Logger;
  /** Checks each TwiML answer against Twilio's schema (tests). */
  validate?: (twiml: string) => Promise<string[]>;
  maxRequests?: number;
  /** Sees each REST request the service sends (tests). */
  observeRest?: (request: {
    method: string;
    path: string;
    params: Record<string, string | string[]>;
  }) => void;
}

const text = (value: string | string[] | undefined) =>
  (Array.isArray(value) ? value[0] : value) ?? '';
const list = (value: string | string[] | undefined) =>
  Array.isArray(value) ? value : value ? value.split(/[\s,]+/) : [];

/**
 * A telephony provider in the service's own process: it plays the provider's side of the contract
 * only. Callers (the test phone, `ivr:call`, tests) place calls to a hotline number and the provider
 * requests the number's Voice URL with signed webhooks; the service drives calls with Twilio's REST
 * API, served by {@link LocalTelephony.restRoutes}; endpoints registered for an address (the desk's
 * softphone as `client:<agent>`, a test agent) answer Dials and outgoing calls.
 */
export function createLocalTelephony(options: LocalTelephonyOptions) {
  const logger = options.logger;
  const time = options.instant ? instantTime(options.clock) : realTime(options.clock);
  const sender = createWebhookSender({
    publicBaseUrl: options.publicBaseUrl,
    targetBaseUrl: options.targetBaseUrl,
    authToken: options.authToken,
  });
  const registry = createCallRegistry({ accountSid: options.accountSid, sender, time, logger });
  const endpoints = new Map<string, Endpoint>();
  const recordings = new Map<string, StoredRecording>();
  const inbox = new Map<string, InboxMessage[]>();
  const messageListeners = new Set<(message: InboxMessage) => void>();
  const restBase = `/2010-04-01/Accounts/${options.accountSid}`;
  const conferences = createConferences(time);
  const dialect = twimlDialect(options.profile);
  const engine = createCallEngine({
    conferences,
    adopt(leg, answer) {
      void answer.ended.then(() => registry.hangUp(leg, 'party'));
      track(engine.run(leg, takePending(leg)!).then(() => answer.hangup()));
    },
    registry,
    sender,
    time,
    dialect,
    logger,
    endpoints,
    recordings,
    paceScale: options.paceScale ?? 1,
    recordingUrl: (sid) => `${options.targetBaseUrl()}/telephony${restBase}/Recordings/${sid}`,
    ...(options.validate ? { validate: options.validate } : {}),
    ...(options.maxRequests !== undefined ? { maxRequests: options.maxRequests } : {}),
  });
  const voiceUrl = options.voiceUrl ?? `${options.publicBaseUrl}/twilio/voice/incoming`;
  const statusCallbackUrl =
    options.statusCallbackUrl ?? `${options.publicBaseUrl}/twilio/voice/status`;
  const running = new Set<Promise<void>>();

  function control(call: ProviderCall): CallControl {
    return {
      sid: call.sid,
      press: (digits) => registry.input(call, { digits }),
      speak: (words, confidence = 0.9) => registry.input(call, { speech: words, confidence }),
      hangup: () => registry.hangUp(call, 'party'),
      signal: (data) =>
        peerOf(data) ? conferences.relay(call.sid, data) : call.peer?.signal?.(data),
      ended: call.ended,
    };
  }

  function track(work: Promise<void>): void {
    const done = work
      .catch((error: unknown) =>
        logger.error({ err: (error as Error).message }, 'local telephony: a call failed'),
      )
      .finally(() => running.delete(done));
    running.add(done);
  }

  /** An outgoing call (REST Calls create): rings the endpoint of `to`, then runs the Url's TwiML with it. */
  async function outgoing(
    call: ProviderCall,
    first: { url: string } | { twiml: string },
    timeoutSeconds: number,
  ): Promise<void> {
    await registry.progress(call, 'initiated');
    await registry.progress(call, 'ringing');
    const [address = '', query = ''] = call.to.split('?');
    const endpoint = endpoints.get(address);
    const offer = new AbortController();
    const timeout = time
      .sleep(timeoutSeconds * 1000, offer.signal)
      .then(() => ({ answered: false as const, status: 'no-answer' as const }));
    const answer = endpoint
      ? await Promise.race([
          endpoint.ring({
            legSid: call.sid,
            from: call.from,
            to: address,
            parameters: Object.fromEntries(new URLSearchParams(query)),
            signal: offer.signal,
            // A conference party's signals go through the room; the softphone's own offer comes at
            // once, and the party it is for (a Dial's Number) may answer later: it is kept till then.
            toCaller: (data) =>
              peerOf(data)
                ? conferences.relay(call.sid, data)
                : call.peer?.signal
                  ? call.peer.signal(data)
                  : (call.heldSignals ??= []).push(data),
          }),
          timeout,
        ])
      : await timeout;
    offer.abort();
    if (!answer.answered) return registry.end(call, answer.status, 'party');
    call.party = answer.party;
    await registry.progress(call, 'in-progress');
    void answer.ended.then(() => registry.hangUp(call, 'party'));
    await engine.run(call, first);
    answer.hangup();
  }

  function createCall(params: Record<string, string | string[]>): ProviderCall | { error: string } {
    const to = text(params.To);
    const from = text(params.From);
    const url = text(params.Url);
    const twiml = text(params.Twiml);
    if (!to || !from || (!url && !twiml))
      return { error: 'A To, a From and a Url or Twiml are required' };
    const callback = text(params.StatusCallback);
    const events = list(params.StatusCallbackEvent);
    const call = registry.create({
      from,
      to,
      direction: 'outbound-api',
      party: { hear: () => undefined },
      ...(callback
        ? {
            statusCallback: {
              url: callback,
              events: new Set(events.length ? events : ['completed']),
            },
          }
        : {}),
    });
    track(outgoing(call, url ? { url } : { twiml }, Number(text(params.Timeout) || 60)));
    return call;
  }

  const rest = createRestRoutes({
    extend: (router, base) =>
      addConferenceRoutes(router, base, {
        accountSid: options.accountSid,
        conferences,
        // Somleng has no conferences: under twiml-core the resource is not there.
        available: 'Conference' in dialect.nested,
        place: createCall,
      }),
    accountSid: options.accountSid,
    authToken: options.authToken,
    recordings,
    now: () => time.now(),
    ...(options.observeRest ? { observe: options.observeRest } : {}),
    findCall: (sid) => registry.find(sid),
    liveCalls: () => registry.calls.values(),
    createCall,
    updateCall(call, params) {
      const status = text(params.Status);
      if (status === 'completed' || status === 'canceled') registry.hangUp(call, 'rest');
      else if (text(params.Twiml)) registry.redirect(call, { twiml: text(params.Twiml) });
      else if (text(params.Url))
        registry.redirect(call, { url: text(params.Url), method: text(params.Method) || 'POST' });
      else return 'Nothing to update: give a Url, Twiml or Status';
      return undefined;
    },
    dequeue(queueSid, member, url) {
      const queue = engine.queues.bySid(queueSid);
      const call =
        member === 'Front' ? queue?.members[0] : queue?.members.find((c) => c.sid === member);
      if (!call || !url) return undefined;
      registry.redirect(call, { url });
      return call;
    },
    sendMessage(params) {
      const to = text(params.To);
      const from = text(params.From) || text(params.MessagingServiceSid);
      const body = text(params.Body);
      if (!to || !from || !body)
        return { error: 'A To, a From (or MessagingServiceSid) and a Body are required' };
      const message: InboxMessage = {
        sid: newSid('SM'),
        to,
        from,
        body,
        sentAt: time.now().toUTCString().replace('GMT', '+0000'),
      };
      inbox.set(to, [...(inbox.get(to) ?? []), message]);
      for (const listener of messageListeners) listener(message);
      return message;
    },
  });

  return {
    /** The provider's time: the service's clock, and waits that end at once in instant mode (training callers' arrivals). */
    time,
    /** Twilio's REST resources (mount under `/telephony`: the REST client's base URL is `<origin>/telephony`). */
    restRoutes: rest as Router,
    /** A call from `from` to a hotline number: the provider requests the number's Voice URL. */
    placeCall(init: { from: string; to: string; party: CallParty }): CallControl {
      const call = registry.create({
        from: init.from,
        to: init.to,
        direction: 'inbound',
        party: init.party,
        statusCallback: { url: statusCallbackUrl, events: new Set(['completed']) },
      });
      call.status = 'ringing';
      track(engine.run(call, { url: voiceUrl }));
      return control(call);
    },
    /** Registers what answers at `address` (`client:<identity>`, a SIP URI, a number); returns the unregistration. */
    register(address: string, endpoint: Endpoint): () => void {
      endpoints.set(address, endpoint);
      return () => {
        if (endpoints.get(address) === endpoint) endpoints.delete(address);
      };
    },
    /** The SMS the service sent to `number`, oldest first. */
    inbox: (number: string): readonly InboxMessage[] => inbox.get(number) ?? [],
    onMessage(listener: (message: InboxMessage) => void): () => void {
      messageListeners.add(listener);
      return () => messageListeners.delete(listener);
    },
    /** Calls in the provider's queues, by queue name. */
    queued: () =>
      Object.fromEntries(
        [...engine.queues.byName.values()].map((q) => [q.name, q.members.map((c) => c.sid)]),
      ),
    liveCalls: () =>
      [...registry.calls.values()]
        .filter((c) => !c.endedAt)
        .map((c) => ({
          sid: c.sid,
          from: c.from,
          to: c.to,
          direction: c.direction,
          status: c.status,
        })),
    /** Hangs up every call (each gets its final status callback) and waits for them. */
    async close(): Promise<void> {
      for (const call of registry.calls.values()) registry.hangUp(call, 'provider');
      await Promise.all([...running]);
    },
  };
}

export type LocalTelephony = ReturnType<typeof createLocalTelephony>;
