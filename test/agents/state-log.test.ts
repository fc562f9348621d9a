import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { listStateLog } from '../../src/routing/agent-calls-repository.js';
import { createFixedClock } from '../../src/platform/clock.js';
import type { Runtime } from '../../src/runtime.js';
import { createTestRuntime, startTestServer, testRun } from '../support/env.js';
import { createAgent } from './agents-support.js';

describe('agent state changes and their log', () => {
  let runtime: Runtime;
  let url: string;

  before(async () => {
    // A database of its own: the test makes its state log refuse inserts for a while.
    runtime = await createTestRuntime({
      clock: createFixedClock('2026-03-02T02:00:00Z'),
      database: 'state-log',
      env: { REDIS_PREFIX: `${testRun.redisPrefix}-${randomBytes(3).toString('hex')}` },
    });
    url = (await startTestServer(runtime)).url;
  });

  const logRows = async (agentId: string) =>
    (await listStateLog(runtime.database.db, agentId)).map((row) => row.toState);

  it('finding 5: an agent state change that cannot be logged is refused (503), never applied without its log', async () => {
    const agentId = await createAgent(runtime, { skills: ['cc-general'] });
    const { token } = await runtime.staff.login(agentId, 'correct horse battery', '127.0.0.1');
    const change = (body: Record<string, string>) =>
      fetch(`${url}/api/agents/me/state`, {
        method: 'PUT',
        headers: {
          'content-type': 'application/json',
          cookie: `sid=${token}`,
          'x-requested-with': 'XMLHttpRequest',
        },
        body: JSON.stringify(body),
      });

    assert.equal((await change({ state: 'available' })).status, 200);
    assert.deepEqual(await logRows(agentId), ['available']);

    await runtime.database.db.execute(
      sql.raw(`create function refuse_state_log() returns trigger language plpgsql as $$ begin raise exception 'state log unavailable'; end $$;
      create trigger refuse_state_log before insert on agent_state_log for each row execute function refuse_state_log();`),
    );
    try {
      const refused = await change({ state: 'break', reason: '午休' });
      assert.equal(refused.status, 503);
      assert.equal(
        ((await refused.json()) as { error: { code: string } }).error.code,
        'state_not_logged',
      );
      assert.equal(
        (await runtime.routing.presence.snapshot(agentId)).state,
        'available',
        'the change is undone',
      );
      assert.ok(
        (await runtime.routing.store.available('cc-general')).includes(agentId),
        'still routed as available',
      );
    } finally {
      await runtime.database.db.execute(
        sql.raw(
          'drop trigger refuse_state_log on agent_state_log; drop function refuse_state_log();',
        ),
      );
    }
    assert.deepEqual(await logRows(agentId), ['available'], 'no change without its log row');
    assert.equal((await change({ state: 'break', reason: '午休' })).status, 200);
    assert.deepEqual(await logRows(agentId), ['available', 'break']);
  });
});
