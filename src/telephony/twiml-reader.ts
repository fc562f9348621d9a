import { XMLParser } from 'fast-xml-parser';

/** One TwiML verb as the caller simulator reads it. */
export interface Verb {
  name: string;
  attributes: Record<string, string>;
  /** Text content (what to say, the URL to play or redirect to, the queue name). */
  text: string;
  children: Verb[];
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  trimValues: true,
  parseTagValue: false,
  parseAttributeValue: false,
});

type Node = Record<string, unknown> & { ':@'?: Record<string, string> };

function toVerbs(nodes: Node[]): Verb[] {
  const verbs: Verb[] = [];
  for (const node of nodes) {
    const name = Object.keys(node).find((key) => key !== ':@');
    if (!name || name === '#text' || name.startsWith('?')) continue;
    const inner = (node[name] as Node[] | undefined) ?? [];
    const text = inner
      .map((child) => child['#text'])
      .filter((t) => t !== undefined)
      .join('');
    verbs.push({
      name,
      attributes: node[':@'] ?? {},
      text: String(text),
      children: toVerbs(inner),
    });
  }
  return verbs;
}

/** The verbs of a TwiML `<Response>` in order; throws when the document is not one. */
export function readTwiml(xml: string): Verb[] {
  const document = parser.parse(xml) as Node[];
  const response = document.find((node) => 'Response' in node);
  if (!response) throw new Error('the answer is not a TwiML <Response>');
  return toVerbs(response.Response as Node[]);
}
