import { parseArgs } from 'node:util';
import { loadCatalogue } from '../../src/catalogue/index.js';
import { createFixedClock, shanghai } from '../../src/platform/clock.js';
import { createLogger } from '../../src/platform/logger.js';
import { createTwimlValidator } from '../../src/platform/twiml-schema.js';
import { configOrExit, exitOnStartupError } from '../../src/process.js';
import { startLocalWeb, type LocalWeb } from '../../src/web.js';
import { CallerError, createHttpTransport, parseInputs, placeCall } from './caller.js';

const usage = `usage: npm run ivr:call -- --to <hotline number, its last 7 digits, or a menu id> [--keys 1,2,*,timeout,~说的话] [--speech 预约,人工]
                 [--from <+86…>] [--at <ISO time, Asia/Shanghai>] [--url <base URL of a running service>]
                 [--queue-result bridged|hangup|leave|queue-full|error|redirected] [--wait-rounds 3] [--confidence 0.9]`;

/**
 * \`npm run ivr:call\`: plays Twilio's side of a call against the service and prints the
 * conversation. In-process by default (the configured database, PGlite unless DATABASE_URL, and
 * Redis); \`--url\` calls a running service, signing with TWILIO_AUTH_TOKEN.
 */
async function main(): Promise<number> {
  let flags;
  try {
    flags = parseArgs({
      options: {
        to: { type: 'string' },
        from: { type: 'string' },
        keys: { type: 'string' },
        speech: { type: 'string' },
        at: { type: 'string' },
        url: { type: 'string' },
        'queue-result': { type: 'string' },
        'wait-rounds': { type: 'string' },
        confidence: { type: 'string' },
      },
      strict: true,
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  if (!flags.to) {
    console.error(usage);
    return 2;
  }
  const config = configOrExit();
  const catalogue = loadCatalogue(config.catalogueDir);
  const hotline = catalogue.hotlines.find((h) => h.number === flags.to || h.number.endsWith(flags.to!) || h.menu === flags.to);
  if (!hotline) {
    console.error(`${flags.to} is not a hotline number or a menu id; hotlines:\n${catalogue.hotlines.map((h) => `  ${h.number}  ${h.name} (menu ${h.menu})`).join('\n')}`);
    return 2;
  }
  const script = {
    to: hotline.number,
    ...(flags.from ? { from: flags.from } : {}),
    inputs: parseInputs(flags.keys, flags.speech, flags.confidence ? Number(flags.confidence) : 0.9),
    ...(flags['queue-result'] ? { queueResult: flags['queue-result'] } : {}),
    ...(flags['wait-rounds'] ? { waitRounds: Number(flags['wait-rounds']) } : {}),
  };
  const validator = createTwimlValidator();
  if (!validator) console.error('(../shared/twilio/twiml-xsd is absent: answers are not checked against Twilio\'s schema)');
  console.log(`${hotline.name}（菜单 ${hotline.menu}）`);

  if (flags.url) {
    if (flags.at) console.error('--at only works in-process; the running service uses its own clock');
    const base = flags.url.replace(/\/+$/, '');
    const transport = createHttpTransport({ publicBaseUrl: base, targetBaseUrl: base, authToken: config.twilio.authToken });
    return print(await placeCall(transport, base, script, validator));
  }

  const at = flags.at ? new Date(flags.at) : undefined;
  if (at && Number.isNaN(at.getTime())) {
    console.error('--at must be an ISO time, e.g. 2020-10-01T10:00:00+08:00');
    return 2;
  }
  // The service's own wait loop (a provider without queues) reads the wait from the clock: each turn moves it 50 s, like the Twilio walk's QueueTime.
  const clock = at || !config.telephony.queues ? createFixedClock(at ?? new Date()) : undefined;
  let web: LocalWeb;
  try {
    web = await startLocalWeb(config, { logger: createLogger('warn'), ...(clock ? { clock } : {}) });
  } catch (error) {
    return exitOnStartupError(error);
  }
  try {
    const transport = createHttpTransport({ publicBaseUrl: config.publicBaseUrl, targetBaseUrl: web.url, authToken: config.twilio.authToken });
    if (at) console.log(`（时间：${shanghai(at).toFormat('yyyy-MM-dd HH:mm')} 北京时间）`);
    return print(await placeCall(transport, config.publicBaseUrl, { ...script, ...(clock ? { onWaitTurn: () => clock.advance(50_000) } : {}) }, validator));
  } finally {
    await web.close();
  }
}

function print(result: Awaited<ReturnType<typeof placeCall>>): number {
  console.log(result.lines.join('\n'));
  const outcomes = { hangup: '系统挂机', queue: '进入队列', 'self-service': '转入自助服务', 'caller-hung-up': '来电者挂机' } as const;
  console.log(`结果：${outcomes[result.outcome]}${result.queue ? `（${result.queue}）` : ''}，共 ${result.requests.length} 次请求`);
  return 0;
}

main()
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    console.error(error instanceof CallerError ? `ivr:call failed: ${error.message}` : error);
    process.exit(1);
  });
