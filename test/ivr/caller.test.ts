import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createTwimlValidator } from '../../src/platform/twiml-schema.js';
import {
  CallerError,
  parseInputs,
  placeCall,
  type CallerTransport,
} from '../../tools/caller/caller.js';
import { expectAllValidTwiml } from './ivr-support.js';
import { testRun } from '../support/env.js';
import { TWIML_XSD_PRESENT } from '../support/twiml.js';

const run = promisify(execFile);

/** A service that always answers `body`. */
const answering = (body: string, status = 200): CallerTransport => ({
  post: async () => ({ status, body, contentType: 'text/xml' }),
});

describe('the in-repo caller (npm run ivr:call)', () => {
  it("when the command line gives keys, silences and speech, then they become the caller's inputs in order (speech first)", () => {
    assert.deepEqual(parseInputs('1,timeout,~人工', '预约'), [
      { kind: 'speech', text: '预约', confidence: 0.9 },
      { kind: 'dtmf', digits: '1' },
      { kind: 'silence' },
      { kind: 'speech', text: '人工', confidence: 0.9 },
    ]);
  });

  it('when an answer is not valid TwiML, then the call fails with the transcript so far', async function () {
    if (!TWIML_XSD_PRESENT) this.skip();
    const validator = createTwimlValidator()!;
    await assert.rejects(
      placeCall(
        answering('<?xml version="1.0"?><Response><Speak>你好</Speak></Response>'),
        'https://x.test',
        { to: '+864694226101', inputs: [] },
        validator,
      ),
      (error: unknown) =>
        error instanceof CallerError &&
        /invalid against Twilio's schema/.test(error.message) &&
        /→ POST \/twilio\/voice\/incoming/.test(error.message),
    );
    await assert.rejects(
      expectAllValidTwiml(['<?xml version="1.0"?><Response><Speak/></Response>']),
      /Speak/,
    );
  });

  it("when # is pressed at a Gather that keeps Twilio's default finishOnKey, then Digits is empty, as Twilio sends it", async () => {
    const posted: Array<Record<string, string>> = [];
    const answers = [
      '<?xml version="1.0"?><Response><Gather action="https://x.test/a"><Say>请按#号键</Say></Gather></Response>',
      '<?xml version="1.0"?><Response><Gather action="https://x.test/b" finishOnKey=""><Say>请按#号键</Say></Gather></Response>',
      '<?xml version="1.0"?><Response><Hangup/></Response>',
    ];
    const transport: CallerTransport = {
      post: async (_url, params) => {
        posted.push(params);
        return { status: 200, body: answers[posted.length - 1]!, contentType: 'text/xml' };
      },
    };
    const result = await placeCall(
      transport,
      'https://x.test',
      { to: '+864694226101', inputs: parseInputs('#,#', undefined) },
      null,
    );
    assert.equal(result.outcome, 'hangup');
    assert.equal(posted[1]!.Digits, '');
    assert.equal(posted[2]!.Digits, '#');
  });

  it('when an answer is a 500 or ends without a next step, then the call fails (silence is a failure)', async () => {
    await assert.rejects(
      placeCall(
        answering('oops', 500),
        'https://x.test',
        { to: '+864694226101', inputs: [] },
        null,
      ),
      /answered 500/,
    );
    await assert.rejects(
      placeCall(
        answering('<?xml version="1.0"?><Response><Say>你好</Say></Response>'),
        'https://x.test',
        { to: '+864694226101', inputs: [] },
        null,
      ),
      /ended without a next step/,
    );
  });

  it('when npm run ivr:call runs in-process at a given time, then it prints the conversation and where it ended', async function () {
    this.timeout(60_000);
    const { stdout } = await run(
      'npx',
      [
        'tsx',
        'tools/caller/ivr-call.ts',
        '--to',
        '4226101',
        '--keys',
        '2,1',
        '--at',
        '2020-02-03T10:00:00+08:00',
        '--wait-rounds',
        '1',
      ],
      {
        env: {
          ...process.env,
          DATABASE_URL: testRun.databaseUrl,
          REDIS_URL: testRun.redisUrl,
          REDIS_PREFIX: testRun.redisPrefix,
          LOG_LEVEL: 'silent',
        },
      },
    );
    assert.match(stdout, /市民服务中心综合预约热线（菜单 citizen-centre）/);
    assert.match(stdout, /系统：您好，欢迎致电双鸭山市市民服务中心预约热线。/);
    assert.match(stdout, /来电者：按 2/);
    // Through the built-in provider: its queue says the place; nobody is free, so nobody answered.
    assert.match(stdout, /（进入队列 cc-general，第 1 位）/);
    assert.match(stdout, /结果：进入队列（cc-general），无坐席接听/);
  });
});
