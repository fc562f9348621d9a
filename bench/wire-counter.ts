import { createServer, connect, type Socket } from 'node:net';

/**
 * What one side of a proxied connection has been sent: PostgreSQL's statements and
 * transactions, or Redis's commands. Counters only grow; callers take differences.
 */
export interface WireCounts {
  /** Statements PostgreSQL was asked to run, or Redis commands sent. */
  readonly statements: number;
  /** PostgreSQL transactions that ended (always 0 for Redis). */
  readonly transactions: number;
  /** Each statement's text (PostgreSQL) or command name (Redis), in the order sent. */
  readonly log: readonly string[];
}

export interface WireCounter {
  /** Where clients connect instead of the server (`host:port`). */
  readonly url: string;
  counts(): WireCounts;
  close(): Promise<void>;
}

/**
 * Reads length-framed messages off a byte stream: `frame(buffer)` returns the length of the
 * first complete message in `buffer`, or 0 while it is incomplete.
 */
function framer(frame: (buffer: Buffer) => number, onMessage: (message: Buffer) => void) {
  let pending: Buffer = Buffer.alloc(0);
  return (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    for (;;) {
      const length = pending.length === 0 ? 0 : frame(pending);
      if (length === 0) return;
      onMessage(pending.subarray(0, length));
      pending = pending.subarray(length);
    }
  };
}

/** A TCP proxy that hands both directions of each connection to `observe` and passes the bytes on unchanged. */
async function startProxy(
  target: { host: string; port: number },
  wire: () => {
    toServer(chunk: Buffer): void;
    toClient(chunk: Buffer): void;
  },
): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    sockets.add(client).add(upstream);
    const handlers = wire();
    client.on('data', (chunk: Buffer) => {
      handlers.toServer(chunk);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      handlers.toClient(chunk);
      client.write(chunk);
    });
    client.on('close', () => (upstream.destroy(), sockets.delete(client)));
    upstream.on('close', () => (client.destroy(), sockets.delete(upstream)));
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the proxy did not listen');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

const cString = (buffer: Buffer, from: number): [string, number] => {
  const end = buffer.indexOf(0, from);
  return [buffer.toString('utf8', from, end), end + 1];
};

/**
 * A PostgreSQL proxy that counts, from the frontend/backend protocol itself, every statement
 * the server was asked to run and every transaction it ended. A statement is an Execute
 * message (extended protocol: its text is the one its portal was bound from, named statements
 * remembered per connection) or a statement of a simple Query message; BEGIN and COMMIT are
 * statements like any other, as in PostgreSQL's statement log. Transactions are read from the
 * server's ReadyForQuery status: a block ends when the status goes from in-transaction back to
 * idle (COMMIT or ROLLBACK), and a statement run while idle is a transaction of its own
 * (autocommit). Nothing is sampled or estimated, and the client library is not involved: what
 * is counted is what PostgreSQL received.
 */
export async function startPostgresCounter(databaseUrl: string): Promise<
  WireCounter & {
    /** `databaseUrl` with its host and port pointing at the proxy. */
    readonly proxiedUrl: string;
  }
> {
  const target = new URL(databaseUrl);
  const log: string[] = [];
  let transactions = 0;
  const proxy = await startProxy(
    { host: target.hostname, port: Number(target.port || 5432) },
    () => {
      const statements = new Map<string, string>();
      const portals = new Map<string, string>();
      let started = false;
      let sslAsked = false;
      let sslAnswered = false;
      let status = 'I';
      let completedSinceReady = 0;
      const toServer = framer(
        (buffer) => {
          if (!started) {
            if (buffer.length < 4) return 0;
            const length = buffer.readInt32BE(0);
            return buffer.length >= length ? length : 0;
          }
          if (buffer.length < 5) return 0;
          const length = buffer.readInt32BE(1) + 1;
          return buffer.length >= length ? length : 0;
        },
        (message) => {
          if (!started) {
            // An SSLRequest (80877103) comes before the StartupMessage and is answered with one byte.
            if (message.length === 8 && message.readInt32BE(4) === 80877103) sslAsked = true;
            else started = true;
            return;
          }
          const type = String.fromCharCode(message[0]!);
          if (type === 'P') {
            const [name, next] = cString(message, 5);
            statements.set(name, cString(message, next)[0]);
          } else if (type === 'B') {
            const [portal, next] = cString(message, 5);
            portals.set(portal, statements.get(cString(message, next)[0]) ?? '?');
          } else if (type === 'E') {
            log.push(portals.get(cString(message, 5)[0]) ?? '?');
          } else if (type === 'Q') {
            for (const part of cString(message, 5)[0].split(';'))
              if (part.trim()) log.push(part.trim());
          }
        },
      );
      const toClient = framer(
        (buffer) => {
          if (sslAsked && !sslAnswered) return 1;
          if (buffer.length < 5) return 0;
          const length = buffer.readInt32BE(1) + 1;
          return buffer.length >= length ? length : 0;
        },
        (message) => {
          if (sslAsked && !sslAnswered) {
            sslAnswered = true;
            return;
          }
          const type = String.fromCharCode(message[0]!);
          // CommandComplete, or ErrorResponse: a statement that failed still ended its (rolled back) transaction.
          if (type === 'C' || type === 'E') completedSinceReady += 1;
          else if (type === 'Z') {
            const next = String.fromCharCode(message[5]!);
            if (status !== 'I' && next === 'I') transactions += 1;
            else if (status === 'I' && next === 'I' && completedSinceReady > 0) transactions += 1;
            status = next;
            completedSinceReady = 0;
          }
        },
      );
      return { toServer, toClient };
    },
  );
  const proxied = new URL(databaseUrl);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(proxy.port);
  return {
    url: `127.0.0.1:${proxy.port}`,
    proxiedUrl: proxied.toString(),
    counts: () => ({ statements: log.length, transactions, log: [...log] }),
    close: proxy.close,
  };
}

/**
 * A Redis proxy that counts the commands clients send (RESP arrays, as ioredis and BullMQ send
 * them; a MULTI block counts each of its commands and MULTI and EXEC; a Lua script counts as
 * its one EVALSHA, whatever it runs inside Redis).
 */
export async function startRedisCounter(redisUrl: string): Promise<
  WireCounter & {
    readonly proxiedUrl: string;
  }
> {
  const target = new URL(redisUrl);
  const log: string[] = [];
  /** The length of the RESP array at the start of `buffer` (0 while incomplete), and its first element. */
  const readArray = (buffer: Buffer): [number, string] => {
    let at = buffer.indexOf('\r\n');
    if (at < 0) return [0, ''];
    const count = Number(buffer.toString('latin1', 1, at));
    at += 2;
    let name = '';
    for (let i = 0; i < count; i += 1) {
      const end = buffer.indexOf('\r\n', at);
      if (end < 0) return [0, ''];
      const length = Number(buffer.toString('latin1', at + 1, end));
      if (buffer.length < end + 2 + length + 2) return [0, ''];
      if (i === 0) name = buffer.toString('utf8', end + 2, end + 2 + length).toUpperCase();
      at = end + 2 + length + 2;
    }
    return [at, name];
  };
  const proxy = await startProxy(
    { host: target.hostname, port: Number(target.port || 6379) },
    () => ({
      toServer: framer(
        (buffer) => {
          if (buffer[0] !== 0x2a) {
            // An inline command: one line.
            const end = buffer.indexOf('\r\n');
            return end < 0 ? 0 : end + 2;
          }
          return readArray(buffer)[0];
        },
        (message) => {
          log.push(
            message[0] === 0x2a
              ? readArray(message)[1]
              : message.toString('utf8').trim().split(' ')[0]!.toUpperCase(),
          );
        },
      ),
      toClient: () => undefined,
    }),
  );
  const proxied = new URL(redisUrl);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(proxy.port);
  return {
    url: `127.0.0.1:${proxy.port}`,
    proxiedUrl: proxied.toString(),
    counts: () => ({ statements: log.length, transactions: 0, log: [...log] }),
    close: proxy.close,
  };
}
