import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Runtime } from '../../src/runtime.js';
import { createTestRuntime, testRun } from '../support/env.js';
import { buildAgentId } from './agents-support.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs `npm run admin -- …` as a person would (the build in dist/, the process environment, a password on stdin). */
function admin(
  args: string[],
  stdin = '',
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['dist/admin.js', ...args], {
      cwd: root,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        DATABASE_URL: testRun.databaseUrl,
        REDIS_URL: testRun.redisUrl,
        REDIS_PREFIX: testRun.redisPrefix,
        LOG_LEVEL: 'silent',
        STAFF_PASSWORD_HASH_MEMORY_KIB: '1024',
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('npm run admin -- user:create / user:disable / user:phone', () => {
  let runtime: Runtime;
  before(async () => {
    runtime = await createTestRuntime();
  });

  it('when an agent is created with skills and a password on stdin, then they can log in; when disabled, they cannot', async function () {
    this.timeout(90_000);
    const username = buildAgentId('cli').toLowerCase();
    const created = await admin(
      [
        'user:create',
        '--username',
        username,
        '--name',
        '王丽',
        '--role',
        'agent',
        '--skills',
        'cc-general,cc-tax',
        '--password-stdin',
      ],
      'a long enough secret\n',
    );
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /created agent .+ \(王丽\) with skills cc-general, cc-tax/);
    const user = await runtime.staff.findUser(username);
    assert.deepEqual(user?.skills, ['cc-general', 'cc-tax']);
    assert.equal(user?.displayName, '王丽');
    assert.match(user!.passwordHash, /^\$argon2id\$/);
    assert.equal(
      (await runtime.staff.login(username, 'a long enough secret', '127.0.0.9')).user.id,
      username,
    );

    const unknown = await admin(
      [
        'user:create',
        '--username',
        `${username}x`,
        '--role',
        'agent',
        '--skills',
        'no-such-dept',
        '--password-stdin',
      ],
      'a long enough secret',
    );
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /unknown skills: no-such-dept/);

    const disabled = await admin(['user:disable', '--username', username]);
    assert.equal(disabled.code, 0, disabled.stderr);
    await assert.rejects(
      runtime.staff.login(username, 'a long enough secret', '127.0.0.9'),
      /wrong username or password/,
    );
  });

  it('when user:phone is given a SIP address and a SIP password on stdin, then the password is stored sealed and opens for the softphone; an empty one clears it', async function () {
    this.timeout(90_000);
    const username = buildAgentId('sip').toLowerCase();
    await runtime.staff.createUser({
      username,
      role: 'agent',
      skills: ['cc-general'],
      password: 'a long enough secret',
    });
    const sip = `sip:${username}@hotline.sip.example.cn`;
    const set = await admin(
      ['user:phone', '--username', username, '--sip', sip, '--sip-password-stdin'],
      'sip secret 1\n',
    );
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /is rung at sip:.+; SIP softphone password set \(stored encrypted\)/);
    assert.doesNotMatch(set.stdout, /sip secret 1/);
    const user = await runtime.staff.findUser(username);
    assert.match(user!.sipPasswordSealed!, /^v1\./);
    assert.doesNotMatch(user!.sipPasswordSealed!, /sip secret 1/);
    assert.deepEqual(await runtime.staff.sipCredentials(username), {
      uri: sip,
      password: 'sip secret 1',
    });

    const cleared = await admin(
      ['user:phone', '--username', username, '--sip-password-stdin'],
      '\n',
    );
    assert.equal(cleared.code, 0, cleared.stderr);
    assert.equal(await runtime.staff.sipCredentials(username), undefined);
    assert.equal(
      (await runtime.staff.findUser(username))!.sipAddress,
      sip,
      'the SIP address stays',
    );
  });
});
