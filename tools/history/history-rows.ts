import { sql, type Executor } from '../../src/platform/db.js';

/** A row as a table's columns name it (snake_case), its values as JSON carries them. */
export type Row = Record<string, unknown>;

/** The rows a written day inserts, by table, in the order they are inserted. */
export type DayRows = Map<string, Row[]>;

/** Rows per statement: one JSON parameter each, so only memory bounds it. */
const CHUNK = 4000;

/** Appends rows for a table to a day's rows. */
export function addRows(rows: DayRows, table: string, ...added: Row[]): void {
  let list = rows.get(table);
  if (!list) rows.set(table, (list = []));
  list.push(...added);
}

/**
 * Inserts rows into a table in a few statements: each chunk is one JSON document turned into
 * the table's own row type (`jsonb_populate_recordset`), so every value is cast as the column
 * declares it; columns a row does not name keep their defaults.
 */
export async function insertRows(db: Executor, table: string, rows: Row[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const list = sql.join(
    columns.map((column) => sql.identifier(column)),
    sql`, `,
  );
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = JSON.stringify(rows.slice(i, i + CHUNK));
    await db.execute(
      sql`insert into ${sql.identifier(table)} (${list}) select ${list} from jsonb_populate_recordset(null::${sql.identifier(table)}, ${chunk}::jsonb)`,
    );
  }
}

/** Adds to counters of rows by id, in one statement per chunk: `{ id, column: delta, ... }`. */
export async function addToCounters(
  db: Executor,
  table: string,
  columns: string[],
  deltas: Row[],
): Promise<void> {
  if (deltas.length === 0) return;
  const set = sql.join(
    columns.map(
      (column) =>
        sql`${sql.identifier(column)} = t.${sql.identifier(column)} + d.${sql.identifier(column)}`,
    ),
    sql`, `,
  );
  for (let i = 0; i < deltas.length; i += CHUNK) {
    const chunk = JSON.stringify(deltas.slice(i, i + CHUNK));
    await db.execute(
      sql`update ${sql.identifier(table)} t set ${set} from jsonb_populate_recordset(null::${sql.identifier(table)}, ${chunk}::jsonb) d where t.id = d.id`,
    );
  }
}
