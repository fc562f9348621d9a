import { z } from 'zod';
import type { QueuedCall } from '../calls/index.js';

/**
 * A caller's place in the queue, carried in the URLs routing gives the provider for an offer
 * (connect, the Dial's action, routing's wait URL): what routing keeps of a queued call in
 * Redis, so that a caller whose offer went unanswered after a Redis loss is queued again as they
 * were (hotline, skill, priority, original time) while the offer's stages, which wait in Redis
 * for the answer, are gone with it. The URLs are signed by the provider like any webhook's, so
 * the place cannot be forged from outside.
 */
const placeSchema = z.tuple([
  z.string().nullable(),
  z.string().min(1),
  z.number().int(),
  z.string().nullable(),
  z.boolean(),
  z.string().nullable(),
  z.number().int().nonnegative(),
]);

/** The place as a URL parameter (base64url JSON). */
export function encodePlace(call: QueuedCall): string {
  const tuple: z.infer<typeof placeSchema> = [
    call.hotline,
    call.skill,
    call.priority,
    call.priorityReason,
    call.greenChannel,
    call.preferredAgent,
    call.queuedAt.getTime(),
  ];
  return Buffer.from(JSON.stringify(tuple)).toString('base64url');
}

/** The queued call a place parameter describes; undefined when there is none or it is not one. */
export function decodePlace(callSid: string, text: string | undefined): QueuedCall | undefined {
  if (!text) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const place = placeSchema.safeParse(parsed);
  if (!place.success) return undefined;
  const [hotline, skill, priority, priorityReason, greenChannel, preferredAgent, queuedAt] =
    place.data;
  return {
    callSid,
    hotline,
    skill,
    priority,
    priorityReason,
    greenChannel,
    preferredAgent,
    queuedAt: new Date(queuedAt),
    queueSid: null,
  };
}

/** The `place` parameter, when there is one. */
export const placeParam = (place: string | undefined): Record<string, string> =>
  place ? { place } : {};
