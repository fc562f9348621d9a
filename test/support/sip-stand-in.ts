import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

/** A REGISTER the stand-in accepted: the address of record, and whether its digest matched the password it was given. */
export interface SipRegistration {
  aor: string;
  username: string;
  digestValid: boolean;
  contact: string;
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** One SIP message's start line and headers (names lower-cased, first value kept) and body. */
function parseSip(text: string): { start: string; headers: Map<string, string[]>; body: string } {
  const [head = '', body = ''] = text.split('\r\n\r\n');
  const [start = '', ...lines] = head.split('\r\n');
  const headers = new Map<string, string[]>();
  for (const line of lines) {
    const at = line.indexOf(':');
    const name = line.slice(0, at).trim().toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(at + 1).trim()]);
  }
  return { start, headers, body };
}

const param = (header: string, name: string) =>
  new RegExp(`${name}="?([^",]+)"?`).exec(header)?.[1] ?? '';

/** A server text frame (unmasked, as RFC 6455 wants from a server). */
function textFrame(text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const length = payload.length;
  const head =
    length < 126
      ? Buffer.from([0x81, length])
      : length < 65536
        ? Buffer.from([0x81, 126, length >> 8, length & 0xff])
        : Buffer.concat([
            Buffer.from([0x81, 127]),
            Buffer.alloc(4),
            Buffer.from([
              length >>> 24,
              (length >> 16) & 0xff,
              (length >> 8) & 0xff,
              length & 0xff,
            ]),
          ]);
  return Buffer.concat([head, payload]);
}

/**
 * A local stand-in for a provider's SIP-over-WebSocket server (RFC 7118), hand-rolled on Node's
 * HTTP upgrade: it speaks just enough SIP for a softphone to register — a digest 401 challenge
 * first, then 200 OK echoing the Contact — records what registered, and can ring a registered
 * softphone with an INVITE. Nothing else (no media, no proxying).
 */
export async function startSipStandIn(options: { domain: string; passwords: Map<string, string> }) {
  const registrations: SipRegistration[] = [];
  const sockets = new Map<string, Duplex>();
  const received: string[] = [];
  const open = new Set<Duplex>();
  const nonce = randomBytes(8).toString('hex');

  const send = (socket: Duplex, text: string) => socket.write(textFrame(text));
  const reply = (
    socket: Duplex,
    request: ReturnType<typeof parseSip>,
    status: string,
    extra: string[] = [],
  ) => {
    const h = (name: string) => request.headers.get(name) ?? [];
    const to = h('to')[0] ?? '';
    const lines = [
      `SIP/2.0 ${status}`,
      ...h('via').map((v) => `Via: ${v}`),
      `From: ${h('from')[0]}`,
      `To: ${to.includes('tag=') ? to : `${to};tag=${randomBytes(4).toString('hex')}`}`,
      `Call-ID: ${h('call-id')[0]}`,
      `CSeq: ${h('cseq')[0]}`,
      ...extra,
      'Content-Length: 0',
      '',
      '',
    ];
    send(socket, lines.join('\r\n'));
  };

  function onSip(socket: Duplex, text: string) {
    received.push(text);
    const message = parseSip(text);
    const [method] = message.start.split(' ');
    if (method !== 'REGISTER') {
      if (method !== 'ACK' && !message.start.startsWith('SIP/2.0'))
        reply(socket, message, '200 OK');
      return;
    }
    const authorization = message.headers.get('authorization')?.[0];
    if (!authorization) {
      reply(socket, message, '401 Unauthorized', [
        `WWW-Authenticate: Digest realm="${options.domain}", nonce="${nonce}", algorithm=MD5, qop="auth"`,
      ]);
      return;
    }
    const aor = /<([^>]+)>/.exec(message.headers.get('to')?.[0] ?? '')?.[1] ?? '';
    const username = param(authorization, 'username');
    const password = options.passwords.get(aor) ?? '';
    const ha1 = md5(`${username}:${param(authorization, 'realm')}:${password}`);
    const ha2 = md5(`REGISTER:${param(authorization, 'uri')}`);
    const expected = md5(
      `${ha1}:${param(authorization, 'nonce')}:${param(authorization, 'nc')}:${param(authorization, 'cnonce')}:${param(authorization, 'qop')}:${ha2}`,
    );
    const digestValid =
      param(authorization, 'nonce') === nonce && param(authorization, 'response') === expected;
    const contact = message.headers.get('contact')?.[0] ?? '';
    registrations.push({ aor, username, digestValid, contact });
    if (!digestValid) {
      reply(socket, message, '403 Forbidden');
      return;
    }
    sockets.set(aor, socket);
    reply(socket, message, '200 OK', [
      `Contact: ${contact.replace(/;expires=\d+/, '')};expires=600`,
      'Expires: 600',
    ]);
  }

  function accept(request: IncomingMessage, socket: Duplex) {
    const key = request.headers['sec-websocket-key'];
    const accepted = createHash('sha1').update(`${key}${WS_GUID}`).digest('base64');
    socket.write(
      [
        'HTTP/1.1 101 Switching Protocols',
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Accept: ${accepted}`,
        'Sec-WebSocket-Protocol: sip',
        '',
        '',
      ].join('\r\n'),
    );
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        if (pending.length < 2) return;
        const opcode = pending[0]! & 0x0f;
        let length = pending[1]! & 0x7f;
        let offset = 2;
        if (length === 126) {
          length = pending.readUInt16BE(2);
          offset = 4;
        } else if (length === 127) {
          length = Number(pending.readBigUInt64BE(2));
          offset = 10;
        }
        // Clients always mask (RFC 6455 §5.3).
        if (pending.length < offset + 4 + length) return;
        const mask = pending.subarray(offset, offset + 4);
        const payload = Buffer.from(
          pending.subarray(offset + 4, offset + 4 + length).map((byte, i) => byte ^ mask[i % 4]!),
        );
        pending = pending.subarray(offset + 4 + length);
        if (opcode === 0x8) {
          socket.end(Buffer.from([0x88, 0]));
          return;
        }
        if (opcode === 0x1) onSip(socket, payload.toString('utf8'));
      }
    });
    socket.on('error', () => undefined);
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  }

  const server = createServer((_req, res) => res.writeHead(426).end());
  server.on('upgrade', accept);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `ws://127.0.0.1:${port}`,
    registrations,
    /** Every SIP message the softphones sent, in order. */
    received,
    /** Rings the softphone registered for `aor` (an INVITE without an offer, as a late-offer server may send); returns its Call-ID. */
    invite(aor: string, from = `sip:provider@${options.domain}`): string {
      const socket = sockets.get(aor);
      if (!socket) throw new Error(`nothing registered for ${aor}`);
      const contact = [...registrations].reverse().find((r) => r.aor === aor)!.contact;
      const target = /<([^>]+)>/.exec(contact)?.[1] ?? aor;
      const callId = randomBytes(8).toString('hex');
      const lines = [
        `INVITE ${target} SIP/2.0`,
        `Via: SIP/2.0/WSS stand-in.invalid;branch=z9hG4bK${randomBytes(6).toString('hex')}`,
        'Max-Forwards: 70',
        `From: <${from}>;tag=${randomBytes(4).toString('hex')}`,
        `To: <${aor}>`,
        `Call-ID: ${callId}`,
        'CSeq: 1 INVITE',
        `Contact: <${from};transport=ws>`,
        'Content-Length: 0',
        '',
        '',
      ];
      send(socket, lines.join('\r\n'));
      return callId;
    },
    async close() {
      for (const socket of open) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type SipStandIn = Awaited<ReturnType<typeof startSipStandIn>>;
