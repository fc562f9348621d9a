import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Catalogue } from '../catalogue/index.js';
import { lintMenu, speechInvitation, type LintOptions } from './menu-lint.js';
import { menuSchema, type Menu } from './menu-schemas.js';

/** Raised when a menu file is unreadable or refers to something that does not exist. */
export class MenuError extends Error {
  override name = 'MenuError';
  constructor(readonly problems: readonly string[]) {
    super(`The IVR menus are invalid:\n  ${problems.join('\n  ')}`);
  }
}

/** Parses one menu document and checks its references against the catalogue; returns problems. */
export function checkMenu(
  raw: unknown,
  catalogue: Catalogue,
  source: string,
): { menu?: Menu; problems: string[] } {
  const result = menuSchema.safeParse(raw);
  if (!result.success) {
    return {
      problems: result.error.issues.map(
        (issue) => `${source}: ${issue.path.join('.')}: ${issue.message}`,
      ),
    };
  }
  const menu = result.data;
  const problems: string[] = [];
  const exists = (id: string) => Object.hasOwn(menu.nodes, id);
  if (!exists(menu.start)) problems.push(`${source}: start node ${menu.start} does not exist`);
  for (const department of menu.speech?.personOnUnmatched ?? []) {
    if (!catalogue.department(department))
      problems.push(`${source}: speech.personOnUnmatched: ${department} is not a department id`);
  }
  for (const [id, node] of Object.entries(menu.nodes)) {
    const at = `${source}: node ${id}`;
    switch (node.kind) {
      case 'menu': {
        const keys = new Set<string>();
        for (const option of node.options) {
          if (keys.has(option.key)) problems.push(`${at}: key ${option.key} is mapped twice`);
          keys.add(option.key);
          if (!exists(option.next))
            problems.push(`${at}: option ${option.key} goes to missing node ${option.next}`);
        }
        break;
      }
      case 'info':
        if (!exists(node.next)) problems.push(`${at}: next node ${node.next} does not exist`);
        break;
      case 'queue':
      case 'callback':
        if (!catalogue.department(node.skill))
          problems.push(`${at}: skill ${node.skill} is not a department id`);
        break;
      case 'booking':
        if (!exists(node.fallback))
          problems.push(`${at}: fallback node ${node.fallback} does not exist`);
        for (const serviceId of node.services) {
          const found = catalogue.service(serviceId);
          if (!found) problems.push(`${at}: service ${serviceId} does not exist`);
          else if (!found.service.bookable)
            problems.push(`${at}: service ${serviceId} is not bookable`);
        }
        break;
      case 'booking-lookup':
        if (node.fallback && !exists(node.fallback))
          problems.push(`${at}: fallback node ${node.fallback} does not exist`);
        break;
      case 'hangup':
        break;
    }
  }
  return { menu, problems };
}

/** Loads every menu in `<catalogueDir>/menus` that a hotline uses; throws {@link MenuError} listing all problems. */
export function loadMenus(
  catalogueDir: string,
  catalogue: Catalogue,
  options: LintOptions = {},
): ReadonlyMap<string, Menu> {
  const { menus, problems } = readMenus(catalogueDir, catalogue, options);
  if (problems.length > 0) throw new MenuError(problems);
  return menus;
}

/** Reads, checks and lints every menu file; returns the valid menus and every problem found, without throwing. */
export function readMenus(
  catalogueDir: string,
  catalogue: Catalogue,
  options: LintOptions = {},
): { menus: ReadonlyMap<string, Menu>; problems: string[] } {
  const dir = join(catalogueDir, 'menus');
  const problems: string[] = [];
  const menus = new Map<string, Menu>();
  const files = existsSync(dir)
    ? readdirSync(dir).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    : [];
  for (const file of files.sort()) {
    const source = `menus/${file}`;
    let raw: unknown;
    try {
      raw = parse(readFileSync(join(dir, file), 'utf8'));
    } catch (error) {
      problems.push(`${source}: not valid YAML: ${(error as Error).message}`);
      continue;
    }
    const checked = checkMenu(raw, catalogue, source);
    problems.push(...checked.problems);
    if (checked.menu) problems.push(...lintMenu(checked.menu, source, options));
    if (checked.menu) {
      if (`${checked.menu.id}.yaml` !== file && `${checked.menu.id}.yml` !== file)
        problems.push(`${source}: id ${checked.menu.id} does not match the file name`);
      menus.set(checked.menu.id, checked.menu);
    }
  }
  if (options.speechInput === false) problems.push(...keysOnlyPromptProblems(catalogueDir));
  for (const hotline of catalogue.hotlines) {
    if (!menus.has(hotline.menu))
      problems.push(
        `hotlines.yaml: ${hotline.number} uses menu ${hotline.menu}, which has no valid file in menus/`,
      );
  }
  const used = new Set(catalogue.hotlines.map((hotline) => hotline.menu));
  for (const id of menus.keys()) {
    if (!used.has(id)) problems.push(`menus/${id}.yaml: no hotline uses this menu`);
  }
  return { menus, problems };
}

/** Sentences of prompts.yaml that ask the caller to speak, for a keys-only provider (the file itself is checked by the catalogue). */
function keysOnlyPromptProblems(catalogueDir: string): string[] {
  const file = join(catalogueDir, 'prompts.yaml');
  if (!existsSync(file)) return [];
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch {
    return [];
  }
  const problems: string[] = [];
  const walk = (node: unknown, key: string) => {
    if (typeof node === 'string') {
      const problem = speechInvitation(`prompts.yaml: prompt ${key}`, node);
      if (problem) problems.push(problem);
    } else if (node && typeof node === 'object')
      for (const [k, v] of Object.entries(node)) walk(v, key ? `${key}.${k}` : k);
  };
  walk(raw, '');
  return problems;
}
