import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testRun } from './support/env.js';
import { freePort } from './support/net.js';


/** Runs a role as its own process, as `npm start` or the Procfile would. */
function runRole(script: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = async (text: string, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!output.includes(text)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`did not see "${text}" in:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  return { child, exited, waitFor, output: () => output };
}

describe('processes', function () {
  this.timeout(90_000);

  it('when npm start runs with no DATABASE_URL, then it serves on the embedded database and stops cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotline-pglite-'));
    const port = await freePort();
    try {
      const role = runRole('src/main.ts', { PORT: String(port), PGLITE_DIR: dir, REDIS_PREFIX: testRun.redisPrefix, LOG_LEVEL: 'info' });
      await role.waitFor('web listening');
      assert.match(role.output(), /embedded PGlite/);
      assert.match(role.output(), /development defaults in use/);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      assert.equal(ready.status, 200);
      const hotlines = (await (await fetch(`http://127.0.0.1:${port}/api/hotlines`)).json()) as unknown[];
      assert.equal(hotlines.length, 27);
      role.child.kill('SIGTERM');
      assert.equal(await role.exited, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when Redis cannot be reached, then start-up stops and says how to start one', async () => {
    const role = runRole('src/server.ts', { REDIS_URL: 'redis://127.0.0.1:1', DATABASE_URL: testRun.databaseUrl });
    assert.equal(await role.exited, 1);
    assert.match(role.output(), /Redis is required and cannot be reached/);
    assert.match(role.output(), /redis-server --daemonize yes/);
  });

  it('when a variable is malformed, then start-up stops naming it', async () => {
    const role = runRole('src/worker.ts', { PORT: 'eighty' });
    assert.equal(await role.exited, 1);
    assert.match(role.output(), /PORT/);
  });

  it('when release runs twice, then migrations and the catalogue apply idempotently', async () => {
    for (let i = 0; i < 2; i += 1) {
      const role = runRole('src/release.ts', { DATABASE_URL: testRun.databaseUrl, LOG_LEVEL: 'info' });
      assert.equal(await role.exited, 0, role.output());
      assert.match(role.output(), /"hotlines":27/);
    }
  });
});
