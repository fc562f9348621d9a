import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import type { Runtime } from '../../src/runtime.js';
import { createTestRuntime, PUBLIC_BASE_URL, testRun } from '../support/env.js';
import { freePort } from '../support/net.js';
import { eventually } from '../support/poll.js';
import {
  buildCallSid,
  buildIncomingParams,
  buildStatusParams,
  FIRST_HOTLINE,
  postSigned,
} from '../support/twilio.js';

/** The web role as its own process (tsx from the sources), on this run's database. */
async function startWebRole(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'test',
      PORT: String(port),
      DATABASE_URL: testRun.databaseUrl,
      DATABASE_POOL_MAX: '2',
      REDIS_URL: testRun.redisUrl,
      REDIS_PREFIX: `${testRun.redisPrefix}-rebuild`,
      PUBLIC_BASE_URL,
      LOG_LEVEL: 'silent',
    },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  await eventually(
    async () =>
      child.exitCode === null &&
      (await fetch(`${url}/healthz`)
        .then((r) => r.ok)
        .catch(() => false)),
    'the web role to listen',
    60_000,
  );
  return { url, child };
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/** A status callback for the first hotline. */
const status = (
  callSid: string,
  callStatus: string,
  sequence: number,
  at: Date,
  extra: Record<string, string> = {},
) => buildStatusParams(callSid, callStatus, sequence, at, { To: FIRST_HOTLINE, ...extra });

describe('a web process killed with kill -9 right after answering', function () {
  this.timeout(120_000);
  let runtime: Runtime;
  const children: ChildProcess[] = [];

  before(async () => {
    runtime = await createTestRuntime();
  });

  after(async () => {
    for (const child of children) child.kill('SIGKILL');
    await Promise.all(children.map(killed));
  });

  it('when the caller was answered, then the arrival and the path of that answer are stored; when an arrival was lost, then the status callbacks rebuild the call with its hotline and times', async () => {
    const first = await startWebRole();
    children.push(first.child);
    const incoming = buildIncomingParams();
    const answered = await postSigned(first.url, '/twilio/voice/incoming', incoming);
    first.child.kill('SIGKILL');
    await killed(first.child);
    assert.equal(answered.status, 200);
    assert.match(answered.body, /<Response>/);

    // The arrival was committed before the caller heard the answer: nothing of it is lost.
    const kept = await runtime.ledger.find(incoming.CallSid!);
    assert.equal(kept?.hotlineNumber, FIRST_HOTLINE);
    assert.ok(
      (await runtime.ledger.steps(incoming.CallSid!)).length >= 1,
      'the steps of the answer',
    );

    // A call whose arrival never reached the ledger (written to a PostgreSQL that then crashed,
    // or not reachable then): a restarted web process rebuilds it from Twilio's status callbacks.
    const second = await startWebRole();
    children.push(second.child);
    const lost = buildCallSid();
    const ended = new Date(Date.UTC(2026, 2, 2, 2, 10, 0));
    assert.equal(
      (
        await postSigned(
          second.url,
          '/twilio/voice/status',
          status(lost, 'in-progress', 1, new Date(ended.getTime() - 40_000)),
        )
      ).status,
      204,
    );
    assert.equal(
      (
        await postSigned(
          second.url,
          '/twilio/voice/status',
          status(lost, 'completed', 2, ended, { CallDuration: '95' }),
        )
      ).status,
      204,
    );
    const rebuilt = await runtime.ledger.find(lost);
    const hotline = runtime.catalogue.hotline(FIRST_HOTLINE)!;
    assert.deepEqual(
      {
        hotline: rebuilt?.hotlineNumber,
        hall: rebuilt?.hallId,
        department: rebuilt?.departmentId,
        from: rebuilt?.fromNumber,
        status: rebuilt?.status,
      },
      {
        hotline: hotline.number,
        hall: hotline.hall,
        department: hotline.department,
        from: '+8613904691234',
        status: 'completed',
      },
    );
    assert.equal(
      rebuilt?.arrivedAt.toISOString(),
      new Date(ended.getTime() - 95_000).toISOString(),
    );
    assert.equal(rebuilt?.endedAt?.toISOString(), ended.toISOString());
    assert.equal((await runtime.ledger.summarize(lost))?.durationSeconds, 95);
  });
});
