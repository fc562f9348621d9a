import type { IncomingMessage, Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import type { Logger } from '../platform/logger.js';
import { servePhone } from './phone-socket.js';
import type { CallControl, CallerSocketMessage, CallParty, Endpoint } from './telephony-types.js';

/** The path of the callers' socket, on the web role's port. */
export const CALLER_SOCKET_PATH = '/telephony/caller';
/** The path of the agents' softphones' socket. */
export const PHONE_SOCKET_PATH = '/telephony/phone';

export interface TelephonySocketOptions {
  placeCall(init: { from: string; to: string; party: CallParty }): CallControl;
  register(address: string, endpoint: Endpoint): () => void;
  /** May this request place calls (the account, or staff)? */
  authorize(req: IncomingMessage): Promise<boolean>;
  /** The member of staff a softphone belongs to (their session), or undefined. */
  identify(req: IncomingMessage): Promise<string | undefined>;
  logger: Logger;
}

const dialMessage = z.object({
  type: z.literal('dial'),
  from: z.string().regex(/^\+?[0-9]{3,20}$/, 'must be a phone number'),
  to: z.string().regex(/^\+?[0-9]{3,20}$/, 'must be a phone number'),
  /** The client confirms each webhook before it is made ({type: 'go'|'hangup', id}): a scripted caller's patience. */
  confirmRequests: z.boolean().optional(),
});
/** The test phone answering calls to its number (an outbound call's `<Dial><Number>`), instead of dialling. */
const listenMessage = z.object({
  type: z.literal('listen'),
  number: z.string().regex(/^\+[0-9]{5,20}$/, 'must be an E.164 number'),
});
const callMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('press'),
    digits: z.string().regex(/^[0-9*#]{1,32}$/, 'keys 0-9, * and # only'),
  }),
  z.object({
    type: z.literal('speak'),
    text: z.string().min(1).max(200),
    confidence: z.number().min(0).max(1).optional(),
  }),
  z.object({ type: z.literal('hangup') }),
  z.object({ type: z.literal('signal'), data: z.unknown() }),
  z.object({ type: z.literal('go'), id: z.number().int() }),
  z.object({ type: z.literal('stop'), id: z.number().int() }),
]);

/**
 * A WebSocket for callers outside the process (`ivr:call` beside `npm start`, the test phone): the
 * first message dials (or, `{type: 'listen', number}`, makes the socket the phone of that number,
 * rung by Dials of it, as an agent's softphone is), the next press keys, speak or hang up, and every event of the call comes
 * back as `{type: 'event', event}`. A socket that closes hangs its call up, so a caller killed
 * mid-call leaves no call behind: the provider ends it with its final status callback.
 */
export function attachTelephonySockets(
  server: Server,
  options: TelephonySocketOptions,
): () => Promise<void> {
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const log = options.logger.child({ component: 'telephony' });
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const unauthorized = () => socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
    const failed = () =>
      socket.end('HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n');
    if (path === CALLER_SOCKET_PATH) {
      void options
        .authorize(req)
        .then(
          (allowed) =>
            allowed ? sockets.handleUpgrade(req, socket, head, (ws) => serve(ws)) : unauthorized(),
          failed,
        );
    } else if (path === PHONE_SOCKET_PATH) {
      void options
        .identify(req)
        .then(
          (identity) =>
            identity
              ? sockets.handleUpgrade(req, socket, head, (ws) =>
                  servePhone(ws, `client:${identity}`, options.register, log),
                )
              : unauthorized(),
          failed,
        );
    } else {
      // The web role has no other socket: any other upgrade is refused rather than left hanging.
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
    }
  });

  function serve(ws: WebSocket): void {
    let call: CallControl | undefined;
    let listening = false;
    const confirmations = new Map<number, (answer: 'go' | 'hangup') => void>();
    let nextId = 0;
    const send = (message: CallerSocketMessage) =>
      ws.readyState === ws.OPEN && ws.send(JSON.stringify(message));
    const refuse = (message: string) => send({ type: 'error', message });
    ws.on('message', (data) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(String(data));
      } catch {
        return refuse('not JSON');
      }
      if (listening) return;
      if (!call) {
        const listen = listenMessage.safeParse(parsed);
        if (listen.success) {
          listening = true;
          servePhone(ws, listen.data.number, options.register, log);
          return;
        }
        const dial = dialMessage.safeParse(parsed);
        if (!dial.success)
          return refuse(
            dial.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
          );
        const party: CallParty = {
          hear: (event) => send({ type: 'event', event }),
          signal: (data) => send({ type: 'signal', data }),
          ...(dial.data.confirmRequests
            ? {
                beforeRequest: (url: string) =>
                  new Promise<'go' | 'hangup'>((resolve) => {
                    nextId += 1;
                    confirmations.set(nextId, resolve);
                    send({ type: 'before', id: nextId, url });
                  }),
              }
            : {}),
        };
        call = options.placeCall({ from: dial.data.from, to: dial.data.to, party });
        send({ type: 'placed', sid: call.sid });
        void call.ended.then(() => ws.close(1000, 'call ended'));
        return;
      }
      const message = callMessage.safeParse(parsed);
      if (!message.success)
        return refuse(
          message.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
        );
      const m = message.data;
      if (m.type === 'press') call.press(m.digits);
      else if (m.type === 'speak') call.speak(m.text, m.confidence);
      else if (m.type === 'hangup') call.hangup();
      else if (m.type === 'signal') call.signal(m.data);
      else {
        confirmations.get(m.id)?.(m.type === 'go' ? 'go' : 'hangup');
        confirmations.delete(m.id);
      }
    });
    ws.on('close', () => {
      for (const resolve of confirmations.values()) resolve('hangup');
      if (call) {
        log.info({ callSid: call.sid }, 'caller socket closed: hanging the call up');
        call.hangup();
      }
    });
  }

  return () =>
    new Promise<void>((resolve) => {
      for (const ws of sockets.clients) ws.terminate();
      sockets.close(() => resolve());
    });
}
