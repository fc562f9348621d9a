import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, queryRows, sql, type DatabaseHandle } from '../../src/platform/db.js';

/** The planner's idea of a table's rows: -1 until the table was first analyzed. */
async function plannedRows(handle: DatabaseHandle, table: string): Promise<number> {
  const [row] = await queryRows<{ reltuples: number }>(
    handle.db,
    sql`select reltuples::float8 as reltuples from pg_class where relname = ${table}`,
  );
  return Number(row!.reltuples);
}

describe("the embedded database's planner statistics", function () {
  this.timeout(60_000);
  let dir: string;
  let handle: DatabaseHandle;

  before(async () => {
    dir = join(mkdtempSync(join(tmpdir(), 'hotline-statistics-')), 'pglite');
    handle = await createDatabase({ pgliteDir: dir });
    await handle.db.execute(sql`create table ledger (id int primary key, day date not null)`);
    await handle.db.execute(
      sql`insert into ledger select i, date '2020-02-03' + (i % 119) from generate_series(1, 3000) i`,
    );
    await handle.db.execute(sql`create schema archive`);
    await handle.db.execute(sql`create table archive."Old Calls" (id int primary key)`);
    await handle.db.execute(sql`insert into archive."Old Calls" select generate_series(1, 500)`);
  });
  after(async () => {
    await handle?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when rows were written, then the planner knows nothing of them until the statistics are refreshed, and then it knows the rows of every table', async () => {
    assert.equal(handle.kind, 'pglite');
    assert.equal(await plannedRows(handle, 'ledger'), -1, 'no autovacuum analyzed the table');
    assert.equal(await plannedRows(handle, 'Old Calls'), -1);
    await handle.refreshStatistics();
    assert.equal(await plannedRows(handle, 'ledger'), 3000);
    assert.equal(
      await plannedRows(handle, 'Old Calls'),
      500,
      'a table of another schema, its name quoted',
    );
  });
});
