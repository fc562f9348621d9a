import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testRun } from './support/env.js';
import { freePort } from './support/net.js';
import { eventually } from './support/poll.js';

const BASE_ENV = {
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '',
  STAFF_PASSWORD_HASH_MEMORY_KIB: '1024',
};

/** A command as a person types it (`npm start`, `npm run -s admin -- …`), or a role's built entry point. */
function run(command: string, args: string[], env: Record<string, string>, input?: string) {
  const child = spawn(command, args, {
    env: { ...BASE_ENV, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stdin.end(input ?? '');
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = async (text: string, timeoutMs = 90_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!output.includes(text)) {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`did not see "${text}" in:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  return { child, exited, waitFor, output: () => output, stdout: () => stdout };
}

/** Runs a role with tsx from the sources, as the tests run everything else. */
const runRole = (script: string, env: Record<string, string>) =>
  run(process.execPath, ['--import', 'tsx', script], env);

/** Runs a command to its end; resolves to its exit code and output. */
async function complete(
  command: string,
  args: string[],
  env: Record<string, string>,
  input?: string,
) {
  const started = run(command, args, env, input);
  const code = await started.exited;
  return { code, output: started.output(), stdout: started.stdout() };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Whether something accepts TCP connections on 127.0.0.1:port. */
const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

const childrenOf = (pid: number): number[] => {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
};

async function logIn(port: number, username: string, password: string): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-requested-with': 'XMLHttpRequest' },
    body: JSON.stringify({ username, password }),
  });
  return response.status;
}

describe('processes', function () {
  this.timeout(240_000);

  it('when npm start runs on PGlite, then user:create and apikey:create beside it take effect at once, a second start refuses, kill stops it all, and a restart finds the data', async () => {
    const data = mkdtempSync(join(tmpdir(), 'hotline-data-'));
    const port = await freePort();
    const env = {
      PORT: String(port),
      PGLITE_DIR: join(data, 'pglite'),
      REDIS_PREFIX: `${testRun.redisPrefix}-start`,
      LOG_LEVEL: 'info',
    };
    try {
      const first = run('npm', ['start'], env);
      await first.waitFor('Ready.');
      assert.match(first.output(), /embedded database served on 127\.0\.0\.1/);
      assert.match(first.output(), /development defaults in use/);
      assert.match(first.output(), new RegExp(`http://localhost:${port}/panel/`));
      assert.match(first.output(), /user:create --username zhang_wei --role supervisor/);
      assert.match(first.output(), /npm run ivr:call/);
      assert.equal((await fetch(`http://127.0.0.1:${port}/readyz`)).status, 200);

      const created = await complete(
        'npm',
        [
          'run',
          '-s',
          'admin',
          '--',
          'user:create',
          '--username',
          'zhang_wei',
          '--role',
          'supervisor',
          '--password-stdin',
        ],
        env,
        'a long password\n',
      );
      assert.equal(created.code, 0, created.output);
      assert.equal(
        await logIn(port, 'zhang_wei', 'a long password'),
        200,
        'the new account logs in without a restart',
      );

      const key = await complete(
        'npm',
        ['run', '-s', 'admin', '--', 'apikey:create', '--channel', 'web', '--name', '政务服务网'],
        env,
      );
      assert.equal(key.code, 0, key.output);
      const secret = key.stdout.trim();
      assert.match(secret, /^\S+$/, 'stdout holds only the key');
      const withKey = await fetch(`http://127.0.0.1:${port}/api/bookings/12345678?last4=0000`, {
        headers: { authorization: `Bearer ${secret}` },
      });
      assert.equal(withKey.status, 404, 'the key is accepted (no such booking), not refused');
      const withoutKey = await fetch(`http://127.0.0.1:${port}/api/bookings/12345678?last4=0000`, {
        headers: { authorization: 'Bearer not-a-key' },
      });
      assert.equal(withoutKey.status, 401);

      const second = await complete('npm', ['start'], { ...env, PORT: String(await freePort()) });
      assert.equal(second.code, 1);
      assert.match(second.output, /already served by npm start \(pid \d+, port \d+\)/);

      const npmPid = first.child.pid!;
      const nodePids = childrenOf(npmPid);
      assert.ok(nodePids.length > 0, 'npm runs the service as its child');
      process.kill(npmPid, 'SIGTERM');
      await eventually(
        async () => !alive(npmPid) && nodePids.every((pid) => !alive(pid)),
        'npm and node have exited',
        10_000,
      );
      assert.equal(await first.exited, 0);
      assert.match(first.output(), /shutdown finished/);
      assert.equal(await listening(port), false, 'nothing listens on the port any more');
      assert.equal(existsSync(join(data, 'pglite.owner.json')), false, 'the folder is released');

      const again = run('npm', ['start'], env);
      await again.waitFor('Ready.');
      assert.equal(
        await logIn(port, 'zhang_wei', 'a long password'),
        200,
        'the account is still there after a restart',
      );
      again.child.kill('SIGTERM');
      assert.equal(await again.exited, 0);
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });

  for (const role of ['web', 'worker'] as const) {
    it(`when the npm of npm run ${role} is sent SIGTERM, then its node stops too and nothing keeps the port`, async () => {
      const port = await freePort();
      const env = {
        PORT: String(port),
        DATABASE_URL: testRun.databaseUrl,
        REDIS_URL: testRun.redisUrl,
        REDIS_PREFIX: `${testRun.redisPrefix}-${role}-stop`,
        LOG_LEVEL: 'info',
      };
      const started = run('npm', ['run', role], env);
      const npmPid = started.child.pid!;
      await eventually(
        async () =>
          role === 'web' ? listening(port) : started.output().includes('"msg":"worker started"'),
        `npm run ${role} to be up`,
        90_000,
      ).catch((error: Error) => {
        throw new Error(`${error.message}:\n${started.output()}`);
      });
      const descendants = (pid: number): number[] =>
        childrenOf(pid).flatMap((child) => [child, ...descendants(child)]);
      const below = descendants(npmPid);
      assert.ok(below.length > 0, 'npm runs the role as its child');
      process.kill(npmPid, 'SIGTERM');
      await eventually(
        async () => !alive(npmPid) && below.every((pid) => !alive(pid)),
        'npm and every process below it to exit',
        10_000,
      ).catch(async () => {
        const left = below.filter(alive).map((pid) =>
          execFileSync('ps', ['-o', 'pid=,args=', '-p', String(pid)], {
            encoding: 'utf8',
          }).trim(),
        );
        const held = await listening(port);
        for (const pid of below.filter(alive)) process.kill(pid, 'SIGKILL');
        assert.fail(
          `10 s after SIGTERM to npm (pid ${npmPid}, ${alive(npmPid) ? 'alive' : 'gone'}), still running: ${left.join('; ')}; port ${port} ${held ? 'still held' : 'free'}`,
        );
      });
      assert.equal(await listening(port), false, 'nothing listens on the port any more');
      assert.match(started.output(), /shutdown finished/, 'node shut down cleanly, not killed');
    });
  }

  it('when a command finds the folder held by another command, or damaged, then it refuses with a sentence saying what to do', async () => {
    const data = mkdtempSync(join(tmpdir(), 'hotline-data-'));
    const env = { PGLITE_DIR: join(data, 'pglite'), REDIS_PREFIX: `${testRun.redisPrefix}-held` };
    try {
      // This test process stands for a command that holds the folder without serving it.
      writeFileSync(
        join(data, 'pglite.owner.json'),
        JSON.stringify({ pid: process.pid, port: null, startedAt: new Date(0).toISOString() }),
      );
      const held = await complete('npm', ['run', '-s', 'admin', '--', 'apikey:list'], env);
      assert.equal(held.code, 1);
      assert.match(held.output, /is in use by another command \(pid \d+\)\. Wait for it to finish/);

      // A record left by a process that is gone does not block anyone.
      writeFileSync(
        join(data, 'pglite.owner.json'),
        JSON.stringify({ pid: 2 ** 22 + 1, port: null, startedAt: new Date(0).toISOString() }),
      );
      const stale = await complete('npm', ['run', '-s', 'release'], env);
      assert.equal(stale.code, 0, stale.output);
      assert.equal(existsSync(join(data, 'pglite.owner.json')), false, 'released after use');

      const damaged = join(data, 'damaged');
      mkdirSync(join(damaged, 'base'), { recursive: true });
      writeFileSync(join(damaged, 'PG_VERSION'), 'not a version\n');
      writeFileSync(join(damaged, 'global'), 'junk');
      const broken = await complete('npm', ['run', '-s', 'admin', '--', 'apikey:list'], {
        ...env,
        PGLITE_DIR: damaged,
      });
      assert.equal(broken.code, 1);
      assert.match(
        broken.output,
        new RegExp(`The embedded database in ${damaged} cannot be opened .* move it aside \\(mv `),
      );
      assert.ok(
        broken.output.split('\n').filter(Boolean).length <= 2,
        `one sentence, not a stack:\n${broken.output}`,
      );
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });

  it('when Redis is not running on the configured local port, then npm start starts redis-server with its data in the data folder and stops it with itself', async () => {
    const data = mkdtempSync(join(tmpdir(), 'hotline-data-'));
    const redisPort = await freePort();
    const port = await freePort();
    const env = {
      PORT: String(port),
      DATABASE_URL: testRun.databaseUrl,
      PGLITE_DIR: join(data, 'pglite'),
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      LOG_LEVEL: 'info',
    };
    try {
      const service = run(process.execPath, ['dist/main.js'], env);
      await service.waitFor('Ready.');
      assert.match(service.output(), /started redis-server for this npm start/);
      assert.equal(await listening(redisPort), true);
      assert.ok(existsSync(join(data, 'redis')), 'its data lives under the data folder');
      service.child.kill('SIGTERM');
      assert.equal(await service.exited, 0);
      await eventually(
        async () => !(await listening(redisPort)),
        'the Redis it started has stopped',
        10_000,
      );
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });

  it('when Redis is not running and redis-server is not installed, then npm start stops with one sentence on what to do', async () => {
    const redisPort = await freePort();
    const role = run(process.execPath, ['dist/main.js'], {
      PATH: '/nonexistent',
      DATABASE_URL: testRun.databaseUrl,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    });
    assert.equal(await role.exited, 1);
    assert.match(
      role.output(),
      /redis-server is not installed: install it \(apt-get install redis-server\) .* or point REDIS_URL at a running Redis/,
    );
  });

  it('when Redis cannot be reached, then start-up stops and says how to start one', async () => {
    const role = runRole('src/server.ts', {
      REDIS_URL: 'redis://127.0.0.1:1',
      DATABASE_URL: testRun.databaseUrl,
    });
    assert.equal(await role.exited, 1);
    assert.match(role.output(), /Redis is required and cannot be reached/);
    assert.match(role.output(), /redis-server --daemonize yes/);
  });

  it('when a variable is malformed, then start-up stops naming it', async () => {
    const role = runRole('src/worker.ts', { PORT: 'eighty' });
    assert.equal(await role.exited, 1);
    assert.match(role.output(), /PORT/);
  });

  it('when a .env file sets a variable, then every command reads it and an explicit variable still wins', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotline-env-'));
    const worker = join(process.cwd(), 'dist', 'worker.js');
    const inDir = (env: Record<string, string>) =>
      new Promise<string>((resolve) => {
        const child = spawn(process.execPath, [worker], {
          cwd: dir,
          env: { ...BASE_ENV, CATALOGUE_DIR: join(process.cwd(), 'catalogue'), ...env },
        });
        let output = '';
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.on('exit', (code) => resolve(`exit ${code}: ${output}`));
      });
    try {
      writeFileSync(
        join(dir, '.env'),
        '# set for this folder\nPORT=eighty\nREDIS_URL=redis://127.0.0.1:1\n',
      );
      assert.match(
        await inDir({}),
        /^exit 1: .*PORT/s,
        'the value from .env was read (and refused)',
      );
      const explicit = await inDir({ PORT: '3100', DATABASE_URL: testRun.databaseUrl });
      assert.match(
        explicit,
        /^exit 1: .*Redis is required and cannot be reached at redis:\/\/127\.0\.0\.1:1/s,
        'the rest of .env still applies',
      );
      assert.doesNotMatch(explicit, /PORT/, 'the explicit PORT won over the file');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when release runs twice, then migrations and the catalogue apply idempotently', async () => {
    for (let i = 0; i < 2; i += 1) {
      const role = runRole('src/release.ts', {
        DATABASE_URL: testRun.databaseUrl,
        LOG_LEVEL: 'info',
      });
      assert.equal(await role.exited, 0, role.output());
      assert.match(role.output(), /"hotlines":27/);
    }
  });
});
