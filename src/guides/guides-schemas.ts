import { z } from 'zod';

const text = z.string().trim().min(1, 'must not be empty');

/** Ways a service can be done without coming to the window: online, by post, by phone. */
export const GUIDE_WAYS = ['online', 'post', 'phone'] as const;
/** Whether a material is brought as the original, a copy, or both. */
export const MATERIAL_FORMS = ['原件', '复印件', '原件及复印件'] as const;

/** One material of 申请材料: [name, 原件|复印件|原件及复印件, count]. */
export const materialSchema = z.tuple([
  text.max(80),
  z.enum(MATERIAL_FORMS),
  z.number().int().min(1).max(20),
]);

/**
 * One service's guide (办事指南), as written in catalogue/guides/*.yaml and as staff edit it.
 * Address and hours are the hall's (halls.yaml); `window` says where in the hall.
 */
const guideObject = z.strictObject({
  /** The catalogue's service id. */
  service: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be a service id of halls.yaml'),
  /** Where in the hall: floor and window numbers. */
  window: text.max(80),
  /** 办理条件. */
  conditions: z.array(text.max(200)).min(1, 'at least one condition (write 无 when there is none)'),
  /** 申请材料; empty when nothing is needed. */
  materials: z.array(materialSchema).max(20).default([]),
  /** 收费标准, or 不收费. */
  fee: text.max(200),
  /** 承诺时限 in working days; 0 is 即办. */
  timeLimitDays: z.number().int().min(0).max(365),
  /** 设定依据: laws, regulations, notices. */
  basis: z.array(text.max(200)).min(1, 'at least one legal basis'),
  /** Ways to do it without the window. */
  ways: z.array(z.enum(GUIDE_WAYS)).default([]),
  /** The online form or portal, https only. */
  onlineUrl: z
    .url({ protocol: /^https$/, error: 'must be an https URL' })
    .max(80)
    .optional(),
  /** How callers ask for it in everyday words, for the desk's search. */
  askedAs: z.array(text.max(40)).default([]),
  /** 常见问题. */
  faq: z
    .array(z.strictObject({ q: text.max(200), a: text.max(1000) }))
    .min(1, 'at least one common question'),
});

const onlineNeedsWay: [
  (guide: { onlineUrl?: string; ways: string[] }) => boolean,
  { message: string; path: string[] },
] = [
  (guide) => !guide.onlineUrl || guide.ways.includes('online'),
  { message: 'onlineUrl is set but ways has no online', path: ['onlineUrl'] },
];

export const guideSchema = guideObject.refine(...onlineNeedsWay);

export type Guide = z.infer<typeof guideSchema>;
export type GuideWay = (typeof GUIDE_WAYS)[number];

/** A staff edit of a guide: the whole guide but its service (taken from the URL), and a note. */
export const guideEditSchema = z.object({
  guide: guideObject.omit({ service: true }).refine(...onlineNeedsWay),
  note: z.string().trim().max(500).default(''),
});
