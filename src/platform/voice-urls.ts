/** Where the composition root mounts every Twilio voice webhook (signed, TwiML answers). */
export const VOICE_BASE_PATH = '/twilio/voice';

/** An absolute URL of one of the service's voice routes, as Twilio will request and sign it; undefined parameters are left out. */
export function voiceUrl(
  publicBaseUrl: string,
  path: string,
  params: Record<string, string | number | undefined> = {},
): string {
  const query = new URLSearchParams(
    Object.entries(params).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])),
  ).toString();
  return `${publicBaseUrl}${VOICE_BASE_PATH}${path}${query ? `?${query}` : ''}`;
}

/** Which IVR menu and queue (department skill) a waiting caller belongs to: the IVR's queue webhooks need both. */
export interface IvrQueue {
  menu: string;
  skill: string;
}

/**
 * The voice URLs one component hands to Twilio for another's webhooks: a call moves from the IVR
 * to booking's self-service and back, and routing puts callers back in the IVR's queues. Each
 * URL names the component that serves it; no component writes another's paths.
 */
export function crossComponentVoiceUrls(publicBaseUrl: string) {
  const url = (path: string, params: Record<string, string | number | undefined>) =>
    voiceUrl(publicBaseUrl, path, params);
  return {
    /** IVR: a menu node (booking's "back" and "main menu"). */
    ivrNode: (menu: string, node: string) => url('/ivr/node', { menu, node }),
    /** IVR: to a person. */
    ivrOperator: (menu: string) => url('/ivr/operator', { menu }),
    /** IVR: one turn of waiting in a queue (music, position, the callback offer). */
    ivrQueueWait: (queue: IvrQueue) => url('/queue/wait', { menu: queue.menu, skill: queue.skill }),
    /** IVR: how the caller left the queue (the Enqueue action). */
    ivrQueueResult: (queue: IvrQueue) =>
      url('/queue/result', { menu: queue.menu, skill: queue.skill }),
    /** Booking: self-service booking from a menu's booking node. */
    bookingStart: (menu: string, node: string) => url('/booking/start', { menu, node }),
    /** Booking: look up or cancel a booking from a menu's lookup node. */
    bookingLookup: (menu: string, node: string) => url('/booking/lookup', { menu, node }),
  };
}
export type CrossComponentVoiceUrls = ReturnType<typeof crossComponentVoiceUrls>;
