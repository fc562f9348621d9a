import { DateTime } from 'luxon';
import { ZONE } from '../platform/clock.js';
import { speak, VoiceResponse } from '../platform/twiml.js';

/** Seconds a caller has to start keying; ID numbers and codes get longer. */
const KEY_TIMEOUT_SECONDS = 8;
const LONG_TIMEOUT_SECONDS = 20;
/** Wrong or missing input is asked again this many times before the caller is offered a person. */
export const MAX_ATTEMPTS = 3;

/** A spoken date: 12月1日星期二. */
export function spokenDate(date: string): string {
  const day = DateTime.fromISO(date, { zone: ZONE }).setLocale('zh-CN');
  return `${day.toFormat('M月d日')}${day.toFormat('cccc')}`;
}

/** A spoken time of day: 上午9点半, 下午1点. */
export function spokenClock(at: Date): string {
  const t = DateTime.fromJSDate(at, { zone: ZONE });
  const period = t.hour < 12 ? '上午' : t.hour < 13 ? '中午' : '下午';
  const hour = t.hour > 12 ? t.hour - 12 : t.hour;
  const minute = t.minute === 0 ? '' : t.minute === 30 ? '半' : `${t.minute}分`;
  return `${period}${hour}点${minute}`;
}

/** A slot as read back: 12月1日星期二上午9点至9点半. */
export function spokenSlot(startsAt: Date, endsAt: Date): string {
  const day = DateTime.fromJSDate(startsAt, { zone: ZONE }).toISODate()!;
  return `${spokenDate(day)}${spokenClock(startsAt)}至${spokenClock(endsAt).replace(/^(上午|中午|下午)/, '')}`;
}

/** Digits read one by one so that text-to-speech does not say them as a number: 1，2，3. */
export function spokenDigits(digits: string): string {
  return digits.split('').join('，');
}

export interface AskOptions {
  voice: string;
  /** Said before the question (results, read-backs), in order. */
  before?: readonly string[];
  prompt: string;
  action: string;
  /** One key for a menu choice; omit to read until `#`. */
  numDigits?: number;
}

/**
 * A keypad question: what to say first, then a `<Gather>` that posts every result, empty or
 * not, to `action` (the route counts attempts and never leaves the caller in silence).
 */
export function buildAsk(options: AskOptions): VoiceResponse {
  const response = new VoiceResponse();
  for (const text of options.before ?? []) speak(response, options.voice, text);
  const gather = response.gather({
    input: ['dtmf'],
    action: options.action,
    method: 'POST',
    actionOnEmptyResult: true,
    ...(options.numDigits
      ? { numDigits: options.numDigits, timeout: KEY_TIMEOUT_SECONDS }
      : { finishOnKey: '#', timeout: LONG_TIMEOUT_SECONDS }),
  });
  speak(gather, options.voice, options.prompt);
  return response;
}

/** Says something and moves on to another voice URL (a menu node, the operator, the next step). */
export function buildSayAndRedirect(
  voice: string,
  texts: readonly string[],
  url: string,
): VoiceResponse {
  const response = new VoiceResponse();
  for (const text of texts) speak(response, voice, text);
  response.redirect({ method: 'POST' }, url);
  return response;
}

/** Says the result and the `goodbye` sentence, then hangs up: the end of a completed self-service. */
export function buildGoodbye(
  voice: string,
  texts: readonly string[],
  goodbye: string,
): VoiceResponse {
  const response = new VoiceResponse();
  for (const text of texts) speak(response, voice, text);
  speak(response, voice, goodbye);
  response.hangup();
  return response;
}
