import { buildMenuGraph, menuNode } from './menu-graph.js';
import type { Menu } from './menu-schemas.js';

/** Words the IVR itself understands on every menu; an option must not claim them. */
export const RESERVED_WORDS = {
  operator: ['人工', '转人工', '人工服务', '接线员'],
  repeat: ['重听', '再听一遍', '重复'],
  back: ['返回', '上一级', '返回上一级'],
} as const;

const reservedWords = new Set<string>(Object.values(RESERVED_WORDS).flat());

/** Mandarin voices Twilio offers for `<Say language="cmn-CN">`. */
const MANDARIN_VOICE =
  /^(Polly\.Zhiyu(-Neural)?|Google\.cmn-CN-(Standard|Wavenet|Neural2|Chirp3-HD|Chirp-HD)-[A-Za-z0-9]+)$/;

/** Problems with the configured text-to-speech voice (it must speak Mandarin). */
export function lintVoice(voice: string): string[] {
  return MANDARIN_VOICE.test(voice)
    ? []
    : [
        `TWILIO_VOICE: ${voice} is not a Mandarin (cmn-CN) voice; use Polly.Zhiyu, Polly.Zhiyu-Neural or Google.cmn-CN-*`,
      ];
}

/** Most options a menu node offers by default: contact-centre practice is five or six a level. */
export const DEFAULT_MENU_MAX_OPTIONS = 6;

/** Settings of the menu checks. */
export interface LintOptions {
  /** Most options one menu node may offer, counting only its own keys (not 9, * and 0). Default {@link DEFAULT_MENU_MAX_OPTIONS}. */
  maxOptions?: number;
  /** Whether the provider hears speech (TELEPHONY_PROFILE); without it no prompt may ask the caller to speak. Default true. */
  speechInput?: boolean;
}

/** Words that ask the caller to speak: a keys-only provider (twiml-core) never hears the answer. */
const SPEECH_INVITATION = /请说|请直接说|直接说出|您可以说|说出您/;

/** The problem with a sentence that asks for speech on a keys-only provider, if it does. */
export function speechInvitation(at: string, text: string | undefined): string | undefined {
  const found = text === undefined ? null : SPEECH_INVITATION.exec(text);
  return found
    ? `${at}: the prompt asks the caller to speak (${found[0]}…), but the telephony profile takes keys only (TELEPHONY_PROFILE=twiml-core); word it as 请按…`
    : undefined;
}

/** Words that promise the caller a person now; only a queue node's own prompt may say them. */
const TRANSFER_PROMISE = /请稍候|为您(?:优先)?转接/;

/** A placeholder (`{date}`) or a lone brace: prompts.yaml fills placeholders, a menu prompt is said as written. */
const PLACEHOLDER_LIKE = /\{[^{}]*\}|[{}]/;

/** How a key is said in a prompt: 按1, or #号键 / 井号键 for #. */
function announces(prompt: string, key: string): boolean {
  if (key === '#') return prompt.includes('#') || prompt.includes('井号');
  return prompt.includes(`按${key}`);
}

/**
 * What a menu writer must fix beyond the schema and references: unreachable nodes, silent
 * loops, information nodes that promise a transfer, options the prompt does not announce, keywords two options share or the IVR reserves,
 * recordings not served over https, menus with more options than a caller can hold in their head, and prompts with a
 * placeholder nothing fills.
 */
export function lintMenu(menu: Menu, source: string, options: LintOptions = {}): string[] {
  const problems: string[] = [];
  const maxOptions = options.maxOptions ?? DEFAULT_MENU_MAX_OPTIONS;
  const graph = buildMenuGraph(menu);
  const placeholder = (at: string, text: string | undefined) => {
    const found = text === undefined ? null : PLACEHOLDER_LIKE.exec(text);
    if (found)
      problems.push(
        `${at}: the prompt has ${found[0]}, but a menu prompt is said as written (placeholders are filled only in prompts.yaml)`,
      );
  };
  const keysOnly = (at: string, text: string | undefined) => {
    const problem = options.speechInput === false ? speechInvitation(at, text) : undefined;
    if (problem) problems.push(problem);
  };
  placeholder(`${source}: consent`, menu.consent);
  keysOnly(`${source}: consent`, menu.consent);
  for (const id of Object.keys(menu.nodes)) {
    if (!graph.backTo.has(id))
      problems.push(`${source}: node ${id} is not reachable from ${menu.start}`);
  }
  for (const [id, node] of Object.entries(menu.nodes)) {
    const at = `${source}: node ${id}`;
    placeholder(at, node.prompt);
    keysOnly(at, node.prompt);
    if ('audioUrl' in node && node.audioUrl && !node.audioUrl.startsWith('https://'))
      problems.push(`${at}: audioUrl must be an https URL`);
    if (node.kind === 'info' && TRANSFER_PROMISE.test(node.prompt)) {
      // The queue decides at the moment it is reached whether a person can answer (opening hours):
      // an information node that promises a transfer would be followed by "closed" at night.
      problems.push(
        `${at}: an information node promises a transfer (${TRANSFER_PROMISE.exec(node.prompt)![0]}); put it in the queue node's prompt, which is said only when the hall is open`,
      );
    }
    if (node.kind === 'info') {
      // A chain of information nodes that comes back to itself never asks for input: silence for ever.
      const seen = new Set<string>([id]);
      let next = menuNode(menu, node.next);
      let nextId = node.next;
      while (next?.kind === 'info') {
        if (seen.has(nextId)) {
          problems.push(
            `${at}: information nodes loop (${[...seen].join(' -> ')}) without ever asking for input`,
          );
          break;
        }
        seen.add(nextId);
        nextId = next.next;
        next = menuNode(menu, nextId);
      }
    }
    if (node.kind !== 'menu') continue;
    if (node.options.length > maxOptions) {
      problems.push(
        `${at}: ${node.options.length} options, more than ${maxOptions} (IVR_MENU_MAX_OPTIONS); move the less asked ones to a sub-menu`,
      );
    }
    const owners = new Map<string, string>();
    for (const option of node.options) {
      if (!node.audioUrl && !announces(node.prompt, option.key))
        problems.push(
          `${at}: option ${option.key} (${option.label}) is not announced in the prompt (say 按${option.key})`,
        );
      for (const word of [option.label, ...option.keywords]) {
        if (reservedWords.has(word))
          problems.push(
            `${at}: option ${option.key} uses the reserved word ${word} (the IVR keeps it for 0, 9 or *)`,
          );
        const owner = owners.get(word);
        if (owner && owner !== option.key)
          problems.push(
            `${at}: keyword ${word} belongs to both option ${owner} and option ${option.key}`,
          );
        owners.set(word, option.key);
      }
    }
  }
  return problems;
}
