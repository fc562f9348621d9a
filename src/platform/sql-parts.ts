import { getTableColumns, sql, type SQL, type Table } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { queryRows, type Executor } from './db.js';

/**
 * A part of one statement that writes to several components' tables: a data-modifying query
 * that runs as a CTE of the statement (`with a as (…), b as (…) select …`). Each component
 * builds the parts of its own tables; the service that owns the write joins them, so the
 * writes commit together in one round trip and one implicit transaction.
 */
export type StatementPart = SQL;

/**
 * `insert into table (…) select <row> where <when>`: a row inserted only when `when` holds
 * (usually `exists (select 1 from <an earlier part>)`), with `suffix` after it (`on conflict …`,
 * `returning …`). Each value is sent as its column maps it (a Date as a timestamp, an object as
 * JSON) and cast to the column's type, since a parameter in a select list has no type of its own.
 */
export function insertWhen<T extends Table>(
  table: T,
  row: Partial<T['$inferInsert']>,
  when: SQL,
  suffix: SQL = sql``,
): StatementPart {
  return insertRowsWhen(table, [{ row, when }], suffix);
}

/**
 * Rows in one insert, in order (their ids follow it), each inserted only when its `when` holds
 * (always without one): `insert into table (…) select <row> [where …] union all select …`. The
 * columns are those any row gives a value; a row without one gives null. Values as `insertWhen`.
 */
export function insertRowsWhen<T extends Table>(
  table: T,
  rows: ReadonlyArray<{ row: Partial<T['$inferInsert']>; when?: SQL }>,
  suffix: SQL = sql``,
): StatementPart {
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  const fields = [
    ...new Set(
      rows.flatMap(({ row }) =>
        Object.entries(row)
          .filter(([, value]) => value !== undefined)
          .map(([field]) => field),
      ),
    ),
  ];
  const names = fields.map((field) => sql.identifier(columns[field]!.name));
  const selects = rows.map(({ row, when }) => {
    const values = fields.map((field) => {
      const column = columns[field]!;
      const value = (row as Record<string, unknown>)[field] ?? null;
      return sql`${sql.param(value, column)}::${sql.raw(column.getSQLType())}`;
    });
    return sql`select ${sql.join(values, sql`, `)}${when ? sql` where ${when}` : sql``}`;
  });
  return sql`insert into ${table} (${sql.join(names, sql`, `)}) ${sql.join(selects, sql` union all `)} ${suffix}`;
}

/** Parts named `${prefix}_0`, `${prefix}_1`, … as a list of CTEs: `part_0 as (…), part_1 as (…)`. */
function cteList(parts: ReadonlyArray<StatementPart>, prefix: string): SQL {
  return sql.join(
    parts.map((part, index) => sql`${sql.raw(`${prefix}_${index}`)} as (${part})`),
    sql`, `,
  );
}

/**
 * Parts as CTEs to append to a statement's `with` list: `, part_0 as (…), part_1 as (…)`
 * (empty for none). PostgreSQL runs every data-modifying CTE of a statement, once, whether or
 * not the statement's `select` reads it.
 */
export function partCtes(parts: ReadonlyArray<StatementPart>, prefix = 'part'): SQL {
  return parts.length === 0 ? sql`` : sql`, ${cteList(parts, prefix)}`;
}

/** `last` (a select, or a data-modifying query) after `parts` as its CTEs; `last` alone for none. */
export function withParts(parts: ReadonlyArray<StatementPart>, last: SQL): SQL {
  return parts.length === 0 ? last : sql`with ${cteList(parts, 'part')} ${last}`;
}

/**
 * Runs parts (at least one) as one statement of their own, ending in `select` (which may read
 * other tables, e.g. a value another component needs next); returns its rows.
 */
export async function executeParts(
  db: Executor,
  parts: ReadonlyArray<StatementPart>,
  select: SQL = sql`select 1`,
): Promise<Array<Record<string, unknown>>> {
  return queryRows(db, withParts(parts, select));
}
