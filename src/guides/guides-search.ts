import type { Catalogue } from '../catalogue/index.js';
import type { Guide } from './guides-schemas.js';

/** Letters and digits only: spaces, punctuation and brackets say nothing about a service. */
export function normalise(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/** Overlapping character pairs (bigrams) of a normalised text; a single character stands for itself. */
export function bigrams(text: string): string[] {
  const chars = [...normalise(text)];
  if (chars.length === 1) return chars;
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i += 1) out.push(chars[i]! + chars[i + 1]!);
  return out;
}

/** How much a bigram counts by where it is found: the name above everyday words above the rest. */
const FIELD_WEIGHTS = { name: 3, asked: 2.5, keyword: 2, question: 1, department: 1 } as const;
type Field = keyof typeof FIELD_WEIGHTS;

/** One service found, with its score (higher is better). */
export interface SearchHit {
  serviceId: string;
  score: number;
}

/**
 * A search index over the services by how people say them: character bigrams of each service's
 * name, the guide's everyday phrasings (askedAs), the catalogue's keywords, the guide's common
 * questions and the department's name. Chinese needs no word segmentation for this: a query's
 * bigrams are looked up and weighted by field and by rarity (inverse document frequency), and a
 * query found whole in a name or phrasing counts once more; of names matched alike, the one the
 * query covers more of comes first.
 */
export function buildSearchIndex(catalogue: Catalogue, guides: ReadonlyMap<string, Guide>) {
  const postings = new Map<string, Map<string, number>>();
  const wholeTexts = new Map<string, string[]>();
  const nameGrams = new Map<string, Set<string>>();
  let documents = 0;
  const add = (serviceId: string, field: Field, text: string) => {
    for (const gram of new Set(bigrams(text))) {
      let posting = postings.get(gram);
      if (!posting) postings.set(gram, (posting = new Map()));
      posting.set(serviceId, Math.max(posting.get(serviceId) ?? 0, FIELD_WEIGHTS[field]));
    }
  };
  for (const hall of catalogue.halls) {
    for (const department of hall.departments) {
      for (const service of department.services) {
        documents += 1;
        const guide = guides.get(service.id);
        add(service.id, 'name', service.name);
        nameGrams.set(service.id, new Set(bigrams(service.name)));
        add(service.id, 'department', department.name);
        for (const keyword of service.keywords) add(service.id, 'keyword', keyword);
        for (const phrase of guide?.askedAs ?? []) add(service.id, 'asked', phrase);
        for (const item of guide?.faq ?? []) add(service.id, 'question', item.q);
        wholeTexts.set(
          service.id,
          [service.name, ...(guide?.askedAs ?? []), ...service.keywords].map(normalise),
        );
      }
    }
  }
  const idf = (gram: string) => Math.log(1 + documents / (postings.get(gram)?.size ?? documents));
  return {
    /** Services for `query`, best first; `within` keeps only these service ids. */
    search(
      query: string,
      options: { limit?: number; within?: ReadonlySet<string> } = {},
    ): SearchHit[] {
      const grams = bigrams(query);
      if (grams.length === 0) return [];
      const scores = new Map<string, number>();
      for (const gram of new Set(grams)) {
        const posting = postings.get(gram);
        if (!posting) continue;
        const weight = idf(gram);
        for (const [serviceId, fieldWeight] of posting) {
          if (options.within && !options.within.has(serviceId)) continue;
          scores.set(serviceId, (scores.get(serviceId) ?? 0) + weight * fieldWeight);
        }
      }
      const whole = normalise(query);
      const queryGrams = new Set(grams);
      for (const [serviceId, score] of scores) {
        // Of two names the query matches alike, the one it covers more of is the one meant (住房公积金提取, not 公积金提取进度查询).
        const name = nameGrams.get(serviceId)!;
        const covered =
          name.size === 0 ? 0 : [...name].filter((gram) => queryGrams.has(gram)).length / name.size;
        scores.set(serviceId, score + 2 * covered);
        if (
          whole.length >= 2 &&
          wholeTexts
            .get(serviceId)
            ?.some((text) => text.includes(whole) || (text.length >= 2 && whole.includes(text)))
        )
          scores.set(serviceId, scores.get(serviceId)! * 1.5);
      }
      return [...scores]
        .map(([serviceId, score]) => ({ serviceId, score: Math.round(score * 100) / 100 }))
        .sort((a, b) => b.score - a.score || a.serviceId.localeCompare(b.serviceId))
        .slice(0, options.limit ?? 10);
    },
  };
}

export type SearchIndex = ReturnType<typeof buildSearchIndex>;
