import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { readOwner, serveEmbedded, type EmbeddedServer } from '../../src/platform/embedded-db.js';

describe('the embedded database served to other commands', function () {
  this.timeout(120_000);
  let dir: string;
  let served: EmbeddedServer;
  const clients: postgres.Sql[] = [];
  const connect = () => {
    const sql = postgres(served.url, { max: 4, prepare: false, onnotice: () => undefined });
    clients.push(sql);
    return sql;
  };

  before(async () => {
    dir = join(mkdtempSync(join(tmpdir(), 'hotline-embedded-')), 'pglite');
    served = await serveEmbedded(dir);
    await connect().unsafe(
      'create table counter (id int primary key, n int not null); insert into counter values (1, 0)',
    );
  });
  after(async () => {
    await Promise.all(clients.map((sql) => sql.end({ timeout: 1 })));
    await served?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when it is served, then the owner file names this process and the port', () => {
    assert.deepEqual(
      { ...readOwner(dir), startedAt: undefined },
      { pid: process.pid, port: served.port, startedAt: undefined },
    );
  });

  it('when two clients run read-then-write transactions at once, then none is interleaved with another and no update is lost', async () => {
    const [a, b] = [connect(), connect()];
    const increment = (sql: postgres.Sql) =>
      sql.begin(async (tx) => {
        const [row] = await tx`select n from counter where id = 1`;
        await tx`select pg_sleep(0.001)`;
        await tx`update counter set n = ${Number(row!.n) + 1} where id = 1`;
      });
    await Promise.all(Array.from({ length: 40 }, (_, i) => increment(i % 2 === 0 ? a : b)));
    const [row] = await a`select n from counter where id = 1`;
    assert.equal(row!.n, 40);
  });

  it('when pipelined queries with parameters come from several clients, then each gets its own answer', async () => {
    const sqls = [connect(), connect(), connect()];
    const answers = await Promise.all(
      Array.from(
        { length: 60 },
        (_, i) => sqls[i % 3]!`select ${i}::int as i, ${`text ${i}`} as t`,
      ),
    );
    answers.forEach((rows, i) => assert.deepEqual({ ...rows[0] }, { i, t: `text ${i}` }));
  });

  it('when a client disappears in the middle of a transaction, then its work is rolled back and the others go on', async () => {
    const leaving = postgres(served.url, { max: 1, prepare: false, onnotice: () => undefined });
    const staying = connect();
    await leaving`begin`;
    await leaving`update counter set n = -1 where id = 1`;
    const waiting = staying`select n from counter where id = 1`;
    await leaving.end({ timeout: 0 });
    const [row] = await waiting;
    assert.equal(row!.n, 40, "the departed client's update was rolled back");
  });
});
