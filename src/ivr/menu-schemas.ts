import { z } from 'zod';

const nodeId = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be a kebab-case node id');
const prompt = z.string().trim().min(1, 'a prompt is required');
/** A recorded prompt to play instead of text-to-speech. */
const audioUrl = z.url().optional();

/** Keys the system reserves on every menu: 9 repeats, * goes back, 0 reaches a person. */
export const RESERVED_KEYS = ['9', '*', '0'] as const;

export const optionSchema = z.object({
  key: z.string().regex(/^[1-8#]$/, 'must be one of 1-8 or # (9, * and 0 are reserved)'),
  label: z.string().trim().min(1),
  keywords: z.array(z.string().trim().min(1)).default([]),
  next: nodeId,
});

export const menuNodeSchema = z.object({
  kind: z.literal('menu'),
  prompt,
  audioUrl,
  options: z.array(optionSchema).min(1),
});
export const infoNodeSchema = z.object({ kind: z.literal('info'), prompt, audioUrl, next: nodeId });
export const queueNodeSchema = z.object({
  kind: z.literal('queue'),
  skill: z.string().min(1),
  label: z.string().trim().min(1),
  priority: z.number().int().min(0).max(100).default(0),
  greenChannel: z.boolean().default(false),
  /** An agent id the routing prefers for this queue (falls back to the skill). */
  preferredAgent: z.string().min(1).optional(),
  prompt: z.string().optional(),
  audioUrl,
});
export const bookingNodeSchema = z.object({
  kind: z.literal('booking'),
  services: z.array(z.string().min(1)).min(1),
  fallback: nodeId,
  prompt: z.string().optional(),
});
export const bookingLookupNodeSchema = z.object({
  kind: z.literal('booking-lookup'),
  prompt: z.string().optional(),
  fallback: nodeId.optional(),
});
export const callbackNodeSchema = z.object({
  kind: z.literal('callback'),
  skill: z.string().min(1),
  prompt: z.string().optional(),
});
export const hangupNodeSchema = z.object({ kind: z.literal('hangup'), prompt, audioUrl });

export const nodeSchema = z.discriminatedUnion('kind', [
  menuNodeSchema,
  infoNodeSchema,
  queueNodeSchema,
  bookingNodeSchema,
  bookingLookupNodeSchema,
  callbackNodeSchema,
  hangupNodeSchema,
]);

/** How speech is understood beyond the options of the menu the caller is in. */
export const speechSchema = z.object({
  /** Words callers use for the same thing: a canonical form and its variants (住房公积金: [公积金, 住房基金]). */
  synonyms: z.record(z.string().trim().min(1), z.array(z.string().trim().min(1))).default({}),
  /**
   * Departments whose hotlines send a confident utterance that matches nothing to the
   * department's person instead of "输入有误" (a hotline with one obvious department).
   */
  personOnUnmatched: z.array(z.string().min(1)).default([]),
});

export const menuSchema = z.object({
  id: nodeId,
  consent: prompt,
  consentAudioUrl: audioUrl,
  start: nodeId,
  speech: speechSchema.optional(),
  nodes: z.record(nodeId, nodeSchema),
});

export type MenuOption = z.infer<typeof optionSchema>;
export type MenuNode = z.infer<typeof nodeSchema>;
export type Menu = z.infer<typeof menuSchema>;
