import type { Catalogue } from '../catalogue/index.js';
import type { Guide } from './guides-schemas.js';

/**
 * The length rule of a guide SMS: at most two messages. A Chinese SMS is sent in UCS-2: one
 * message holds 70 characters, and a longer text is split into parts of 67 (each part carries
 * the header that joins them again), so two messages hold 134 characters.
 */
export const GUIDE_SMS_MAX_CHARS = 134;

/** How many messages a text takes: UCS-2 as soon as a character is outside GSM-7 (any Chinese). */
export function smsParts(text: string): number {
  const length = [...text].length;
  const gsm = /^[\x20-\x7e\n\r]*$/.test(text);
  const single = gsm ? 160 : 70;
  const part = gsm ? 153 : 67;
  return length <= single ? 1 : Math.ceil(length / part);
}

const written = (material: Guide['materials'][number]) =>
  `${material[0]}${material[1]}${material[2] > 1 ? `${material[2]}份` : ''}`;

/**
 * The SMS that carries a guide to the caller: the service, as many materials as fit in order
 * (the rest counted: 等共7项), the hall's address and the online link where there is one.
 * Always within {@link GUIDE_SMS_MAX_CHARS}: the address goes before a material would not fit,
 * and the link is never cut.
 */
export function guideSmsText(guide: Guide, catalogue: Catalogue): string {
  const place = catalogue.service(guide.service);
  const head = `【双鸭山政务服务】${place?.service.name ?? guide.service}`;
  const link = guide.onlineUrl ? `网上办理：${guide.onlineUrl}` : '';
  const address = place
    ? `地址：${place.hall.address.replace(/^双鸭山市/, '')}${place.department.name}。`
    : '';
  const compose = (count: number, withAddress: boolean) => {
    const listed = guide.materials.slice(0, count).map((m, i) => `${i + 1}.${written(m)}`);
    const rest = guide.materials.length > count ? `等共${guide.materials.length}项` : '';
    const materials =
      guide.materials.length === 0 ? '无需材料。' : `需带：${listed.join('；')}${rest}。`;
    return `${head}${materials}${withAddress ? address : ''}${link}`;
  };
  const fits = (text: string) => [...text].length <= GUIDE_SMS_MAX_CHARS;
  for (const withAddress of [true, false]) {
    for (
      let count = guide.materials.length;
      count >= Math.min(1, guide.materials.length);
      count -= 1
    ) {
      const text = compose(count, withAddress);
      if (fits(text)) return text;
    }
  }
  // No material fits even alone: the name, the count and the link (a name of 80 characters would say so).
  const minimal = `${head}需带材料共${guide.materials.length}项，详见办事指南。${link}`;
  return [...minimal].slice(0, GUIDE_SMS_MAX_CHARS).join('');
}
