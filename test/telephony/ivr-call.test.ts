import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createAgent } from '../agents/agents-support.js';
import { eventually } from '../support/poll.js';
import { answeringPhone, closeProviderRuntimes, providerRuntime } from './telephony-support.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** `npm run ivr:call` as a command beside the running service, calling its provider; stdout kept. */
function ivrCall(
  url: string,
  ...args: string[]
): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  // node itself, with tsx as a loader: a kill reaches the process that holds the call (the tsx command would leave its child running).
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'tools/caller/ivr-call.ts', '--to', '4226101', '--url', url, ...args],
    { cwd: root, env: { ...process.env, LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return {
    child,
    output: () => output,
    exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
  };
}

describe('ivr:call beside a running service goes through its built-in provider', function () {
  this.timeout(120_000);
  afterEach(closeProviderRuntimes);
  // Real time at a fiftieth of the prompts' spoken length: the service runs as under npm start, only faster.
  const FAST = { instant: false, paceScale: 0.02 };

  it("when ivr:call waits two turns and hangs up, then its summary says nobody answered, and no caller is left waiting in routing or in the provider's queue", async () => {
    const { runtime, telephony, url } = await providerRuntime({}, FAST);
    const run = ivrCall(url, '--keys', '2,1', '--wait-rounds', '2');
    assert.equal(await run.exited, 0, run.output());
    assert.match(run.output(), /经 http:\/\/127\.0\.0\.1:\d+ 正在运行的服务的内置电话服务商拨打/);
    assert.match(run.output(), /结果：进入队列（cc-general），无坐席接听/);
    assert.doesNotMatch(run.output(), /，坐席接听/);
    await eventually(
      async () => (await runtime.routing.store.waiting('cc-general')).length === 0,
      'routing has no waiting caller',
    );
    assert.deepEqual(telephony.queued()['cc-general'], []);
    assert.deepEqual(telephony.liveCalls(), []);
  });

  it('when ivr:call is killed while waiting, then the provider hangs its call up with a final status callback and routing drops the caller', async () => {
    const { runtime, telephony, url } = await providerRuntime({}, FAST);
    const run = ivrCall(url, '--keys', '2,1', '--wait-rounds', '1000');
    const [callSid] = await eventually(
      async () => {
        const waiting = await runtime.routing.store.waiting('cc-general');
        return waiting.length === 1 && waiting;
      },
      'the caller waits',
      60_000,
    );
    run.child.kill('SIGKILL');
    await run.exited;
    await eventually(
      async () => (await runtime.ledger.find(callSid!))?.endedAt != null,
      'the final status reaches the ledger',
    );
    await eventually(
      async () => (await runtime.routing.store.waiting('cc-general')).length === 0,
      'routing drops the caller',
    );
    assert.deepEqual(telephony.liveCalls(), []);
  });

  it("when a free agent's phone answers the call of ivr:call, then its summary says 坐席接听", async () => {
    const { runtime, telephony, url } = await providerRuntime({}, FAST);
    const agent = await createAgent(runtime, { skills: ['cc-general'] });
    const phone = answeringPhone();
    telephony.register(`client:${agent}`, phone);
    await runtime.routing.presence.setState(agent, 'available');
    const run = ivrCall(url, '--keys', '2,1', '--wait-rounds', '50');
    await eventually(async () => phone.offers.length === 1, "the agent's phone rings", 60_000);
    const callSid = phone.offers[0]!.parentCallSid!;
    await eventually(
      async () => (await runtime.ledger.find(callSid))?.answeredAt != null,
      'the call is answered',
    );
    phone.hangup();
    assert.equal(await run.exited, 0, run.output());
    assert.match(run.output(), /结果：进入队列（cc-general），坐席接听/);
    await eventually(
      async () => (await runtime.routing.store.agent(agent)).state === 'wrap_up',
      'the agent goes to wrap-up',
    );
  });
});
