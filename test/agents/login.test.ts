import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import {
  LOCK_WINDOW_SECONDS,
  MAX_ATTEMPTS_PER_ADDRESS,
  MAX_FAILED_LOGINS,
} from '../../src/staff/staff-sessions.js';
import { AppError } from '../../src/platform/errors.js';
import type { Runtime } from '../../src/runtime.js';
import { createTestRuntime } from '../support/env.js';
import { buildAgentId } from './agents-support.js';

const PASSWORD = 'correct horse battery';

/** The status a login answers with: 200, or the AppError's status. */
async function loginStatus(
  runtime: Runtime,
  username: string,
  password: string,
  address: string,
): Promise<number> {
  try {
    await runtime.staff.login(username, password, address);
    return 200;
  } catch (error) {
    if (error instanceof AppError) return error.status;
    throw error;
  }
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

describe('staff login: lock-out per address, dummy hashing', () => {
  let runtime: Runtime;

  before(async () => {
    runtime = await createTestRuntime();
  });

  async function createUser() {
    const username = buildAgentId('login');
    await runtime.staff.createUser({ username, role: 'agent', skills: [], password: PASSWORD });
    return username;
  }

  it('finding 5: a wrong password locks the account only for the address that tried', async function () {
    this.timeout(60_000);
    const username = await createUser();
    for (let i = 0; i < MAX_FAILED_LOGINS; i += 1)
      assert.equal(await loginStatus(runtime, username, 'wrong password!', '203.0.113.7'), 401);
    assert.equal(
      await loginStatus(runtime, username, PASSWORD, '203.0.113.7'),
      429,
      'locked for the address that tried',
    );
    assert.equal(
      await loginStatus(runtime, username, PASSWORD, '198.51.100.20'),
      200,
      'the colleague at their own desk still logs in',
    );
    const ttl = await runtime.redis.ttl(
      `${runtime.config.redisPrefix}:login-fail:${username}:203.0.113.7`,
    );
    assert.ok(ttl > 0 && ttl <= LOCK_WINDOW_SECONDS, 'the failure counter expires');
  });

  it('finding 5: one address trying many usernames meets the global per-address limit, and its keys expire', async function () {
    this.timeout(120_000);
    const address = '192.0.2.99';
    const statuses: number[] = [];
    for (let i = 0; i <= MAX_ATTEMPTS_PER_ADDRESS; i += 1)
      statuses.push(await loginStatus(runtime, `nobody_${i}`, 'guess guess guess', address));
    assert.deepEqual(
      statuses.slice(0, MAX_ATTEMPTS_PER_ADDRESS),
      Array(MAX_ATTEMPTS_PER_ADDRESS).fill(401),
    );
    assert.equal(statuses[MAX_ATTEMPTS_PER_ADDRESS], 429);
    const keys = await runtime.redis.keys(`${runtime.config.redisPrefix}:login-*${address}*`);
    assert.equal(
      keys.length,
      MAX_ATTEMPTS_PER_ADDRESS + 1,
      'one failure counter per username tried, and the address counter',
    );
    for (const key of keys) assert.ok((await runtime.redis.ttl(key)) > 0, `${key} expires`);
  });

  it('finding 5: a login for an unknown or disabled user costs about as much as a wrong password (a dummy is hashed)', async function () {
    this.timeout(60_000);
    const username = await createUser();
    const disabled = await createUser();
    await runtime.staff.disableUser(disabled);
    const timed = async (name: string, i: number) => {
      const started = performance.now();
      assert.equal(await loginStatus(runtime, name, 'wrong password!', `10.9.${i}.1`), 401);
      return performance.now() - started;
    };
    await timed('no_such_user', 250);
    const wrong: number[] = [];
    const unknown: number[] = [];
    const off: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      wrong.push(await timed(username, i));
      unknown.push(await timed(`no_such_user_${i}`, i));
      off.push(await timed(disabled, i));
    }
    // Without a dummy hash an unknown user answers in about a millisecond, a hundredth of a verify.
    assert.ok(
      median(unknown) > median(wrong) * 0.4,
      `unknown ${median(unknown).toFixed(1)} ms vs wrong password ${median(wrong).toFixed(1)} ms`,
    );
    assert.ok(
      median(off) > median(wrong) * 0.4,
      `disabled ${median(off).toFixed(1)} ms vs wrong password ${median(wrong).toFixed(1)} ms`,
    );
  });
});
