import type { WebSocket } from 'ws';
import { z } from 'zod';
import { maskPhone, type Logger } from '../platform/logger.js';
import type { Endpoint, LegAnswer, LegOffer, PhoneSocketMessage } from './telephony-types.js';

const phoneMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('answer'), legSid: z.string() }),
  z.object({ type: z.literal('reject'), legSid: z.string() }),
  z.object({ type: z.literal('hangup'), legSid: z.string() }),
  z.object({ type: z.literal('signal'), legSid: z.string(), data: z.unknown() }),
]);

/**
 * A phone on the built-in provider: an agent's browser softphone, registered as `client:<identity>`
 * while its socket is open, or the test phone answering calls to its number (`+86…`). A Dial of that client rings it (`incoming`, with the Client's parameters); the
 * desk answers, rejects (busy) or lets it ring out (no-answer, withdrawn with `cancel`); once bridged
 * either side hangs up, and WebRTC signalling passes between the desk and the caller's page.
 */
export function servePhone(
  ws: WebSocket,
  address: string,
  register: (address: string, endpoint: Endpoint) => () => void,
  logger: Logger,
): void {
  const send = (message: PhoneSocketMessage) =>
    ws.readyState === ws.OPEN && ws.send(JSON.stringify(message));
  const ringing = new Map<string, { offer: LegOffer; resolve: (answer: LegAnswer) => void }>();
  const bridged = new Map<string, { end: () => void; toCaller: (data: unknown) => void }>();
  const unregister = register(address, {
    ring: (offer) =>
      new Promise<LegAnswer>((resolve) => {
        ringing.set(offer.legSid, { offer, resolve });
        send({
          type: 'incoming',
          legSid: offer.legSid,
          from: offer.from,
          parameters: offer.parameters,
        });
        offer.signal.addEventListener('abort', () => {
          if (!ringing.delete(offer.legSid)) return;
          send({ type: 'cancel', legSid: offer.legSid });
          resolve({ answered: false, status: 'no-answer' });
        });
      }),
  });
  send({ type: 'registered', address });
  logger.info({ address: maskPhone(address) }, 'phone registered with the local provider');

  ws.on('message', (data) => {
    let parsed;
    try {
      parsed = phoneMessage.safeParse(JSON.parse(String(data)));
    } catch {
      return;
    }
    if (!parsed.success)
      return send({ type: 'error', message: parsed.error.issues.map((i) => i.message).join('; ') });
    const m = parsed.data;
    const offer = ringing.get(m.legSid);
    if (m.type === 'answer' && offer) {
      ringing.delete(m.legSid);
      let end!: () => void;
      const ended = new Promise<void>((resolve) => (end = resolve));
      bridged.set(m.legSid, { end, toCaller: offer.offer.toCaller });
      void ended.then(() => bridged.delete(m.legSid));
      offer.resolve({
        answered: true,
        party: {
          hear: (event) => send({ type: 'event', legSid: m.legSid, event }),
          signal: (signal) => send({ type: 'signal', legSid: m.legSid, data: signal }),
        },
        hangup: () => {
          send({ type: 'hangup', legSid: m.legSid });
          end();
        },
        ended,
      });
    } else if (m.type === 'reject' && offer) {
      ringing.delete(m.legSid);
      offer.resolve({ answered: false, status: 'busy' });
    } else if (m.type === 'hangup') bridged.get(m.legSid)?.end();
    else if (m.type === 'signal') bridged.get(m.legSid)?.toCaller(m.data);
  });
  ws.on('close', () => {
    unregister();
    for (const { resolve } of ringing.values()) resolve({ answered: false, status: 'no-answer' });
    ringing.clear();
    for (const { end } of bridged.values()) end();
  });
}
