import type { Logger } from '../platform/logger.js';
import type { Conferences } from './conference-room.js';
import type { CallRegistry, Next, ProviderCall } from './call-registry.js';
import { createDialRunner } from './dial-runner.js';
import { createPromptRunner } from './prompt-runner.js';
import { takePending, type EngineCore, type Outcome, type StoredRecording } from './engine-core.js';
import { isAbort } from './provider-time.js';
import { createQueueRunner, type QueueBook } from './queue-runner.js';
import type { Endpoint, LegAnswer, ProviderTime } from './telephony-types.js';
import { unsupportedIn, type TwimlDialect } from './twiml-dialects.js';
import { readTwiml, type Verb } from './twiml-reader.js';
import type { WebhookSender } from './webhook-sender.js';

export interface EngineOptions {
  registry: CallRegistry;
  sender: WebhookSender;
  time: ProviderTime;
  dialect: TwimlDialect;
  logger: Logger;
  endpoints: Map<string, Endpoint>;
  recordings: Map<string, StoredRecording>;
  recordingUrl(sid: string): string;
  conferences: Conferences;
  adopt(leg: ProviderCall, answer: Extract<LegAnswer, { answered: true }>): void;
  /** Checks an answer against Twilio's schema: the problems, none when valid (tests give one). */
  validate?: (twiml: string) => Promise<string[]>;
  /** How long prompts take, as a share of their spoken length. */
  paceScale: number;
  /** Webhooks one call may make at most (a loop without end fails the call); default unlimited. */
  maxRequests?: number;
}

/**
 * Executes the TwiML of calls as the provider does: requests each document with Twilio's
 * parameters, plays Say, Play and Pause to the party, listens at Gather (Twilio's defaults: timeout
 * 5 s, finishOnKey #, actionOnEmptyResult false), follows Redirect, queues at Enqueue, rings at Dial
 * and records at Record. A REST update interrupts whatever runs; anything outside the dialect, a
 * non-200 answer or a document that is not TwiML ends the call loudly, named in the log.
 */
export function createCallEngine(options: EngineOptions) {
  const { registry, sender, time, dialect } = options;
  const log = options.logger.child({ component: 'telephony' });
  const failures = new WeakMap<ProviderCall, string>();
  const finalStatus = new WeakMap<ProviderCall, string>();

  function fail(call: ProviderCall, reason: string): null {
    log.error({ callSid: call.sid, dialect: dialect.name, reason }, `call failed: ${reason}`);
    failures.set(call, reason);
    registry.hangUp(call, 'provider');
    return null;
  }

  /** The verbs of a document, or the reason the provider cannot run it. */
  function parse(xml: string): Verb[] | string {
    let verbs: Verb[];
    try {
      verbs = readTwiml(xml);
    } catch (error) {
      return (error as Error).message;
    }
    for (const verb of verbs) {
      const problem = unsupportedIn(dialect, verb);
      if (problem) return `${problem} is not supported by TELEPHONY_PROFILE=${dialect.name}`;
    }
    return verbs;
  }

  const core: EngineCore = {
    registry,
    time,
    log,
    endpoints: options.endpoints,
    recordings: options.recordings,
    recordingUrl: options.recordingUrl,
    conferences: options.conferences,
    adopt: options.adopt,
    // About 4.5 Mandarin syllables a second; a hold-music turn of 15 s.
    pace: {
      sayMs: (text) => options.paceScale * Math.min(30_000, 600 + text.length * 220),
      playMs: options.paceScale * 15_000,
    },
    async fetch(call, url, extra) {
      call.requests += 1;
      if (options.maxRequests !== undefined && call.requests > options.maxRequests)
        return fail(call, `more than ${options.maxRequests} requests: the call loops`);
      if ((await call.party.beforeRequest?.(url)) === 'hangup') {
        registry.hangUp(call, 'party');
        return null;
      }
      const params = {
        ...registry.callParams(call),
        ...(typeof extra === 'function' ? extra() : extra),
      };
      let answer;
      try {
        answer = await sender.post(url, params);
      } catch (error) {
        return fail(call, `${url} could not be reached: ${(error as Error).message}`);
      }
      call.party.hear({ kind: 'request', url, params, status: answer.status, twiml: answer.body });
      // An inbound call rings until its first document is answered; the next requests say in-progress.
      if (call.status === 'ringing') {
        call.status = 'in-progress';
        call.answeredAt = time.now();
      }
      if (answer.status !== 200)
        return fail(call, `${url} answered ${answer.status}: ${answer.body.slice(0, 200)}`);
      if (!/xml/.test(answer.contentType))
        return fail(call, `${url} answered ${answer.contentType}, not TwiML`);
      const problems = (await options.validate?.(answer.body)) ?? [];
      if (problems.length > 0)
        return fail(
          call,
          `${url} answered TwiML invalid against Twilio's schema: ${problems.join('; ')}`,
        );
      const verbs = parse(answer.body);
      return typeof verbs === 'string' ? fail(call, `${url}: ${verbs}`) : verbs;
    },
    async notify(call, url, extra) {
      try {
        await sender.post(url, { ...registry.callParams(call), ...extra });
      } catch (error) {
        log.warn({ callSid: call.sid, err: (error as Error).message }, 'webhook not delivered');
      }
    },
    runVerbs,
  };
  const queues = createQueueRunner(core);
  const dial = createDialRunner(core);
  const { play, gather } = createPromptRunner(core);

  async function runVerbs(
    call: ProviderCall,
    verbs: Verb[],
    documentUrl: string,
    scope: { waiting: boolean },
  ): Promise<Outcome> {
    for (const verb of verbs) {
      call.current.signal.throwIfAborted();
      switch (verb.name) {
        case 'Say':
        case 'Play':
        case 'Pause':
          await play(call, verb);
          break;
        case 'Gather': {
          const outcome = await gather(call, verb, documentUrl, scope.waiting);
          if (outcome) return outcome;
          break;
        }
        case 'Redirect':
          return {
            next: {
              url: verb.text.trim(),
              ...(verb.attributes.method ? { method: verb.attributes.method } : {}),
            },
          };
        case 'Hangup':
          return { end: true };
        case 'Reject':
          finalStatus.set(call, verb.attributes.reason === 'busy' ? 'busy' : 'no-answer');
          return { end: true };
        case 'Enqueue':
          return queues.enqueue(call, verb, documentUrl);
        case 'Leave':
          if (scope.waiting) return { leave: true };
          break;
        case 'Dial': {
          const outcome = await dial.dial(call, verb);
          if (outcome) return outcome;
          break;
        }
        case 'Record': {
          const outcome = await dial.record(call, verb, documentUrl);
          if (outcome) return outcome;
          break;
        }
      }
    }
    return { done: true };
  }

  return {
    queues: queues.book as QueueBook,
    /** Runs the call from `first` until it ends, then sends its final status. */
    async run(call: ProviderCall, first: Next): Promise<void> {
      let next: Next | undefined = first;
      while (next && !call.hungUpBy) {
        try {
          let verbs: Verb[] | null;
          let url = '';
          if ('twiml' in next) {
            const parsed = parse(next.twiml);
            verbs =
              typeof parsed === 'string' ? fail(call, `TwiML given over REST: ${parsed}`) : parsed;
          } else {
            url = next.url;
            verbs = await core.fetch(call, next.url, next.params ?? {});
          }
          if (!verbs) break;
          if (call.pending) {
            next = takePending(call);
            continue;
          }
          const outcome = await runVerbs(call, verbs, url, { waiting: false });
          next = 'next' in outcome ? outcome.next : undefined;
        } catch (error) {
          if (!isAbort(error)) fail(call, `the provider failed: ${(error as Error).message}`);
          next = call.hungUpBy ? undefined : takePending(call);
        }
      }
      await registry.end(
        call,
        finalStatus.get(call) ?? 'completed',
        call.hungUpBy ?? 'service',
        failures.get(call),
      );
    },
  };
}

export type CallEngine = ReturnType<typeof createCallEngine>;
