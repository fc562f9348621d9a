import type { Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import type { Logger } from './logger.js';

/**
 * PostgreSQL's wire protocol in front of PGlite's one session: a client holds it from its first
 * message until it is idle outside a transaction, then the next waiting client gets it.
 */
/** Hands PGlite's one session to one client socket at a time. */
export interface Multiplexer {
  attach(socket: Socket): void;
  closeAll(): void;
}

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const ROLLBACK = queryMessage('ROLLBACK');

function queryMessage(sql: string): Uint8Array {
  const text = Buffer.from(`${sql}\0`, 'utf8');
  const message = Buffer.alloc(5 + text.length);
  message.write('Q', 0, 'latin1');
  message.writeInt32BE(4 + text.length, 1);
  text.copy(message, 5);
  return message;
}

/** The transaction status of the last ReadyForQuery ('Z') in a response, if it has one. */
function readyStatus(response: Uint8Array): string | undefined {
  const view = Buffer.from(response.buffer, response.byteOffset, response.byteLength);
  let status: string | undefined;
  for (let at = 0; at + 5 <= view.length; at += 1 + view.readInt32BE(at + 1)) {
    if (view[at] === 0x5a && at + 5 < view.length) status = String.fromCharCode(view[at + 5]!);
  }
  return status;
}

/**
 * Many client connections over PGlite's single session. A connection holds the session from its
 * first message until PGlite answers it ReadyForQuery with no transaction open, so an extended-query
 * group (Parse … Sync) or a transaction is never interleaved with another client's statements.
 */
export function createMultiplexer(client: PGlite, logger?: Logger): Multiplexer {
  const sockets = new Set<Socket>();
  const waiting: Array<() => void> = [];
  // The connection holding PGlite's session; `rollingBack` while a departed client's transaction is undone.
  const rollingBack = Symbol('rolling back');
  let holder: Socket | typeof rollingBack | null = null;

  const acquire = (socket: Socket) =>
    holder === socket
      ? Promise.resolve()
      : new Promise<void>((granted) => {
          const take = () => {
            holder = socket;
            granted();
          };
          if (holder === null) take();
          else waiting.push(take);
        });
  const releaseSession = () => {
    holder = null;
    waiting.shift()?.();
  };

  function attach(socket: Socket): void {
    sockets.add(socket);
    socket.setNoDelay(true);
    let buffer = Buffer.alloc(0);
    let started = false;
    let busy = false;
    let closed = false;

    // Start-up messages (and SSL or cancel requests) have no type byte: their length comes first.
    const next = (): Buffer | undefined => {
      const header = started ? 5 : 8;
      if (buffer.length < header) return undefined;
      const length = started ? 1 + buffer.readInt32BE(1) : buffer.readInt32BE(0);
      if (buffer.length < length) return undefined;
      const message = buffer.subarray(0, length);
      buffer = buffer.subarray(length);
      return message;
    };

    async function pump(): Promise<void> {
      if (busy) return;
      busy = true;
      try {
        for (let message = next(); message && !closed; message = next()) {
          if (!started) {
            const code = message.readInt32BE(4);
            if (code === SSL_REQUEST) {
              socket.write('N');
              continue;
            }
            if (code === CANCEL_REQUEST) {
              socket.end();
              return;
            }
            started = true;
          } else if (message[0] === 0x58) {
            socket.end();
            return;
          }
          await acquire(socket);
          if (closed) break;
          const response = await client.execProtocolRaw(new Uint8Array(message));
          if (!closed && response.length > 0) socket.write(response);
          if (readyStatus(response) === 'I' && buffer.length === 0) releaseSession();
        }
      } catch (error) {
        logger?.warn({ err: (error as Error).message }, 'embedded database connection failed');
        socket.destroy();
      } finally {
        busy = false;
      }
      // A connection that closed while waiting for the session hands it straight on.
      if (closed && holder === socket) endSession();
    }

    /** Gives the session back; a transaction the departed client left open is rolled back first. */
    function endSession(): void {
      holder = rollingBack;
      void client
        .execProtocolRaw(ROLLBACK)
        .catch(() => undefined)
        .finally(releaseSession);
    }

    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      void pump();
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      closed = true;
      sockets.delete(socket);
      if (holder === socket && !busy) endSession();
    });
  }

  return {
    attach,
    closeAll() {
      for (const socket of sockets) socket.destroy();
    },
  };
}
