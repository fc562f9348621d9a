import { RESERVED_WORDS } from './menu-lint.js';

/** Below this speech-recognition confidence the caller is asked again. */
export const MIN_SPEECH_CONFIDENCE = 0.5;

/** What the caller gave a `<Gather>`: keys, words, or nothing. */
export interface GatherInput {
  digits?: string | undefined;
  speech?: string | undefined;
  confidence?: number | undefined;
}

/** One thing a caller can choose: a key and the words that mean it. */
export interface Choosable {
  key: string;
  label: string;
  keywords: readonly string[];
}

export type Interpretation =
  | { kind: 'choice'; key: string; via: 'dtmf' | 'speech'; heard: string }
  | { kind: 'repeat' | 'back' | 'operator'; heard: string }
  | { kind: 'timeout' }
  | { kind: 'unclear'; heard: string }
  | { kind: 'invalid'; heard: string };

const reservedKeys: Record<string, 'repeat' | 'back' | 'operator'> = {
  '9': 'repeat',
  '*': 'back',
  '0': 'operator',
};
const chineseDigits: Record<string, string> = {
  零: '0',
  一: '1',
  幺: '1',
  二: '2',
  两: '2',
  三: '3',
  四: '4',
  五: '5',
  六: '6',
  七: '7',
  八: '8',
  九: '9',
};

/** Speech without punctuation and spaces, as recognisers add them freely (我要预约。). */
function normalise(speech: string): string {
  return speech.replace(/[\s\p{P}]/gu, '');
}

/**
 * Maps keys or Mandarin speech to a choice. Speech matches by the longest keyword it contains,
 * so 取消预约 wins over 预约; "按1" or "一" counts as the key; 人工, 重听 and 返回 mean 0, 9 and *.
 */
export function interpretInput(input: GatherInput, options: readonly Choosable[]): Interpretation {
  const digits = input.digits?.trim();
  if (digits) {
    const reserved = reservedKeys[digits];
    if (reserved) return { kind: reserved, heard: digits };
    const option = options.find((o) => o.key === digits);
    return option
      ? { kind: 'choice', key: option.key, via: 'dtmf', heard: digits }
      : { kind: 'invalid', heard: digits };
  }
  const speech = input.speech ? normalise(input.speech) : '';
  if (!speech) return { kind: 'timeout' };
  if (input.confidence !== undefined && input.confidence < MIN_SPEECH_CONFIDENCE)
    return { kind: 'unclear', heard: speech };
  const spokenKey = /^(?:按)?([0-9#*]|[零一幺二两三四五六七八九])(?:号键|号|键)?$/u.exec(
    speech,
  )?.[1];
  if (spokenKey) return interpretInput({ digits: chineseDigits[spokenKey] ?? spokenKey }, options);
  let best: { key: string; length: number } | undefined;
  for (const option of options) {
    for (const word of [option.label, ...option.keywords]) {
      if (speech.includes(normalise(word)) && (!best || word.length > best.length))
        best = { key: option.key, length: word.length };
    }
  }
  // Reserved words compete on length too: 人工服务 is a request for a person, not a keyword.
  for (const [kind, words] of Object.entries(RESERVED_WORDS) as Array<
    [keyof typeof RESERVED_WORDS, readonly string[]]
  >) {
    for (const word of words) {
      if (speech.includes(word) && (!best || word.length > best.length))
        best = { key: kind, length: word.length };
    }
  }
  if (!best) return { kind: 'invalid', heard: speech };
  if (best.key === 'operator' || best.key === 'repeat' || best.key === 'back')
    return { kind: best.key, heard: speech };
  return { kind: 'choice', key: best.key, via: 'speech', heard: speech };
}
