import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { dirname, resolve } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { createMultiplexer, type Multiplexer } from './embedded-db-multiplexer.js';
import type { Logger } from './logger.js';

/**
 * The embedded default (PGlite in a folder) shared by every command on one machine.
 *
 * PGlite is one database in one process: two processes opening the same folder corrupt it. So
 * exactly one process owns a folder at a time, recorded in `<folder>.owner.json` (its pid, and
 * the port it serves the database on, if any). `npm start` owns the folder and serves it over
 * PostgreSQL's wire protocol on 127.0.0.1; every other command (admin, ivr:call, report export)
 * finds that file and connects as to any PostgreSQL, so what it writes is seen at once. A command
 * run while nothing serves the folder owns it for its own run; one that finds the folder owned by
 * a process that does not serve it refuses, saying what to do.
 */

/** Who owns an embedded database folder. */
export interface EmbeddedOwner {
  pid: number;
  /** The 127.0.0.1 port the owner serves the database on; null for a command that only uses it itself. */
  port: number | null;
  startedAt: string;
}

/** The folder is in use by another process that does not serve it. */
export class EmbeddedBusyError extends Error {
  override name = 'EmbeddedBusyError';
}

/** The folder exists but PGlite cannot open it. */
export class EmbeddedDamagedError extends Error {
  override name = 'EmbeddedDamagedError';
}

const ownerFile = (dir: string) => `${resolve(dir)}.owner.json`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live owner of the folder, if any (a record left by a process that died is ignored). */
export function readOwner(dir: string): EmbeddedOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(ownerFile(dir), 'utf8')) as EmbeddedOwner;
    return Number.isInteger(owner.pid) && alive(owner.pid) ? owner : undefined;
  } catch {
    return undefined;
  }
}

/** Records this process as the folder's owner, atomically; refuses while another live process owns it. */
function claim(dir: string, port: number | null): void {
  const file = ownerFile(dir);
  mkdirSync(dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(
        fd,
        JSON.stringify({
          pid: process.pid,
          port,
          startedAt: new Date().toISOString(),
        } satisfies EmbeddedOwner),
      );
      closeSync(fd);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readOwner(dir);
      if (owner) throw busy(dir, owner);
      unlinkSync(file);
    }
  }
  throw new EmbeddedBusyError(
    `another process is claiming the embedded database ${dir} at this moment; try again`,
  );
}

function busy(dir: string, owner: EmbeddedOwner): EmbeddedBusyError {
  return new EmbeddedBusyError(
    owner.port === null
      ? `The embedded database ${dir} is in use by another command (pid ${owner.pid}). Wait for it to finish, then run this again.`
      : `The embedded database ${dir} is already served by npm start (pid ${owner.pid}, port ${owner.port}). ` +
          'Stop it first (kill ' +
          owner.pid +
          '), or give this one its own folder with PGLITE_DIR.',
  );
}

function release(dir: string): void {
  const owner = readOwner(dir);
  if (owner?.pid === process.pid) unlinkSync(ownerFile(dir));
}

/** Opens PGlite on the folder, or says plainly that the folder is damaged and how to move it aside. */
async function openPglite(dir: string): Promise<PGlite> {
  const { PGlite } = await import('@electric-sql/pglite');
  mkdirSync(dir, { recursive: true });
  try {
    const client = new PGlite(dir);
    await client.waitReady;
    return client;
  } catch (error) {
    const first = String((error as Error)?.message ?? error).split('\n')[0];
    throw new EmbeddedDamagedError(
      `The embedded database in ${resolve(dir)} cannot be opened (${first}). It may be damaged: ` +
        `move it aside (mv ${dir} ${dir}.damaged-${Date.now()}) and start again to get a new, empty one ` +
        '(the catalogue is loaded again at start; staff accounts, bookings and calls in the old folder are not).',
    );
  }
}

/** A folder this process owns and uses in-process (one-off commands when nothing serves it). */
export interface OwnedPglite {
  client: PGlite;
  close(): Promise<void>;
}

const inProcess = new Map<string, { client: Promise<PGlite>; users: number }>();

/**
 * Opens the folder for this process alone (shared by every handle this process opens on it),
 * after claiming it; the claim is released when the last handle closes.
 */
export async function openOwnedPglite(dir: string): Promise<OwnedPglite> {
  const key = resolve(dir);
  let entry = inProcess.get(key);
  if (!entry) {
    claim(dir, null);
    entry = { client: openPglite(dir), users: 0 };
    inProcess.set(key, entry);
    entry.client.catch(() => {
      inProcess.delete(key);
      release(dir);
    });
  }
  entry.users += 1;
  const client = await entry.client;
  const opened = entry;
  return {
    client,
    async close() {
      opened.users -= 1;
      if (opened.users > 0) return;
      inProcess.delete(key);
      await client.close();
      release(dir);
    },
  };
}

/** A PGlite folder served on 127.0.0.1 to every process of the machine. */
export interface EmbeddedServer {
  /** A PostgreSQL URL for the served database. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Owns the folder and serves it over PostgreSQL's wire protocol on 127.0.0.1 (`port` 0: any free
 * one, written to the owner file for the other commands). Clients must not use named prepared
 * statements (PGlite has one session for all of them): {@link createDatabase} connects with
 * `prepare: false`.
 */
export async function serveEmbedded(
  dir: string,
  options: { port?: number; logger?: Logger } = {},
): Promise<EmbeddedServer> {
  claim(dir, null);
  let client: PGlite;
  try {
    client = await openPglite(dir);
  } catch (error) {
    release(dir);
    throw error;
  }
  const multiplexer = createMultiplexer(client, options.logger);
  const server = createServer((socket) => multiplexer.attach(socket));
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => done());
  });
  const port = (server.address() as { port: number }).port;
  // The claim now names the port, replaced in one rename so that no other process ever finds it missing.
  const file = ownerFile(dir);
  writeFileSync(
    `${file}.${process.pid}`,
    JSON.stringify({
      pid: process.pid,
      port,
      startedAt: new Date().toISOString(),
    } satisfies EmbeddedOwner),
    { mode: 0o600 },
  );
  renameSync(`${file}.${process.pid}`, file);
  options.logger?.info(
    { dir, port },
    'embedded database served on 127.0.0.1 to the other commands of this machine',
  );
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async close() {
      await closeServer(server, multiplexer);
      await client.close();
      release(dir);
    },
  };
}

function closeServer(server: Server, multiplexer: Multiplexer): Promise<void> {
  return new Promise((done) => {
    server.close(() => done());
    multiplexer.closeAll();
  });
}
