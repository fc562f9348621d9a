import type { Hall, Hotline } from '../catalogue/index.js';
import { MANDARIN_SPEECH, speak, VoiceResponse } from '../platform/twiml.js';
import type { Menu, MenuNode } from './menu-schemas.js';

/** Seconds of silence after a menu prompt before the Gather gives up. */
export const GATHER_TIMEOUT_SECONDS = 6;

type MenuKind = Extract<MenuNode, { kind: 'menu' }>;

/** Speech hints for a menu: its options' labels and keywords, plus the words for a person. */
export function menuHints(node: MenuKind): string {
  const words = new Set<string>(['人工', '转人工', '重听', '返回']);
  for (const option of node.options) {
    words.add(option.label);
    for (const keyword of option.keywords) words.add(keyword);
  }
  return [...words].join(',');
}

/** Appends a menu's `<Gather>` (DTMF and Mandarin speech) that posts every result, empty or not, to `action`. */
export function appendMenuGather(response: VoiceResponse, node: MenuKind, voice: string, action: string): void {
  const gather = response.gather({
    input: ['dtmf', 'speech'],
    language: MANDARIN_SPEECH as never,
    hints: menuHints(node),
    numDigits: 1,
    timeout: GATHER_TIMEOUT_SECONDS,
    speechTimeout: 'auto',
    action,
    method: 'POST',
    actionOnEmptyResult: true,
  });
  speak(gather, voice, node.prompt, node.audioUrl);
}

/** Says `0:00`-style opening sessions the way a person would: 上午八点半至十一点半. */
export function spokenHours(hall: Pick<Hall, 'hours'>): string {
  return hall.hours.map((s) => `${spokenTime(s.from)}至${spokenTime(s.to)}`).join('，');
}

function spokenTime(hhmm: string): string {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  const period = h < 12 ? '上午' : h < 13 ? '中午' : '下午';
  const hour12 = h > 12 ? h - 12 : h;
  const minutes = m === 0 ? '' : m === 30 ? '半' : `${m}分`;
  return `${period}${hour12}点${minutes}`;
}

/**
 * The first answer on a hotline: its greeting, the recording notice, current announcements,
 * then the start node.
 */
export function buildWelcome(options: {
  hotline: Hotline;
  menu: Menu;
  announcements: readonly string[];
  voice: string;
  startAction: string;
}): VoiceResponse {
  const { hotline, menu, voice } = options;
  const response = new VoiceResponse();
  speak(response, voice, hotline.greeting);
  speak(response, voice, menu.consent, menu.consentAudioUrl);
  for (const text of options.announcements) speak(response, voice, text);
  const start = menu.nodes[menu.start];
  if (start?.kind === 'menu') appendMenuGather(response, start, voice, options.startAction);
  else response.redirect({ method: 'POST' }, options.startAction);
  return response;
}

/** For a number that is not one of the hotlines: a polite explanation and a hang-up. */
export function buildUnknownNumber(voice: string): VoiceResponse {
  const response = new VoiceResponse();
  speak(response, voice, '您好，您拨打的号码暂未开通预约服务。请拨打双鸭山市政务服务大厅公布的预约热线，或通过“双营通”微信公众号预约办理。感谢您的来电，再见。');
  response.hangup();
  return response;
}

/**
 * The Voice Fallback answer when the main path failed: an apology, the hall's hours and the
 * other channels, then a goodbye. Uses only the in-memory catalogue.
 */
export function buildFallback(voice: string, hotline: Hotline | undefined, hall: Hall | undefined): VoiceResponse {
  const response = new VoiceResponse();
  const who = hotline ? `您好，这里是${hotline.name}。` : '您好。';
  const hours = hall ? `${hall.name}的办公时间是工作日${spokenHours(hall)}，地址是${hall.address}。` : '';
  speak(
    response,
    voice,
    `${who}非常抱歉，系统暂时无法为您服务。${hours}您可以稍后再拨，也可以通过双鸭山市政务服务网或“双营通”微信公众号预约办理。感谢您的来电，再见。`,
  );
  response.hangup();
  return response;
}
