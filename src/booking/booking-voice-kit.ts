import type { Request } from 'express';
import { z } from 'zod';
import { menuNode, type Menu, type MenuNode } from '../ivr/index.js';
import { buildAsk } from './booking-twiml.js';
import { voiceLinks, type BookingVoiceDeps } from './booking-voice-context.js';
import { createPhoneBooking } from './phone-booking-service.js';

/** What Twilio posts to every step of IVR self-service booking. */
export const callSchema = z.object({
  CallSid: z.string().min(1),
  From: z.string().default(''),
  To: z.string().default(''),
  Digits: z.string().default(''),
});
/** Every step's query: the menu, the booking node and the attempt at this step. */
const baseQuery = z.object({
  menu: z.string().min(1),
  node: z.string().min(1),
  attempt: z.coerce.number().int().min(1).default(1),
});

type BookingNode = Extract<MenuNode, { kind: 'booking' }>;

/**
 * What the steps of IVR self-service booking share: the phone booking use cases, the voice and
 * prompts, the voice URLs, the booking node a request is at, and the offer to choose again.
 */
export function createBookingVoiceKit(deps: BookingVoiceDeps) {
  const { catalogue, menus, config } = deps;
  const { prompts } = catalogue;
  const voice = config.twilio.voice;
  const links = voiceLinks(config.publicBaseUrl);

  function nodeOf(
    req: Request,
  ): { menu: Menu; node: BookingNode; query: z.infer<typeof baseQuery> } | undefined {
    const query = baseQuery.safeParse(req.query);
    if (!query.success) return undefined;
    const menu = menus.get(query.data.menu);
    const node = menu ? menuNode(menu, query.data.node) : undefined;
    return menu && node?.kind === 'booking' ? { menu, node, query: query.data } : undefined;
  }

  /** After too many wrong keys, or when nothing fits: choose again or reach a person. */
  const offerAgain = (menu: Menu, nodeId: string, serviceId: string, texts: string[]) =>
    buildAsk({
      voice,
      before: texts,
      prompt: prompts.say('booking.again'),
      numDigits: 1,
      action: links.url('/booking/again', { menu: menu.id, node: nodeId, service: serviceId }),
    });

  return { phoneBooking: createPhoneBooking(deps), prompts, voice, links, nodeOf, offerAgain };
}

export type BookingVoiceKit = ReturnType<typeof createBookingVoiceKit>;
