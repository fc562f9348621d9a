import type { CallControl, CallParty, PartyEvent } from '../../src/telephony/index.js';
import {
  CallerError,
  type CallerInput,
  type CallOutcome,
  type CallRequest,
  type CallResult,
} from './caller.js';

/** A scripted caller on a provider: what it dials, presses or says, and how long it waits. */
export interface ProviderCallScript {
  to: string;
  from?: string;
  /** Given at each `<Gather>` in order; none left at a menu: the caller hangs up there. */
  inputs: readonly CallerInput[];
  /** Turns of waiting (requests of the IVR's wait URL) before the caller hangs up. Default 3. */
  waitRounds?: number;
  /** URLs the caller does not follow (a flow it does not walk): it hangs up there, as self-service. */
  stopAt?: (url: string) => boolean;
  /** Before each wait turn after the first (a test or ivr:call moves its clock there). */
  onWaitTurn?: (turn: number) => void | Promise<void>;
}

/** Where a call is placed: the local provider in this process, or a running service's over its socket. */
export interface CallPlacer {
  placeCall(init: {
    from: string;
    to: string;
    party: CallParty;
  }): CallControl | Promise<CallControl>;
}

/** The result of a call through a provider: the walk's result, and whether an agent answered. */
export interface ProviderCallResult extends CallResult {
  agentAnswered: boolean;
  /** The call's final status as the provider ended it. */
  finalStatus: string;
}

/** The IVR's wait URL: each request of it is a turn of waiting (a provider queue's waitUrl, or the service's own wait loop). */
const WAIT_PATH = '/twilio/voice/queue/wait';
/** The parameters every webhook of a call carries: the transcript shows only the others. */
const CALL_PARAMS = new Set([
  'AccountSid',
  'ApiVersion',
  'CallSid',
  'CallStatus',
  'Direction',
  'From',
  'To',
  'Caller',
  'Called',
  'FromCountry',
  'ToCountry',
  'ParentCallSid',
]);

const pathOf = (url: string) => {
  const parsed = new URL(url);
  return `${parsed.pathname}${decodeURIComponent(parsed.search)}`;
};

/**
 * Places a call through a telephony provider and plays a scripted caller on it: keys and words at
 * each Gather, patience in the queue, a hang-up where the script ends. The provider executes the
 * service's TwiML; this only listens and answers, and writes the transcript `ivr:call` prints.
 */
export async function callThroughProvider(
  placer: CallPlacer,
  script: ProviderCallScript,
): Promise<ProviderCallResult> {
  const from = script.from ?? '+8613904691234';
  const inputs = [...script.inputs];
  const lines: string[] = [];
  const requests: CallRequest[] = [];
  const say = (line: string) => lines.push(line);
  const state = {
    queue: undefined as string | undefined,
    waitTurns: 0,
    stopped: false,
    hungUpAtGather: undefined as string | undefined,
    agentAnswered: false,
  };
  /** The call, once placed (the party hears nothing before). */
  const placed: { control?: CallControl } = {};
  let finished!: (event: Extract<PartyEvent, { kind: 'ended' }>) => void;
  const ended = new Promise<Extract<PartyEvent, { kind: 'ended' }>>(
    (resolve) => (finished = resolve),
  );

  const give = (input: CallerInput, finishOnKey: string) => {
    if (input.kind === 'dtmf') {
      say(`  来电者：按 ${input.digits}`);
      // Keys after a finishOnKey are not heard; the scripted caller ends each entry with it when the Gather has one.
      placed.control?.press(
        finishOnKey && !input.digits.includes(finishOnKey)
          ? `${input.digits}${finishOnKey}`
          : input.digits,
      );
    } else if (input.kind === 'speech') {
      say(`  来电者：说“${input.text}”（置信度 ${input.confidence}）`);
      placed.control?.speak(input.text, input.confidence);
    } else say('  来电者：（没有输入）');
  };

  const party: CallParty = {
    hear(event) {
      switch (event.kind) {
        case 'request': {
          const extra = Object.entries(event.params).filter(([key]) => !CALL_PARAMS.has(key));
          say(
            `→ POST ${pathOf(event.url)}${extra.length ? `  ${extra.map(([k, v]) => `${k}=${v}`).join(' ')}` : ''}`,
          );
          requests.push({ url: event.url, params: event.params, twiml: event.twiml });
          break;
        }
        case 'say':
          say(`  系统：${event.text}`);
          break;
        case 'play':
          say(`  系统：♪ ${event.url}`);
          break;
        case 'pause':
          say(`  （静默 ${event.seconds} 秒）`);
          break;
        case 'gather': {
          // While waiting only a key or words are given (the callback offer); silence is just waiting on.
          if (event.waiting) {
            const input = inputs[0];
            if (input && input.kind !== 'silence') give(inputs.shift()!, event.finishOnKey);
            break;
          }
          const input = inputs.shift();
          if (!input) {
            say('  （来电者挂机）');
            state.hungUpAtGather = event.action;
            placed.control?.hangup();
          } else give(input, event.finishOnKey);
          break;
        }
        case 'queue':
          if (state.queue === undefined)
            say(`  （进入队列 ${event.name}，第 ${event.position} 位）`);
          state.queue = event.name;
          break;
        case 'ringing':
          say(`  （振铃 ${event.to}）`);
          break;
        case 'connected':
          state.agentAnswered = true;
          say(`  （坐席接听：${event.to}）`);
          break;
        case 'disconnected':
          say('  （坐席一侧挂断）');
          break;
        case 'ended':
          finished(event);
          break;
      }
    },
    async beforeRequest(url) {
      if (script.stopAt?.(url)) {
        say(`→ ${pathOf(url)}（自助服务流程，此处不再跟随）`);
        state.stopped = true;
        return 'hangup';
      }
      const parsed = new URL(url);
      if (parsed.pathname !== WAIT_PATH) return 'go';
      if (state.queue === undefined)
        say(`  （进入等待 ${parsed.searchParams.get('skill') ?? ''}）`);
      state.queue ??= parsed.searchParams.get('skill') ?? '';
      state.waitTurns += 1;
      if (state.waitTurns > (script.waitRounds ?? 3)) {
        say('  （来电者在等待时挂机）');
        return 'hangup';
      }
      if (state.waitTurns > 1) await script.onWaitTurn?.(state.waitTurns - 1);
      return 'go';
    },
  };

  say(`呼叫 ${script.to}，来电号码 ${from}`);
  placed.control = await placer.placeCall({ from, to: script.to, party });
  const end = await ended;
  if (end.by === 'provider' && end.reason) throw new CallerError(end.reason, lines);
  if (end.by === 'service') say('  （系统挂机）');
  const outcome: CallOutcome = state.stopped
    ? 'self-service'
    : state.queue !== undefined
      ? 'queue'
      : state.hungUpAtGather
        ? 'caller-hung-up'
        : 'hangup';
  return {
    outcome,
    ...(state.queue !== undefined ? { queue: state.queue } : {}),
    ...(state.hungUpAtGather ? { unansweredGather: state.hungUpAtGather } : {}),
    lines,
    requests,
    agentAnswered: state.agentAnswered,
    finalStatus: end.status,
  };
}
