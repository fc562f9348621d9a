import { z } from 'zod';
import { PROMPT_PLACEHOLDERS, type PromptArgs, type PromptKey } from './prompt-keys.js';

/** The file of the catalogue that holds the prompts. */
export const PROMPTS_FILE = 'prompts.yaml';

/** A placeholder in a sentence: `{date}`. */
const PLACEHOLDER = /\{([^{}]*)\}/g;

type PromptTree = { [key: string]: string | PromptTree };
const promptTreeSchema: z.ZodType<PromptTree> = z.lazy(() => z.record(z.string(), z.union([z.string().trim().min(1, 'empty sentence'), promptTreeSchema])));

/** The prompts, checked: every sentence the code speaks, by key, with its placeholders filled in. */
export interface Prompts {
  /** The sentence of `key` with its placeholders filled in. */
  say<K extends PromptKey>(key: K, ...values: PromptArgs<K>): string;
}

/** The placeholders a sentence uses, in order, once each. */
export function placeholdersOf(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/** Nested keys flattened with dots: `{ booking: { day: { none: ... } } }` -> `booking.day.none`. */
function flatten(tree: PromptTree, prefix = ''): Map<string, string> {
  const flat = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    if (typeof value === 'string') flat.set(`${prefix}${key}`, value);
    else for (const [k, v] of flatten(value, `${prefix}${key}.`)) flat.set(k, v);
  }
  return flat;
}

/**
 * Checks a parsed prompts document against the keys and placeholders the code uses; returns every
 * problem, each naming the key, and the prompts when there is none.
 */
export function checkPrompts(raw: unknown, source = PROMPTS_FILE): { prompts?: Prompts; problems: string[] } {
  const parsed = promptTreeSchema.safeParse(raw);
  if (!parsed.success) return { problems: parsed.error.issues.map((issue) => `${source}: ${issue.path.join('.') || '(top)'}: ${issue.message}`) };
  const texts = flatten(parsed.data);
  const problems: string[] = [];
  for (const [key, expected] of Object.entries(PROMPT_PLACEHOLDERS) as Array<[string, readonly string[]]>) {
    const text = texts.get(key);
    if (text === undefined) {
      problems.push(`${source}: prompt ${key} is missing${expected.length > 0 ? ` (its placeholders: ${expected.map((p) => `{${p}}`).join(' ')})` : ''}`);
      continue;
    }
    const used = placeholdersOf(text);
    for (const name of used) if (!expected.includes(name)) problems.push(`${source}: prompt ${key}: unknown placeholder {${name}}${expected.length > 0 ? ` (it may use ${expected.map((p) => `{${p}}`).join(' ')})` : ' (it takes none)'}`);
    for (const name of expected) if (!used.includes(name)) problems.push(`${source}: prompt ${key}: placeholder {${name}} is missing (the caller would not hear it)`);
    if (/[{}]/.test(text.replace(PLACEHOLDER, ''))) problems.push(`${source}: prompt ${key}: a brace without its pair`);
  }
  for (const key of texts.keys()) if (!Object.hasOwn(PROMPT_PLACEHOLDERS, key)) problems.push(`${source}: prompt ${key} is not used by the service (a typo of a key?)`);
  if (problems.length > 0) return { problems };
  return { prompts: buildPrompts(texts), problems };
}

function buildPrompts(texts: ReadonlyMap<string, string>): Prompts {
  return Object.freeze({
    say<K extends PromptKey>(key: K, ...values: PromptArgs<K>): string {
      const filled = (values[0] ?? {}) as Record<string, string | number>;
      return texts.get(key)!.replace(PLACEHOLDER, (_, name: string) => String(filled[name]));
    },
  });
}
