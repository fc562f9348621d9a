import { WebSocket } from 'ws';
import type { CallControl, PartyEvent } from '../../src/telephony/index.js';
import type { CallPlacer } from './provider-caller.js';

/** The callers' socket of the built-in provider under a service's base URL. */
export const callerSocketUrl = (baseUrl: string) =>
  `${baseUrl.replace(/^http/, 'ws').replace(/\/+$/, '')}/telephony/caller`;

/**
 * Places calls on a running service's built-in provider over its callers' socket, authenticated as
 * the account (the REST API's credentials). Resolves to null when nothing answers there (no service,
 * or one on another provider), so that the caller can run its own.
 */
export async function connectSocketPlacer(
  baseUrl: string,
  credentials: { accountSid: string; authToken: string },
): Promise<CallPlacer | null> {
  const url = callerSocketUrl(baseUrl);
  const headers = {
    authorization: `Basic ${Buffer.from(`${credentials.accountSid}:${credentials.authToken}`).toString('base64')}`,
  };
  // A first connection only to see whether the provider is there; each call then has its own.
  const reachable = await new Promise<boolean | Error>((resolve) => {
    const probe = new WebSocket(url, { headers, handshakeTimeout: 3000 });
    probe.on('open', () => {
      probe.close();
      resolve(true);
    });
    probe.on('unexpected-response', (_req, res) =>
      resolve(
        res.statusCode === 401
          ? new Error(
              `${url} refused the account's credentials (401): set the same TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN as the service`,
            )
          : false,
      ),
    );
    probe.on('error', () => resolve(false));
  });
  if (reachable instanceof Error) throw reachable;
  if (!reachable) return null;
  return {
    placeCall: ({ from, to, party }) =>
      new Promise<CallControl>((resolve, reject) => {
        const ws = new WebSocket(url, { headers });
        const send = (message: unknown) =>
          ws.readyState === ws.OPEN && ws.send(JSON.stringify(message));
        let ended = false;
        let finish!: (status: string) => void;
        const endedPromise = new Promise<string>((done) => (finish = done));
        const end = (event: Extract<PartyEvent, { kind: 'ended' }>) => {
          if (ended) return;
          ended = true;
          party.hear(event);
          finish(event.status);
        };
        ws.on('open', () => send({ type: 'dial', from, to, confirmRequests: true }));
        ws.on('message', (data) => {
          const message = JSON.parse(String(data)) as {
            type: string;
            sid?: string;
            event?: PartyEvent;
            id?: number;
            url?: string;
            message?: string;
          };
          if (message.type === 'placed') {
            resolve({
              sid: message.sid!,
              press: (digits) => send({ type: 'press', digits }),
              speak: (text, confidence) =>
                send({ type: 'speak', text, ...(confidence !== undefined ? { confidence } : {}) }),
              hangup: () => send({ type: 'hangup' }),
              signal: (data) => send({ type: 'signal', data }),
              ended: endedPromise,
            });
          } else if (message.type === 'event' && message.event) {
            if (message.event.kind === 'ended') end(message.event);
            else party.hear(message.event);
          } else if (message.type === 'before') {
            void Promise.resolve(party.beforeRequest?.(message.url!) ?? 'go').then((answer) =>
              send({ type: answer === 'go' ? 'go' : 'stop', id: message.id }),
            );
          } else if (message.type === 'error')
            reject(new Error(`the provider refused the call: ${message.message}`));
        });
        ws.on('error', reject);
        ws.on('close', () =>
          end({
            kind: 'ended',
            status: 'completed',
            by: 'provider',
            reason: 'the provider closed the socket before the call ended',
          }),
        );
      }),
  };
}
