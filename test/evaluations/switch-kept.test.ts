import assert from 'node:assert/strict';
import {
  createEvaluations,
  SWITCH_CACHE_SECONDS,
} from '../../src/evaluations/evaluation-service.js';
import { evaluationSettings } from '../../src/evaluations/evaluation-tables.js';
import { createFixedClock } from '../../src/platform/clock.js';
import type { Runtime } from '../../src/runtime.js';
import { routingRuntime, useTwilioMockSuite } from '../agents/agents-support.js';

/**
 * The 好差评 switch is asked at the end of every answered call: it is read from Redis, where
 * each switch keeps itself, so that a switch in one process holds in every other at once.
 */
describe('the evaluation switch as the end of a call reads it', () => {
  const twilio = useTwilioMockSuite();
  let runtime: Runtime;
  const key = (hotline: string) => `${runtime.config.redisPrefix}:evaluations:switch:${hotline}`;

  beforeEach(async () => {
    runtime = await routingRuntime(twilio(), createFixedClock('2026-03-02T02:00:00Z'));
  });

  /** The evaluations of a second process: the same database and Redis. */
  const otherProcess = () =>
    createEvaluations({
      db: runtime.database.db,
      redis: runtime.redis,
      redisPrefix: runtime.config.redisPrefix,
      catalogue: runtime.catalogue,
      ledger: runtime.ledger,
      prompts: runtime.catalogue.prompts,
      clock: runtime.clock,
      logger: runtime.logger,
      voice: runtime.config.twilio.voice,
      publicBaseUrl: runtime.config.publicBaseUrl,
      followUpDays: runtime.config.evaluation.followUpDays,
      namesOf: async (ids) => new Map(ids.map((id) => [id, id])),
    });

  it('when one process switches a hotline on or off, then another reads the new switch at once', async () => {
    const hotline = runtime.catalogue.hotlines[0]!.number;
    const other = otherProcess();
    assert.equal(await runtime.evaluations.enabled(hotline), false, 'never switched: off');
    assert.equal(await runtime.redis.get(key(hotline)), '0', 'kept in Redis once read');
    await other.setEnabled(hotline, true, 'supervisor-test');
    assert.equal(await runtime.evaluations.enabled(hotline), true);
    await runtime.evaluations.setEnabled(hotline, false, 'supervisor-test');
    assert.equal(await other.enabled(hotline), false);
  });

  it('when Redis holds the switch, then PostgreSQL is not read; when Redis lost it, then it is read from PostgreSQL and kept again', async () => {
    const hotline = runtime.catalogue.hotlines[1]!.number;
    await runtime.evaluations.setEnabled(hotline, true, 'supervisor-test');
    const ttl = await runtime.redis.ttl(key(hotline));
    assert.ok(ttl > 0 && ttl <= SWITCH_CACHE_SECONDS, `kept for a while: ${ttl} s`);
    // A row written past the service (as no code does): Redis answers, so it is not seen.
    await runtime.database.db.insert(evaluationSettings).values({
      hotlineNumber: hotline,
      enabled: false,
      changedBy: 'written-past-the-service',
      changedAt: runtime.clock.now(),
    });
    assert.equal(await runtime.evaluations.enabled(hotline), true);
    await runtime.redis.del(key(hotline));
    assert.equal(await runtime.evaluations.enabled(hotline), false, 'read from PostgreSQL');
    assert.equal(await runtime.redis.get(key(hotline)), '0');
  });
});
