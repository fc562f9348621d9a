import { randomBytes } from 'node:crypto';
import type { TwimlValidator } from '../../src/platform/twiml-schema.js';
import { readTwiml, type Verb } from '../../src/telephony/index.js';
import {
  CallerError,
  type CallerInput,
  type CallerTransport,
  type CallOutcome,
  type CallRequest,
  type CallResult,
  type CallScript,
} from './caller-types.js';

/** The IVR's wait URL: a `<Redirect>` there is a turn of the service's own wait loop (a provider without queues). */
export const OWN_WAIT_PATH = '/twilio/voice/queue/wait';

/** More requests than this in one call means the menus loop without end. */
const MAX_REQUESTS = 80;

export function pathOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.pathname}${decodeURIComponent(parsed.search)}`;
}

/** Where the walk goes after a step: the next request, or the end of the call. */
export type Next = { url: string; extra?: Record<string, string> } | { end: CallResult };

/** One simulated call: its parameters, inputs left, transcript and requests, and the steps the walk shares. */
export interface CallSession {
  readonly callSid: string;
  readonly from: string;
  readonly script: CallScript;
  /** The script's inputs not used yet, the next first. */
  readonly inputs: CallerInput[];
  readonly lines: string[];
  readonly requests: CallRequest[];
  /** The queue the call reached in the service's own wait loop, and how many wait turns it has had. */
  ownQueue: string | undefined;
  waitTurns: number;
  /** Adds a line to the transcript. */
  say: (line: string) => void;
  /** Throws a {@link CallerError} carrying the transcript so far. */
  fail: (message: string) => never;
  /**
   * Posts one signed request with the call's parameters and `extra`; checks the answer is 200
   * TwiML (valid against the schema when there is a validator) and reads it, or answers
   * `'stopped'` where the walk does not follow (the script's `stopAt`, booking routes).
   */
  request: (url: string, extra?: Record<string, string>) => Promise<Verb[] | 'stopped'>;
  /** Puts what a Say, Play or Pause plays in the transcript. */
  speak: (verb: Verb) => void;
  /** The parameters Twilio sends for the caller's input at a Gather. */
  gatherParams: (input: CallerInput, gather: Verb) => Record<string, string>;
  /** Ends the call with an outcome. */
  end: (outcome: CallOutcome, more?: Partial<CallResult>) => { end: CallResult };
  /** The newest URL the provider was told over REST and not followed yet. */
  liveUpdate: () => Promise<string | undefined>;
}

/** Starts a simulated call of the script: Twilio's parameters for it and an empty transcript. */
export function createCallSession(
  transport: CallerTransport,
  script: CallScript,
  validator: TwimlValidator | null,
): CallSession {
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

  const end = (outcome: CallOutcome, more: Partial<CallResult> = {}): { end: CallResult } => ({
    end: { outcome, lines, requests, ...more },
  });

  async function liveUpdate(): Promise<string | undefined> {
    const all = (await script.liveUpdates?.(callSid)) ?? [];
    if (all.length <= followedUpdates) return undefined;
    followedUpdates = all.length;
    const url = all.at(-1)!;
    say(`  （服务商按 REST 请求改接此通话：${pathOf(url)}）`);
    return url;
  }

  return {
    callSid,
    from,
    script,
    inputs,
    lines,
    requests,
    ownQueue: undefined,
    waitTurns: 0,
    say,
    fail,
    request,
    speak,
    gatherParams,
    end,
    liveUpdate,
  };
}
