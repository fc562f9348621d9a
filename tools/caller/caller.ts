import { randomBytes } from 'node:crypto';
import type { TwimlValidator } from '../../src/platform/twiml-schema.js';
import { signTwilioRequest } from '../../src/platform/twilio-webhook.js';
import { readTwiml, type Verb } from '../../src/telephony/index.js';

/** What the simulated caller does at a `<Gather>`: press keys, speak, or stay silent. */
export type CallerInput =
  | { kind: 'dtmf'; digits: string }
  | { kind: 'speech'; text: string; confidence: number }
  | { kind: 'silence' };

/** How a simulated call ended. */
export type CallOutcome =
  /** The service said goodbye and hung up. */
  | 'hangup'
  /** The caller reached a queue and left it with the chosen QueueResult (or a callback). */
  | 'queue'
  /** The call went to a self-service flow (booking) that the walk does not follow. */
  | 'self-service'
  /** The script had no input left at a `<Gather>`: the caller hung up there. */
  | 'caller-hung-up';

/** Posts one signed webhook request, as Twilio would, to the service. */
export interface CallerTransport {
  post(
    publicUrl: string,
    params: Record<string, string>,
  ): Promise<{ status: number; body: string; contentType: string }>;
}

/** Signs for the public URL (what Twilio signs) and sends to `targetBaseUrl` (where the service listens). */
export function createHttpTransport(options: {
  publicBaseUrl: string;
  targetBaseUrl: string;
  authToken: string;
}): CallerTransport {
  return {
    async post(publicUrl, params) {
      const target = publicUrl.startsWith(options.publicBaseUrl)
        ? `${options.targetBaseUrl}${publicUrl.slice(options.publicBaseUrl.length)}`
        : publicUrl;
      const response = await fetch(target, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': signTwilioRequest(options.authToken, publicUrl, params),
        },
        body: new URLSearchParams(params).toString(),
      });
      return {
        status: response.status,
        body: await response.text(),
        contentType: response.headers.get('content-type') ?? '',
      };
    },
  };
}

export interface CallScript {
  to: string;
  from?: string;
  inputs: readonly CallerInput[];
  /** QueueResult sent to the Enqueue action after the wait. Default bridged. */
  queueResult?: string;
  /** How many times the waitUrl is requested (QueueTime 0, 50, 100, ...). Default 3. */
  waitRounds?: number;
  /** URLs the walk does not follow (e.g. the booking component's); reaching one ends the call as self-service. */
  stopAt?: (url: string) => boolean;
  /**
   * The URLs the provider was told for this call over REST (`POST /Calls/{sid}` with a new Url), in
   * order: the simulator follows the newest one it has not followed yet, interrupting what plays,
   * as the provider would (routing connecting an agent to a caller in the service's own wait loop).
   */
  liveUpdates?: (callSid: string) => readonly string[] | Promise<readonly string[]>;
  /** Called before each turn of the service's own wait loop after the first (a test or ivr:call moves its clock there). */
  onWaitTurn?: (turn: number) => void | Promise<void>;
}

/** The IVR's wait URL: a `<Redirect>` there is a turn of the service's own wait loop (a provider without queues). */
const OWN_WAIT_PATH = '/twilio/voice/queue/wait';

/** One request of the call and what came back. */
export interface CallRequest {
  url: string;
  params: Record<string, string>;
  twiml: string;
}

export interface CallResult {
  outcome: CallOutcome;
  /** The queue the call reached, when it did. */
  queue?: string;
  /** The last Gather action the caller did not answer (when the script ran out). */
  unansweredGather?: string;
  lines: string[];
  requests: CallRequest[];
}

/** A request or a TwiML answer was invalid; carries the transcript so far. */
export class CallerError extends Error {
  override name = 'CallerError';
  constructor(
    message: string,
    readonly lines: readonly string[],
  ) {
    super(`${message}\n--- transcript so far ---\n${lines.join('\n')}`);
  }
}

/** More requests than this in one call means the menus loop without end. */
const MAX_REQUESTS = 80;

function pathOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.pathname}${decodeURIComponent(parsed.search)}`;
}

/**
 * Plays Twilio's side of a call against the service: signed requests with Twilio's parameters,
 * following Gather actions, Redirect, Enqueue (waitUrl turns and the action with a QueueResult),
 * Leave and Dial actions; or, with a provider that has no queues, the service's own wait loop
 * (Redirects back to the wait URL) and the REST updates that re-point the live call. Every answer must be 200 TwiML, valid against Twilio's schema when a
 * validator is given; anything else throws {@link CallerError}.
 */
export async function placeCall(
  transport: CallerTransport,
  publicBaseUrl: string,
  script: CallScript,
  validator: TwimlValidator | null,
): Promise<CallResult> {
  const from = script.from ?? '+8613904691234';
  const callSid = `CA${randomBytes(16).toString('hex')}`;
  const base: Record<string, string> = {
    AccountSid: 'AC00000000000000000000000000000000',
    ApiVersion: '2010-04-01',
    CallSid: callSid,
    CallStatus: 'in-progress',
    Direction: 'inbound',
    From: from,
    To: script.to,
    Caller: from,
    Called: script.to,
    FromCountry: 'CN',
    ToCountry: 'CN',
  };
  const inputs = [...script.inputs];
  /** The queue the call reached in the service's own wait loop, and how many wait turns it has had. */
  let ownQueue: string | undefined;
  let waitTurns = 0;
  let followedUpdates = 0;
  const lines: string[] = [];
  const requests: CallRequest[] = [];
  const say = (line: string) => lines.push(line);
  const fail = (message: string): never => {
    throw new CallerError(message, lines);
  };

  async function request(
    url: string,
    extra: Record<string, string> = {},
  ): Promise<Verb[] | 'stopped'> {
    if (requests.length >= MAX_REQUESTS) fail(`more than ${MAX_REQUESTS} requests: the call loops`);
    if (script.stopAt?.(url)) {
      say(`→ ${pathOf(url)}（自助服务流程，此处不再跟随）`);
      return 'stopped';
    }
    const params = { ...base, ...extra };
    say(
      `→ POST ${pathOf(url)}${
        Object.keys(extra).length
          ? `  ${Object.entries(extra)
              .map(([k, v]) => `${k}=${v}`)
              .join(' ')}`
          : ''
      }`,
    );
    const response = await transport.post(url, params);
    if (response.status === 404 && new URL(url).pathname.includes('/booking/')) {
      say('  （预约自助服务路由不在此服务中，通话转入自助服务流程）');
      return 'stopped';
    }
    if (response.status !== 200)
      fail(`${pathOf(url)} answered ${response.status}: ${response.body.slice(0, 300)}`);
    if (!/xml/.test(response.contentType))
      fail(`${pathOf(url)} answered ${response.contentType}, not XML`);
    if (validator) {
      const validation = await validator(response.body);
      if (!validation.valid)
        fail(
          `${pathOf(url)} answered TwiML that is invalid against Twilio's schema:\n${validation.errors.join('\n')}\n${response.body}`,
        );
    }
    requests.push({ url, params, twiml: response.body });
    try {
      return readTwiml(response.body);
    } catch (error) {
      return fail(`${pathOf(url)}: ${(error as Error).message}`);
    }
  }

  const speak = (verb: Verb) => {
    if (verb.name === 'Say') say(`  系统：${verb.text}`);
    else if (verb.name === 'Play') say(`  系统：♪ ${verb.text}`);
    else if (verb.name === 'Pause') say(`  （静默 ${verb.attributes.length ?? 1} 秒）`);
  };

  function gatherParams(input: CallerInput, gather: Verb): Record<string, string> {
    if (input.kind === 'dtmf') {
      say(`  来电者：按 ${input.digits}`);
      // Like Twilio: the finishOnKey (default #) ends the input and is not part of Digits.
      const finishOnKey = gather.attributes.finishOnKey ?? '#';
      const end = finishOnKey ? input.digits.indexOf(finishOnKey) : -1;
      return { Digits: end >= 0 ? input.digits.slice(0, end) : input.digits };
    }
    if (input.kind === 'speech') {
      say(`  来电者：说“${input.text}”（置信度 ${input.confidence}）`);
      return { SpeechResult: input.text, Confidence: String(input.confidence) };
    }
    say('  来电者：（没有输入）');
    return {};
  }

  type Next = { url: string; extra?: Record<string, string> } | { end: CallResult };

  const end = (outcome: CallOutcome, more: Partial<CallResult> = {}): { end: CallResult } => ({
    end: { outcome, lines, requests, ...more },
  });

  async function enqueue(verb: Verb, currentUrl: string): Promise<Next> {
    const queue = verb.text;
    say(`  （进入队列 ${queue}）`);
    const queueSid = `QU${randomBytes(16).toString('hex')}`;
    const rounds = script.waitRounds ?? 3;
    const action = verb.attributes.action ?? currentUrl;
    let left = false;
    let queueTime = 0;
    for (let round = 0; round < rounds && !left; round += 1) {
      queueTime = round * 50;
      const waitUrl = verb.attributes.waitUrl;
      if (!waitUrl) break;
      let verbs = await request(waitUrl, {
        QueueSid: queueSid,
        QueuePosition: String(Math.max(1, 3 - round)),
        QueueTime: String(queueTime),
        AvgQueueTime: '120',
        CurrentQueueSize: '3',
      });
      while (verbs !== 'stopped' && verbs.length > 0) {
        let next: string | undefined;
        let nextExtra: Record<string, string> = {};
        for (const waitVerb of verbs) {
          speak(waitVerb);
          if (waitVerb.name === 'Leave') {
            say('  （离开队列）');
            left = true;
            break;
          }
          if (waitVerb.name === 'Gather') {
            waitVerb.children.forEach(speak);
            const input = inputs[0];
            if (input && input.kind !== 'silence') {
              inputs.shift();
              next = waitVerb.attributes.action ?? waitUrl;
              nextExtra = gatherParams(input, waitVerb);
              break;
            }
          }
          if (waitVerb.name === 'Redirect') {
            next = waitVerb.text;
            break;
          }
          if (waitVerb.name === 'Hangup') return end('hangup', { queue });
        }
        if (left || !next) break;
        verbs = await request(next, {
          QueueSid: queueSid,
          QueueTime: String(queueTime),
          ...nextExtra,
        });
      }
    }
    const result = left ? 'leave' : (script.queueResult ?? 'bridged');
    if (result === 'bridged') say('  （坐席接听，通话结束后回到来电者一侧）');
    if (result === 'hangup') say('  （来电者在排队时挂机）');
    const verbs = await request(action, {
      QueueResult: result,
      QueueSid: queueSid,
      QueueTime: String(queueTime),
    });
    if (verbs === 'stopped') return end('self-service', { queue });
    if (result === 'hangup' || result === 'redirected') return end('queue', { queue });
    const next = await run(verbs, action, queue);
    return next;
  }

  /** The newest URL the provider was told over REST and not followed yet. */
  async function liveUpdate(): Promise<string | undefined> {
    const all = (await script.liveUpdates?.(callSid)) ?? [];
    if (all.length <= followedUpdates) return undefined;
    followedUpdates = all.length;
    const url = all.at(-1)!;
    say(`  （服务商按 REST 请求改接此通话：${pathOf(url)}）`);
    return url;
  }

  /**
   * The service's own wait loop: each turn is a request of the wait URL, whose answer (position,
   * callback offer, music) ends with a `<Redirect>` back to it. A REST update re-points the call;
   * after the script's wait rounds without one, the caller hangs up.
   */
  async function ownWait(waitUrl: string): Promise<Next> {
    const queue = new URL(waitUrl).searchParams.get('skill') ?? '';
    if (ownQueue === undefined) say(`  （进入等待 ${queue}）`);
    ownQueue = queue;
    const rounds = script.waitRounds ?? 3;
    while (waitTurns < rounds) {
      const before = await liveUpdate();
      if (before) return { url: before };
      if (waitTurns > 0) await script.onWaitTurn?.(waitTurns);
      waitTurns += 1;
      const verbs = await request(waitUrl);
      if (verbs === 'stopped') return end('self-service', { queue });
      const during = await liveUpdate();
      if (during) return { url: during };
      let again = false;
      for (const verb of verbs) {
        speak(verb);
        if (verb.name === 'Gather') {
          verb.children.forEach(speak);
          const input = inputs[0];
          if (input && input.kind !== 'silence') {
            inputs.shift();
            return { url: verb.attributes.action ?? waitUrl, extra: gatherParams(input, verb) };
          }
        } else if (verb.name === 'Redirect') {
          if (new URL(verb.text).pathname !== OWN_WAIT_PATH) return { url: verb.text };
          again = true;
          break;
        } else if (verb.name === 'Hangup') {
          say('  （系统挂机）');
          return end('queue', { queue });
        }
      }
      if (!again)
        return fail(
          `${pathOf(waitUrl)}: a wait turn ended without a Redirect back to the wait URL: the caller would meet silence`,
        );
    }
    const last = await liveUpdate();
    if (last) return { url: last };
    say('  （来电者在等待时挂机）');
    return end('queue', { queue });
  }

  async function run(verbs: Verb[], currentUrl: string, queue?: string): Promise<Next> {
    for (const verb of verbs) {
      switch (verb.name) {
        case 'Say':
        case 'Play':
        case 'Pause':
          speak(verb);
          break;
        case 'Gather': {
          verb.children.forEach(speak);
          const input = inputs.shift();
          const action = verb.attributes.action ?? currentUrl;
          if (!input) {
            say('  （来电者挂机）');
            return end('caller-hung-up', { unansweredGather: action, ...(queue ? { queue } : {}) });
          }
          const extra = gatherParams(input, verb);
          if (input.kind === 'silence' && verb.attributes.actionOnEmptyResult !== 'true') break;
          return { url: action, extra };
        }
        case 'Redirect':
          if (new URL(verb.text).pathname === OWN_WAIT_PATH) return ownWait(verb.text);
          return { url: verb.text };
        case 'Hangup':
          say('  （系统挂机）');
          return end(queue ? 'queue' : 'hangup', queue ? { queue } : {});
        case 'Reject':
          return end('hangup');
        case 'Enqueue':
          return enqueue(verb, currentUrl);
        case 'Dial': {
          say(
            `  （转接 ${verb.text || verb.children.map((c) => `${c.name} ${c.text}`).join(', ')}）`,
          );
          // Re-pointed over REST during the call (a transfer): the provider leaves the Dial for the new URL.
          const update = await liveUpdate();
          if (update) return { url: update };
          if (verb.attributes.action)
            return {
              url: verb.attributes.action,
              extra: { DialCallStatus: 'completed', DialCallDuration: '60' },
            };
          break;
        }
        case 'Leave':
          break;
        default:
          say(`  （${verb.name}）`);
      }
    }
    return queue
      ? end('queue', { queue })
      : fail(
          `${pathOf(currentUrl)} ended without a next step (no Gather, Redirect, Enqueue or Hangup): the caller would meet silence`,
        );
  }

  say(`呼叫 ${script.to}，来电号码 ${from}`);
  let url = `${publicBaseUrl}/twilio/voice/incoming`;
  let extra: Record<string, string> = {};
  for (;;) {
    const verbs = await request(url, extra);
    if (verbs === 'stopped') return { outcome: 'self-service', lines, requests };
    const next = await run(verbs, url, ownQueue);
    if ('end' in next) return next.end;
    url = next.url;
    extra = next.extra ?? {};
  }
}

/**
 * Parses the command line's inputs: `--keys 1,2,*,timeout` (a key, `timeout`/`-` for silence,
 * or `~words` for speech) and `--speech 预约,人工` (spoken first, in order).
 */
export function parseInputs(
  keys: string | undefined,
  speech: string | undefined,
  confidence = 0.9,
): CallerInput[] {
  const spoken = (speech ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((text): CallerInput => ({ kind: 'speech', text, confidence }));
  const pressed = (keys ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((key): CallerInput => {
      if (key === 'timeout' || key === '-') return { kind: 'silence' };
      if (key.startsWith('~')) return { kind: 'speech', text: key.slice(1), confidence };
      return { kind: 'dtmf', digits: key };
    });
  return [...spoken, ...pressed];
}
