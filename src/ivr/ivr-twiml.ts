import { DateTime } from 'luxon';
import type { Hall, Hotline, Prompts } from '../catalogue/index.js';
import { shanghai, ZONE } from '../platform/clock.js';
import { MANDARIN_SPEECH, speak, VoiceResponse } from '../platform/twiml.js';
import type { Choosable } from './ivr-input.js';
import { RESERVED_WORDS } from './menu-lint.js';
import type { MenuNode } from './menu-schemas.js';

/** Seconds of silence after a menu prompt before the Gather gives up. */
export const GATHER_TIMEOUT_SECONDS = 6;

type MenuKind = Extract<MenuNode, { kind: 'menu' }>;
type Gather = ReturnType<VoiceResponse['gather']>;

/** Speech hints: the choices' labels and keywords, plus the words for a person, repeat and back. */
export function menuHints(options: readonly Choosable[]): string {
  const words = new Set<string>(Object.values(RESERVED_WORDS).flat());
  for (const option of options) {
    words.add(option.label);
    for (const keyword of option.keywords) words.add(keyword);
  }
  return [...words].join(',');
}

/** The reserved keys a prompt does not already announce: 重听请按9, 返回上一级请按星号键, 转人工请按0. */
export function reservedKeysHint(
  prompts: Prompts,
  prompt: string,
  options: { atStart: boolean; operator?: boolean },
): string {
  const parts: string[] = [];
  if (!prompt.includes('按9')) parts.push(prompts.say('ivr.hint.repeat'));
  if (!options.atStart && !prompt.includes('按*') && !prompt.includes('星号'))
    parts.push(prompts.say('ivr.hint.back'));
  if (options.operator !== false && !prompt.includes('按0'))
    parts.push(prompts.say('ivr.hint.operator'));
  return parts.length > 0 ? `${parts.join('，')}。` : '';
}

/**
 * Opens a `<Gather>` for DTMF, and Mandarin speech when the provider recognises it (`speech`),
 * that posts every result, empty or not, to `action`.
 */
export function openGather(
  response: VoiceResponse,
  options: readonly Choosable[],
  action: string,
  speech: boolean,
  timeout = GATHER_TIMEOUT_SECONDS,
): Gather {
  return response.gather({
    input: speech ? ['dtmf', 'speech'] : ['dtmf'],
    ...(speech ? { language: MANDARIN_SPEECH as never, hints: menuHints(options) } : {}),
    numDigits: 1,
    // '#' is a menu key here, not Twilio's default end-of-input key.
    finishOnKey: '',
    timeout,
    ...(speech ? { speechTimeout: 'auto' } : {}),
    action,
    method: 'POST',
    actionOnEmptyResult: true,
  });
}

/** A menu node: an optional lead-in (e.g. 输入有误), its prompt or recording, and the reserved keys. */
export function appendMenuGather(
  response: VoiceResponse,
  node: MenuKind,
  voice: string,
  action: string,
  options: { atStart: boolean; leadIn?: string; prompts: Prompts; speech: boolean },
): void {
  const gather = openGather(response, node.options, action, options.speech);
  const leadIn = options.leadIn ?? '';
  const hint = reservedKeysHint(options.prompts, node.audioUrl ? '' : node.prompt, {
    atStart: options.atStart,
  });
  if (node.audioUrl) {
    if (leadIn) speak(gather, voice, leadIn);
    speak(gather, voice, node.prompt, node.audioUrl);
    if (hint) speak(gather, voice, hint);
  } else speak(gather, voice, `${leadIn}${node.prompt}${hint}`);
}

/** A generated choice (after hours, queue busy, commissioner offer): its prompt, then a Gather; appended to `response` when given (the welcome). */
export function buildChoice(options: {
  voice: string;
  leadIn?: string;
  prompt: string;
  choices: readonly Choosable[];
  action: string;
  speech: boolean;
  response?: VoiceResponse;
}): VoiceResponse {
  const response = options.response ?? new VoiceResponse();
  if (options.leadIn) speak(response, options.voice, options.leadIn);
  const gather = openGather(response, options.choices, options.action, options.speech);
  speak(gather, options.voice, options.prompt);
  return response;
}

const period = (hhmm: string) => {
  const h = Number(hhmm.slice(0, 2));
  return h < 12 ? '上午' : h < 13 ? '中午' : '下午';
};

/** Says `HH:mm` the way a person would: 上午8点半, 下午1点; without the period when `bare`. */
export function spokenTime(hhmm: string, bare = false): string {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  const hour12 = h > 12 ? h - 12 : h;
  const minutes = m === 0 ? '' : m === 30 ? '半' : `${m}分`;
  return `${bare ? '' : period(hhmm)}${hour12}点${minutes}`;
}

/** A hall's opening sessions, spoken: 上午8点半至11点半，下午1点至4点半. */
export function spokenHours(hall: Pick<Hall, 'hours'>): string {
  return hall.hours
    .map((s) => `${spokenTime(s.from)}至${spokenTime(s.to, period(s.from) === period(s.to))}`)
    .join('，');
}

const weekdays = ['星期一', '星期二', '星期三', '星期四', '星期五', '星期六', '星期日'];

/** A date (YYYY-MM-DD) spoken with its weekday: 5月3日星期一. */
export function spokenDay(date: string): string {
  const day = DateTime.fromISO(date, { zone: ZONE });
  return `${day.month}月${day.day}日${weekdays[day.weekday - 1]}`;
}

/** An instant relative to now, spoken in Asia/Shanghai: 今天下午1点, 明天上午8点半, 10月9日星期五上午8点半. */
export function spokenWhen(at: Date, now: Date): string {
  const when = shanghai(at);
  const today = shanghai(now);
  const day = when.hasSame(today, 'day')
    ? '今天'
    : when.hasSame(today.plus({ days: 1 }), 'day')
      ? '明天'
      : `${when.month}月${when.day}日${weekdays[when.weekday - 1]}`;
  return `${day}${spokenTime(when.toFormat('HH:mm'))}`;
}

/** The first answer on a hotline: greeting, recording notice and announcements; the caller's next step is appended by the caller of this. */
export function buildWelcome(options: {
  hotline: Hotline;
  consent: string;
  consentAudioUrl?: string | undefined;
  announcements: readonly string[];
  voice: string;
}): VoiceResponse {
  const response = new VoiceResponse();
  speak(response, options.voice, options.hotline.greeting);
  speak(response, options.voice, options.consent, options.consentAudioUrl);
  for (const text of options.announcements) speak(response, options.voice, text);
  return response;
}

/** Speaks `text` (or plays the recording), then asks Twilio for `next`. */
export function buildSayThenRedirect(
  voice: string,
  text: string | undefined,
  next: string,
  audioUrl?: string,
): VoiceResponse {
  const response = new VoiceResponse();
  if (text || audioUrl) speak(response, voice, text ?? '', audioUrl);
  response.redirect({ method: 'POST' }, next);
  return response;
}

/** A polite last sentence and a hang-up. */
export function buildGoodbye(voice: string, text: string, audioUrl?: string): VoiceResponse {
  const response = new VoiceResponse();
  speak(response, voice, text, audioUrl);
  response.hangup();
  return response;
}

/** Says the transfer sentence and takes the caller into the service's own wait loop (a provider without queues). */
export function buildOwnQueue(options: {
  voice: string;
  say: string;
  audioUrl?: string | undefined;
  waitUrl: string;
}): VoiceResponse {
  return buildSayThenRedirect(options.voice, options.say, options.waitUrl, options.audioUrl);
}

/** Puts the caller in the Twilio queue named after the skill, with the IVR's wait and result URLs. */
export function buildEnqueue(options: {
  voice: string;
  say: string;
  audioUrl?: string | undefined;
  queueName: string;
  waitUrl: string;
  action: string;
}): VoiceResponse {
  const response = new VoiceResponse();
  speak(response, options.voice, options.say, options.audioUrl);
  response.enqueue(
    { waitUrl: options.waitUrl, waitUrlMethod: 'POST', action: options.action, method: 'POST' },
    options.queueName,
  );
  return response;
}

/**
 * One turn of the wait loop: position and expected wait (when due), the callback offer (when due),
 * then music. In the provider's queue (`<Enqueue waitUrl>`) the provider asks again when the music
 * ends; in the service's own wait loop `next` is the wait URL the caller is redirected back to.
 */
export function buildWait(options: {
  voice: string;
  position?: string;
  offer?: { text: string; action: string };
  musicUrl: string;
  next?: string;
}): VoiceResponse {
  const response = new VoiceResponse();
  if (options.position) speak(response, options.voice, options.position);
  if (options.offer) {
    const gather = response.gather({
      input: ['dtmf'],
      numDigits: 1,
      timeout: 4,
      action: options.offer.action,
      method: 'POST',
    });
    speak(gather, options.voice, options.offer.text);
  }
  response.play({}, options.musicUrl);
  if (options.next) response.redirect({ method: 'POST' }, options.next);
  return response;
}

/** For a number that is not one of the hotlines: a polite explanation and a hang-up. */
export function buildUnknownNumber(voice: string, prompts: Prompts): VoiceResponse {
  return buildGoodbye(voice, prompts.say('ivr.unknownNumber'));
}

/**
 * The Voice Fallback answer when the main path failed: an apology, the hall's hours and the
 * other channels, then a goodbye. Uses only the in-memory catalogue.
 */
export function buildFallback(
  voice: string,
  prompts: Prompts,
  hotline: Hotline | undefined,
  hall: Hall | undefined,
): VoiceResponse {
  const greeting = hotline
    ? prompts.say('ivr.fallback.greeting', { hotline: hotline.name })
    : prompts.say('ivr.fallback.greetingAnonymous');
  const hours = hall
    ? prompts.say('ivr.fallback.hours', {
        hall: hall.name,
        hours: spokenHours(hall),
        address: hall.address,
      })
    : '';
  return buildGoodbye(
    voice,
    prompts.say('ivr.fallback.sentence', {
      greeting,
      hours,
      fallback: prompts.say('city.fallback'),
    }),
  );
}
