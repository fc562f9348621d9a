import type { Catalogue, Hotline, Service } from '../catalogue/index.js';
import type { Menu } from '../ivr/index.js';
import type { Random } from '../platform/random.js';
import { callerNumber, callerPatience, randomPerson, type CallerWant } from './caller-model.js';

/** The demo history's mean patience (20 s plus an exponential of 240 s): a session's patience scales it. */
export const HISTORY_MEAN_PATIENCE_SECONDS = 260;

/** A question the agent asks and the simulated caller's answer, shown as text on the agent's desk. */
export interface TrainingAnswer {
  question: string;
  answer: string;
}

/** One simulated caller: whom they call, the keys they press to reach a person, how long they wait, what they say. */
export interface TrainingScript {
  department: string;
  hotline: string;
  from: string;
  want: CallerWant;
  /** Keys at the menus' Gathers, in order; at any further Gather (after the agent) the caller hangs up. */
  keys: string[];
  patienceSeconds: number;
  answers: TrainingAnswer[];
}

/** How a session's callers are drawn. */
export interface CallerMix {
  departments: readonly string[];
  /** Relative weights of what callers want. */
  wants: Readonly<Record<CallerWant, number>>;
  /** Mean seconds a queued caller waits before hanging up. */
  patienceSeconds: number;
}

const WANT_LABEL: Record<CallerWant, RegExp> = {
  book: /预约/,
  consult: /咨询/,
  'by-phone': /电话办理/,
};

/** A name as the desk shows it: the surname, the rest masked. */
export const maskName = (name: string) => `${name.slice(0, 1)}${'*'.repeat(name.length - 1)}`;

/**
 * The keys from a menu's start to a queue of `department` (breadth first), preferring a path whose
 * first choice says what the caller wants (预约, 咨询, 电话办理); none when the menu has no such queue.
 */
export function keysToDepartment(
  menu: Menu,
  department: string,
  want: CallerWant,
): string[] | undefined {
  const found: Array<{ keys: string[]; labels: string[] }> = [];
  const queue: Array<{ id: string; keys: string[]; labels: string[] }> = [
    { id: menu.start, keys: [], labels: [] },
  ];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const { id, keys, labels } = queue.shift()!;
    if (seen.has(id) || !Object.hasOwn(menu.nodes, id)) continue;
    seen.add(id);
    const node = menu.nodes[id]!;
    if (node.kind === 'queue' && node.skill === department && !node.greenChannel)
      found.push({ keys, labels });
    if (node.kind === 'menu')
      for (const option of node.options)
        queue.push({
          id: option.next,
          keys: [...keys, option.key],
          labels: [...labels, option.label],
        });
  }
  const wanted = found.find((path) => WANT_LABEL[want].test(path.labels[0] ?? ''));
  return (wanted ?? found[0])?.keys;
}

function pickWeighted<T extends string>(random: Random, weights: Readonly<Record<T, number>>): T {
  const entries = Object.entries(weights) as Array<[T, number]>;
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  let left = random.next() * total;
  for (const [key, weight] of entries) {
    left -= weight;
    if (left < 0) return key;
  }
  return entries.at(-1)![0];
}

/**
 * Where a caller of `department` dials and what they press: a hotline whose menu leads to the
 * department's queue by what they want (the department's own hotlines first), else the
 * department's own hotline and 0 (a person).
 */
function route(
  catalogue: Catalogue,
  menus: ReadonlyMap<string, Menu>,
  department: string,
  want: CallerWant,
): { hotline: Hotline; keys: string[] } | undefined {
  const hotlines = [...catalogue.hotlines].sort(
    (a, b) => Number(b.department === department) - Number(a.department === department),
  );
  for (const hotline of hotlines) {
    const menu = menus.get(hotline.menu);
    const keys = menu && keysToDepartment(menu, department, want);
    if (keys) return { hotline, keys };
  }
  const own = catalogue.hotlines.find((h) => h.department === department);
  return own && { hotline: own, keys: ['0'] };
}

const ASKS: Record<CallerWant, (service: string) => string> = {
  book: (service) => `我想预约到大厅办理${service}。`,
  consult: (service) => `我想咨询一下${service}需要带哪些材料。`,
  'by-phone': (service) => `${service}能不能在电话里直接办？`,
};

/** Draws one caller of the mix: the demo history's patience and numbers, a person, a service of the department. */
export function drawCaller(
  random: Random,
  catalogue: Catalogue,
  menus: ReadonlyMap<string, Menu>,
  mix: CallerMix,
): TrainingScript | undefined {
  const department = random.pick(mix.departments);
  const want = pickWeighted(random, mix.wants);
  const path = route(catalogue, menus, department, want);
  if (!path) return undefined;
  const services = catalogue.department(department)?.department.services ?? [];
  const fitting = services.filter((s: Service) =>
    want === 'by-phone' ? s.byPhone : want === 'book' ? s.bookable : true,
  );
  const service = fitting.length > 0 ? random.pick(fitting) : undefined;
  const serviceName = service?.name ?? '相关业务';
  const from = callerNumber(random);
  const person = randomPerson(random, from);
  const patienceSeconds = Math.round(
    (callerPatience(random) * mix.patienceSeconds) / HISTORY_MEAN_PATIENCE_SECONDS,
  );
  return {
    department,
    hotline: path.hotline.number,
    from,
    want,
    keys: path.keys,
    patienceSeconds,
    answers: [
      { question: '您要办理什么业务？', answer: ASKS[want](serviceName) },
      { question: '请问您怎么称呼？', answer: `我叫${maskName(person.name)}。` },
      { question: '办理的事项', answer: serviceName },
      { question: '联系电话', answer: `${from.slice(3, 6)}****${from.slice(-4)}` },
    ],
  };
}
