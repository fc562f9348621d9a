import type { ProviderCall } from './call-registry.js';
import type { EngineCore, Outcome } from './engine-core.js';
import type { Verb } from './twiml-reader.js';

/** Twilio's cap on `loop="0"` is 1000; the local provider plays a loop of that length 10 times. */
const loopTimes = (value: string | undefined) =>
  value === '0' ? 10 : Math.min(Math.max(Number(value ?? 1) || 1, 1), 10);

/**
 * Say, Play and Pause as the party hears them, and Gather as the provider listens (Twilio's
 * defaults: timeout 5 s, finishOnKey #, actionOnEmptyResult false; prompts inside barge-in).
 */
export function createPromptRunner(core: EngineCore) {
  async function play(call: ProviderCall, verb: Verb): Promise<void> {
    const signal = call.current.signal;
    if (verb.name === 'Say') {
      for (let i = 0; i < loopTimes(verb.attributes.loop); i += 1) {
        call.party.hear({
          kind: 'say',
          text: verb.text,
          ...(verb.attributes.voice ? { voice: verb.attributes.voice } : {}),
          ...(verb.attributes.language ? { language: verb.attributes.language } : {}),
        });
        await core.time.sleep(core.pace.sayMs(verb.text), signal);
      }
    } else if (verb.name === 'Play') {
      for (let i = 0; i < loopTimes(verb.attributes.loop); i += 1) {
        call.party.hear({ kind: 'play', url: verb.text });
        await core.time.sleep(core.pace.playMs, signal);
      }
    } else if (verb.name === 'Pause') {
      const seconds = Number(verb.attributes.length ?? 1);
      call.party.hear({ kind: 'pause', seconds });
      await core.time.sleep(seconds * 1000, signal);
    }
  }

  /** Resolves true when input arrives, false after `ms` of silence. */
  function inputOrSilence(call: ProviderCall, ms: number): Promise<boolean> {
    if (call.inputs.length > 0) return Promise.resolve(true);
    return new Promise<boolean>((resolve, reject) => {
      call.inputArrived = () => resolve(true);
      core.time.sleep(ms, call.current.signal).then(() => resolve(false), reject);
    }).finally(() => (call.inputArrived = undefined));
  }

  async function gather(
    call: ProviderCall,
    verb: Verb,
    documentUrl: string,
    waiting: boolean,
  ): Promise<Outcome | undefined> {
    const a = verb.attributes;
    const timeout = Number(a.timeout ?? 5);
    const numDigits = a.numDigits ? Number(a.numDigits) : undefined;
    const finishOnKey = a.finishOnKey ?? '#';
    const speech = (a.input ?? 'dtmf').includes('speech');
    call.inputs.length = 0;
    // The prompts inside play until the first key or words (barge-in); then the party is told the provider listens.
    for (const child of verb.children) {
      if (call.inputs.length > 0) break;
      await play(call, child);
    }
    call.party.hear({
      kind: 'gather',
      timeout,
      ...(numDigits ? { numDigits } : {}),
      finishOnKey,
      speech,
      waiting,
      action: a.action ?? documentUrl,
    });
    let digits = '';
    for (;;) {
      const input = call.inputs.shift();
      if (!input) {
        if (!(await inputOrSilence(call, timeout * 1000))) break;
        continue;
      }
      if ('speech' in input) {
        if (!speech) continue;
        return {
          next: {
            url: a.action ?? documentUrl,
            params: { SpeechResult: input.speech, Confidence: String(input.confidence) },
          },
        };
      }
      let finished = false;
      for (const key of input.digits) {
        if (finishOnKey && key === finishOnKey) finished = true;
        else digits += key;
        if (finished || (numDigits && digits.length >= numDigits)) {
          finished = true;
          break;
        }
      }
      if (finished) break;
    }
    if (digits || a.actionOnEmptyResult === 'true')
      return { next: { url: a.action ?? documentUrl, params: digits ? { Digits: digits } : {} } };
    return undefined;
  }

  return { play, gather };
}
