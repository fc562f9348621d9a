import assert from 'node:assert/strict';
import postgres from 'postgres';
import { Redis } from 'ioredis';
import {
  againstTarget,
  ANSWERED_TARGETS,
  createCallStage,
  groupStatements,
  statementGroup,
  type CallCost,
  type CallStage,
} from '../../bench/call-cost-bench.js';
import type { BenchEnv } from '../../bench/bench-env.js';
import { startPostgresCounter, startRedisCounter } from '../../bench/wire-counter.js';
import { ownDatabase, testRun } from '../support/env.js';

/** The IVR's announcements are read again once their 15 s in-memory cache is older (wall-clock time): not the call's doing. */
const callOwn = (cost: CallCost) =>
  cost.steps
    .flatMap((s) => s.sql)
    .filter((text) => statementGroup(text) !== 'select … from "ivr_announcements"');

describe('the call-cost bench counters', function () {
  this.timeout(30_000);
  let env: BenchEnv;
  before(async () => {
    // A copy of the run's template and a prefix under the run's: the run's teardown removes both.
    const databaseUrl = await ownDatabase('call_cost');
    const redisPrefix = `${testRun.redisPrefix}-call-cost`;
    env = {
      databaseUrl,
      redisUrl: testRun.redisUrl,
      redisPrefix,
      env: {
        DATABASE_URL: databaseUrl,
        REDIS_URL: testRun.redisUrl,
        REDIS_PREFIX: redisPrefix,
        LOG_LEVEL: 'silent',
        NODE_ENV: 'test',
      },
      drop: async () => undefined,
    };
  });

  it('when a figure is printed beside its target, then it says pass at or under the target and FAIL over it', () => {
    assert.deepEqual(ANSWERED_TARGETS, { statements: 10, transactions: 4, cpuRatio: 3 });
    assert.equal(againstTarget(10, 10), '10 (target ≤ 10): pass');
    assert.equal(againstTarget(35, 10), '35 (target ≤ 10): FAIL');
    assert.equal(againstTarget(3.25, 3), '3.25 (target ≤ 3): FAIL');
    assert.equal(againstTarget(2.9, 3), '2.9 (target ≤ 3): pass');
  });

  it('when a known sequence runs through the proxies, then every statement, transaction and command is counted', async () => {
    const pg = await startPostgresCounter(env.databaseUrl);
    const redisCounter = await startRedisCounter(env.redisUrl);
    const sql = postgres(pg.proxiedUrl, { max: 1, onnotice: () => undefined });
    const redis = new Redis(redisCounter.proxiedUrl);
    try {
      await sql`select 1`;
      const before = pg.counts();
      await sql`select ${2}::int`;
      await sql.begin(async (tx) => {
        await tx`select 3`;
        await tx`select 4`;
      });
      const after = pg.counts();
      // One autocommit statement, then begin, two statements, commit: five statements in two transactions.
      assert.equal(after.statements - before.statements, 5);
      assert.equal(after.transactions - before.transactions, 2);
      assert.deepEqual(
        after.log.slice(before.log.length).map((text) => statementGroup(text)),
        ['select … from ?', 'begin', 'select … from ?', 'select … from ?', 'commit'],
      );

      await redis.ping();
      const redisBefore = redisCounter.counts().statements;
      const key = `${env.redisPrefix}:counter-test`;
      await redis.multi().set(key, 'x').del(key).exec();
      assert.deepEqual(redisCounter.counts().log.slice(redisBefore), [
        'MULTI',
        'SET',
        'DEL',
        'EXEC',
      ]);
    } finally {
      redis.disconnect();
      await sql.end();
      await pg.close();
      await redisCounter.close();
    }
  });

  describe('an answered call', () => {
    let stage: CallStage;
    before(async function () {
      this.timeout(30_000);
      stage = await createCallStage(env, { counting: true });
      // The first call opens connections and prepares statements on them.
      await stage.prepare('answered');
      await stage.play('answered');
    });
    after(async () => stage.close());

    it('when the same answered call is played twice, then both cost the same positive counts, and the grouped list adds up to the total', async () => {
      await stage.prepare('answered');
      const first = await stage.play('answered');
      await stage.prepare('answered');
      const second = await stage.play('answered');

      for (const cost of [first, second]) {
        assert.ok(Number.isInteger(cost.statements) && cost.statements > 0, `${cost.statements}`);
        assert.ok(cost.transactions > 0 && cost.transactions <= cost.statements);
        assert.ok(cost.redisCommands > 0);
        const sql = cost.steps.flatMap((s) => s.sql);
        assert.equal(sql.length, cost.statements, 'every counted statement is listed');
        assert.equal(
          Object.values(groupStatements(sql)).reduce((a, b) => a + b, 0),
          cost.statements,
        );
      }
      assert.deepEqual(groupStatements(callOwn(second)), groupStatements(callOwn(first)));
      assert.equal(second.transactions - first.transactions, second.statements - first.statements);
      assert.equal(second.redisCommands, first.redisCommands);
      assert.equal(second.requests, first.requests);
    });
  });
});
