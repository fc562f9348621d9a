import { fileURLToPath } from 'node:url';
import { getTableColumns, sql, type Column, type SQL, type Table } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import postgres from 'postgres';
import { openOwnedPglite, readOwner } from './embedded-db.js';
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
  /**
   * Brings the planner's statistics up to date where nothing else does: the embedded database
   * has no autovacuum, so without this its statistics' queries over a growing ledger are planned
   * blind (four months of calls: the rollups' build went from minutes to 16 s after `analyze`).
   * A PostgreSQL server's autovacuum does it; there this does nothing.
   */
  refreshStatistics(): Promise<void>;
  close(): Promise<void>;
}

/**
 * `analyze`, one table at a time: the embedded database runs one statement at a time for every
 * client, so the webhooks wait at most one table's analyze rather than the whole database's
 * (four months: 7 s). The embedded handles' `refreshStatistics`; a server's autovacuum keeps them.
 */
export async function analyzeEachTable(db: Database): Promise<void> {
  const tables = await queryRows<{ name: string }>(
    db,
    sql`select quote_ident(schemaname) || '.' || quote_ident(relname) as name from pg_stat_user_tables order by 1`,
  );
  for (const { name } of tables) await db.execute(sql.raw(`analyze ${name}`));
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

/**
 * Opens PostgreSQL when a URL is given, otherwise the embedded PGlite database: through the
 * process that serves it (`npm start`) when one runs, else in this process alone (see
 * embedded-db.ts for why no two processes open the folder).
 */
export async function createDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.url) return openPostgres(options.url, { max: options.max ?? 10 });
  const served = readOwner(options.pgliteDir);
  if (served?.port) {
    options.logger?.info(
      { dir: options.pgliteDir, port: served.port, pid: served.pid },
      'DATABASE_URL is unset: using the embedded database that npm start serves',
    );
    // PGlite has one session for every client: named prepared statements would collide.
    const handle = openPostgres(`postgres://postgres@127.0.0.1:${served.port}/postgres`, {
      max: options.max ?? 10,
      prepare: false,
    });
    return {
      ...handle,
      kind: 'pglite',
      refreshStatistics: () => analyzeEachTable(handle.db),
    };
  }
  const owned = await openOwnedPglite(options.pgliteDir);
  options.logger?.info(
    { dir: options.pgliteDir },
    'DATABASE_URL is unset: using the embedded PGlite database',
  );
  const db = drizzlePglite(owned.client) as unknown as Database;
  return {
    db,
    kind: 'pglite',
    migrate: () => migratePglite(drizzlePglite(owned.client), { migrationsFolder }),
    ping: async () => {
      await owned.client.query('select 1');
    },
    refreshStatistics: () => analyzeEachTable(db),
    close: () => owned.close(),
  };
}

function openPostgres(url: string, options: { max: number; prepare?: boolean }): DatabaseHandle {
  const prepare = options.prepare ?? true;
  const client = postgres(url, {
    max: options.max,
    prepare,
    // Idle connections go back to the server: many processes share its max_connections.
    idle_timeout: 20,
    onnotice: () => undefined,
    connect_timeout: 5,
  });
  const db = drizzlePostgres(prepare ? preparingStatements(client) : client) as unknown as Database;
  return {
    db,
    kind: 'postgres',
    migrate: () => migratePostgres(drizzlePostgres(client), { migrationsFolder }),
    ping: async () => {
      await client`select 1`;
    },
    // Autovacuum keeps a server's statistics.
    refreshStatistics: async () => undefined,
    close: () => client.end({ timeout: 5 }),
  };
}

/**
 * The postgres client as drizzle should use it: every statement prepared on its connection.
 * Drizzle hands the driver each statement it was not given a name for with `prepare: false`,
 * and the driver then spends two round trips on it (Parse and Describe, wait for the parameter
 * types, then Bind and Execute) and PostgreSQL parses and plans it every time. Prepared, a
 * statement costs one round trip after its first use on a connection. The driver keeps one
 * prepared statement per distinct text and connection; connections are recycled (idle after
 * 20 s, and within the driver's max lifetime), so statements with lists of varying length do
 * not pile up.
 */
function preparingStatements(client: postgres.Sql): postgres.Sql {
  type Transactional = (sql: postgres.TransactionSql) => unknown;
  const wrap = <T extends postgres.Sql | postgres.TransactionSql>(target: T): T =>
    new Proxy(target, {
      get(object, property, receiver) {
        const value = Reflect.get(object, property, receiver) as unknown;
        if (property === 'unsafe') {
          return (
            query: string,
            parameters?: postgres.ParameterOrJSON<never>[],
            queryOptions?: postgres.UnsafeQueryOptions,
          ) => object.unsafe(query, parameters, { ...queryOptions, prepare: true });
        }
        if (property === 'begin' || property === 'savepoint') {
          // Drizzle's transactions and savepoints run on the sql handle given to their callback.
          return (...args: unknown[]) =>
            (value as (...a: unknown[]) => unknown).apply(
              object,
              args.map((arg) =>
                typeof arg === 'function'
                  ? (sql: postgres.TransactionSql) => (arg as Transactional)(wrap(sql))
                  : arg,
              ),
            );
        }
        return value;
      },
    });
  return wrap(client);
}

/** Runs a raw statement and returns its rows, whichever driver is underneath. */
export async function queryRows<T extends Record<string, unknown>>(
  db: Executor,
  query: SQL,
): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

const columnsByTable = new WeakMap<Table, Array<[string, Column]>>();

/**
 * The rows of a hand-written statement over `table` (`select *`, `returning *`) as drizzle's
 * query builder gives them: field names, each value mapped as its column maps it (timestamps,
 * which both drivers hand over as text, to Date). For the hottest statements: drizzle's builder
 * spends 35-140 µs building a booking's statements each time (measured with `toSQL()`: the
 * booking insert 141 µs, the slot read 46 µs), an sql template about 2 µs.
 */
export function tableRows<T extends Table>(
  table: T,
  rows: ReadonlyArray<Record<string, unknown>>,
): Array<T['$inferSelect']> {
  let columns = columnsByTable.get(table);
  if (!columns) {
    columns = Object.entries(getTableColumns(table));
    columnsByTable.set(table, columns);
  }
  return rows.map((raw) => {
    const row: Record<string, unknown> = {};
    for (const [field, column] of columns) {
      const value = raw[column.name];
      row[field] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
    }
    return row as T['$inferSelect'];
  });
}

export { sql };
