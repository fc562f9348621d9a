import type { Catalogue, Hotline } from '../catalogue/index.js';
import { buildMenuGraph } from './menu-graph.js';
import type { Menu } from './menu-schemas.js';

/** One word a caller may say and the node it leads to; `from` is the menu node that offers it (absent for names). */
interface Entry {
  word: string;
  node: string;
  from?: string;
  order: number;
}

/** What was understood: the node to go to and the word that decided it. */
export interface SpeechMatch {
  node: string;
  word: string;
}

/** Speech without punctuation and spaces, as recognisers add them freely (我要预约。). */
export function normaliseSpeech(speech: string): string {
  return speech.replace(/[\s\p{P}]/gu, '');
}

/** The words a hotline's own name gives: 住房公积金提取预约热线 -> 住房公积金提取预约热线, 住房公积金提取. */
function hotlineWords(hotline: Hotline): string[] {
  const bare = hotline.name.replace(/(?:预约|咨询|服务|业务|联络|登记注册)*热线$/, '');
  return [...new Set([hotline.name, bare])].filter((word) => word.length >= 2);
}

/**
 * Every word the menu data gives a node: options' labels and keywords on every level, the names
 * of the services a booking node books, the label and department name of each queue, and the
 * menu's synonyms (`speech.synonyms`: each word containing a canonical form also counts with
 * each variant, and the other way round). Built once per menu at start.
 */
export function buildSpeechIndex(menu: Menu, catalogue: Catalogue) {
  const graph = buildMenuGraph(menu);
  const synonyms = Object.entries(menu.speech?.synonyms ?? {});
  const entries: Entry[] = [];
  const variants = (word: string): string[] => {
    const all = new Set([normaliseSpeech(word)]);
    for (const [canonical, others] of synonyms) {
      for (const known of [...all]) {
        for (const other of others) {
          if (known.includes(canonical)) all.add(known.replace(canonical, other));
          else if (known.includes(other)) all.add(known.replace(other, canonical));
        }
      }
    }
    return [...all].filter((w) => w.length > 0);
  };
  const add = (word: string, node: string, from?: string) => {
    for (const variant of variants(word))
      entries.push({ word: variant, node, order: entries.length, ...(from ? { from } : {}) });
  };

  for (const id of graph.order) {
    const node = menu.nodes[id]!;
    if (node.kind === 'menu')
      for (const option of node.options)
        for (const word of [option.label, ...option.keywords]) add(word, option.next, id);
    if (node.kind === 'booking')
      for (const serviceId of node.services)
        add(catalogue.service(serviceId)?.service.name ?? serviceId, id);
    if (node.kind === 'queue') {
      add(node.label, id);
      const department = catalogue.department(node.skill)?.department;
      if (department && !entries.some((e) => e.word === normaliseSpeech(department.name)))
        add(department.name, id);
    }
  }
  const firstQueueOf = (skill: string) =>
    graph.order.find((id) => {
      const n = menu.nodes[id]!;
      return n.kind === 'queue' && n.skill === skill && !n.greenChannel;
    });

  return {
    /**
     * The node the longest word in `speech` leads to, from anywhere in the menu, counting also
     * the words that lead into the menu offering it; on a tie the current node's own option wins,
     * then the option met first (menus put the most asked first). The hotline's own name leads
     * to its department's queue (and loses ties to the menu's own words).
     */
    match(speech: string, at: string, hotline: Hotline): SpeechMatch | undefined {
      const said = normaliseSpeech(speech);
      const own = firstQueueOf(hotline.department);
      const candidates: Entry[] = own
        ? [
            ...entries,
            ...hotlineWords(hotline).flatMap((w) =>
              variants(w).map((word) => ({ word, node: own, order: Number.MAX_SAFE_INTEGER })),
            ),
          ]
        : entries;
      const heard = candidates.filter((entry) => said.includes(entry.word));
      // A word counts more when what was said also leads into the menu offering it: 预约…身份证 is the booking, not the consultation.
      const context = (entry: Entry) =>
        Math.max(
          0,
          ...heard.filter((other) => other.node === entry.from).map((other) => other.word.length),
        );
      const score = (entry: Entry) => entry.word.length + context(entry);
      let best: Entry | undefined;
      for (const entry of heard) {
        const better =
          !best ||
          score(entry) > score(best) ||
          (score(entry) === score(best) && entry.from === at && best.from !== at) ||
          (score(entry) === score(best) &&
            (entry.from === at) === (best.from === at) &&
            entry.order < best.order);
        if (better) best = entry;
      }
      return best && { node: best.node, word: best.word };
    },
  };
}

export type SpeechIndex = ReturnType<typeof buildSpeechIndex>;
