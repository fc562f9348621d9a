import assert from 'node:assert/strict';
import postgres from 'postgres';
import { createDatabase, queryRows, sql, type DatabaseHandle } from '../../src/platform/db.js';
import { testRun } from '../support/env.js';
import { eventually } from '../support/poll.js';

/**
 * PostgreSQL can drop a connection at any moment (a restart, a fail-over, an administrator's
 * pg_terminate_backend). The driver must turn that into a rejected statement, never into an
 * exception that ends the process, and its pool must serve the next statement. postgres@3.4.9
 * did neither for a transaction's connection (porsager/postgres#1208): it wrote the transaction's
 * own ROLLBACK to the closed socket from a setImmediate callback. patches/ mends it.
 */
describe('a database connection that PostgreSQL drops', function () {
  this.timeout(30_000);
  let handle: DatabaseHandle;
  let admin: postgres.Sql;

  beforeEach(async () => {
    handle = await createDatabase({ url: testRun.databaseUrl, pgliteDir: '', max: 1 });
    admin = postgres(testRun.databaseUrl, { max: 1, onnotice: () => undefined });
  });
  afterEach(async () => {
    await handle.close();
    await admin.end();
  });

  /** Starts `work` with this backend's pid known, then terminates that backend while `work` waits on it. */
  async function dropWhile(
    work: (reportPid: (pid: number) => void) => Promise<unknown>,
  ): Promise<unknown> {
    let pid: number | undefined;
    const outcome = work((p) => (pid = p)).then(
      () => 'finished',
      (error: unknown) => error,
    );
    const known = await eventually(async () => pid, 'the backend pid');
    // Only once the backend is asleep in pg_sleep is the statement surely in flight.
    await eventually(
      async () =>
        (
          await admin`select 1 from pg_stat_activity where pid = ${known} and query like '%pg_sleep%' and state = 'active'`
        ).length > 0,
      'the statement in flight',
    );
    await admin`select pg_terminate_backend(${known})`;
    return outcome;
  }

  const backendPid = async (executor: Parameters<typeof queryRows>[0]) =>
    Number(
      (await queryRows<{ pid: number }>(executor, sql`select pg_backend_pid() as pid`))[0]!.pid,
    );

  /** A transaction that reports its backend, then waits in it (long enough to be dropped). */
  const sleepingTransaction = (reportPid: (pid: number) => void) =>
    handle.db.transaction(async (tx) => {
      reportPid(await backendPid(tx));
      await tx.execute(sql`select pg_sleep(20)`);
    });

  /**
   * The pool's next statement, bounded: a pool left waiting on a dead connection never answers,
   * and the bound says so in the assertion instead of ending as the suite's timeout.
   */
  async function nextAnswer(): Promise<unknown> {
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise(
      (resolve) => (timer = setTimeout(() => resolve('no answer within 10 s'), 10_000)),
    );
    try {
      return await Promise.race([
        queryRows<{ one: number }>(handle.db, sql`select 1 as one`).then((rows) => rows[0]?.one),
        bound,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  it('when it is dropped inside a transaction, then the transaction is rejected, the process goes on and the pool answers the next statement', async () => {
    const outcome = await dropWhile(sleepingTransaction);
    assert.ok(outcome instanceof Error, `the transaction ended with ${String(outcome)}`);
    // The driver's crash came from a callback scheduled after the rejection: give it its turn.
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(await nextAnswer(), 1);
  });

  it('when it is dropped under a statement outside a transaction, then the statement is rejected and the pool answers the next one', async () => {
    const outcome = await dropWhile(async (reportPid) => {
      reportPid(await backendPid(handle.db));
      await handle.db.execute(sql`select pg_sleep(20)`);
    });
    assert.ok(outcome instanceof Error, `the statement ended with ${String(outcome)}`);
    assert.equal(await nextAnswer(), 1);
  });

  it('when it is dropped inside a transaction, then the transaction that follows on the same pool runs to its commit', async () => {
    await dropWhile(sleepingTransaction);
    const committed = await handle.db.transaction(
      async (tx) => (await queryRows<{ n: number }>(tx, sql`select 41 + 1 as n`))[0]?.n,
    );
    assert.equal(committed, 42);
  });
});
