import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import postgres from 'postgres';
import type { Logger } from './logger.js';

/** The drizzle database every repository receives; the same type over PostgreSQL and PGlite. */
export type Database = PgDatabase<PgQueryResultHKT>;

/** A transaction handle: repositories accept either a Database or one of these. */
export type Executor = Database | Parameters<Parameters<Database['transaction']>[0]>[0];

/** A database connection with its lifecycle. */
export interface DatabaseHandle {
  readonly db: Database;
  /** `postgres` for a server, `pglite` for the embedded default. */
  readonly kind: 'postgres' | 'pglite';
  /** Applies the committed migrations in drizzle/. */
  migrate(): Promise<void>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

export interface DatabaseOptions {
  /** PostgreSQL URL; when unset the embedded PGlite database in `pgliteDir` is used. */
  url?: string | undefined;
  pgliteDir: string;
  /** Connections in the pool (PostgreSQL only). Default 10. */
  max?: number;
  logger?: Logger;
}

/** Opens PostgreSQL when a URL is given, otherwise the embedded PGlite database. */
export async function createDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.url) {
    const client = postgres(options.url, {
      max: options.max ?? 10,
      // Idle connections go back to the server: many processes share its max_connections.
      idle_timeout: 20,
      onnotice: () => undefined,
      connect_timeout: 5,
    });
    const db = drizzlePostgres(client) as unknown as Database;
    return {
      db,
      kind: 'postgres',
      migrate: () => migratePostgres(drizzlePostgres(client), { migrationsFolder }),
      ping: async () => {
        await client`select 1`;
      },
      close: () => client.end({ timeout: 5 }),
    };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  mkdirSync(options.pgliteDir, { recursive: true });
  const client = new PGlite(options.pgliteDir);
  await client.waitReady;
  options.logger?.info({ dir: options.pgliteDir }, 'DATABASE_URL is unset: using the embedded PGlite database');
  const db = drizzlePglite(client) as unknown as Database;
  return {
    db,
    kind: 'pglite',
    migrate: () => migratePglite(drizzlePglite(client), { migrationsFolder }),
    ping: async () => {
      await client.query('select 1');
    },
    close: () => client.close(),
  };
}

/** Runs a raw statement and returns its rows, whichever driver is underneath. */
export async function queryRows<T extends Record<string, unknown>>(db: Executor, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

export { sql };
