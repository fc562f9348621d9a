import type { CallerInput } from './caller-types.js';

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
