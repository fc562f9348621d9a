import { parseArgs } from 'node:util';
import { loadCatalogue } from '../../src/catalogue/index.js';
import { createFixedClock, shanghai } from '../../src/platform/clock.js';
import { createLogger } from '../../src/platform/logger.js';
import { createTwimlValidator } from '../../src/platform/twiml-schema.js';
import { configOrExit, exitOnStartupError } from '../../src/process.js';
import { startLocalWeb, type LocalWeb } from '../../src/web.js';
import {
  CallerError,
  createHttpTransport,
  parseInputs,
  placeCall,
  type CallResult,
} from './caller.js';
import { callThroughProvider, type ProviderCallResult } from './provider-caller.js';
import { connectSocketPlacer } from './socket-placer.js';

const usage = `usage: npm run ivr:call -- --to <hotline number, its last 7 digits, or a menu id> [--keys 1,2,*,timeout,~说的话] [--speech 预约,人工]
                 [--from <+86…>] [--at <ISO time, Asia/Shanghai>] [--url <base URL of a running service>]
                 [--queue-result bridged|hangup|leave|queue-full|error|redirected] [--wait-rounds 3] [--confidence 0.9]`;

/**
 * \`npm run ivr:call\`: a scripted caller, and the conversation printed. Beside a running service
 * (\`npm start\` on this machine's PORT, or \`--url\`) the call goes through that service's built-in
 * provider, over its callers' socket: a caller killed mid-call is hung up there, so no caller is left
 * waiting. Otherwise in-process, through a provider of its own on the configured database and Redis.
 * A service on another provider (\`--url\`, TELEPHONY_PROVIDER=twilio) gets the webhooks directly.
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
  const hotline = catalogue.hotlines.find(
    (h) => h.number === flags.to || h.number.endsWith(flags.to!) || h.menu === flags.to,
  );
  if (!hotline) {
    console.error(
      `${flags.to} is not a hotline number or a menu id; hotlines:\n${catalogue.hotlines.map((h) => `  ${h.number}  ${h.name} (menu ${h.menu})`).join('\n')}`,
    );
    return 2;
  }
  const script = {
    to: hotline.number,
    ...(flags.from ? { from: flags.from } : {}),
    inputs: parseInputs(
      flags.keys,
      flags.speech,
      flags.confidence ? Number(flags.confidence) : 0.9,
    ),
    ...(flags['queue-result'] ? { queueResult: flags['queue-result'] } : {}),
    ...(flags['wait-rounds'] ? { waitRounds: Number(flags['wait-rounds']) } : {}),
  };
  const validator = createTwimlValidator();
  if (!validator)
    console.error(
      "(../shared/twilio/twiml-xsd is absent: answers are not checked against Twilio's schema)",
    );
  console.log(`${hotline.name}（菜单 ${hotline.menu}）`);
  /** Every answer of the call must be valid against Twilio's schema, or the command fails. */
  const checked = async (result: ProviderCallResult) => {
    for (const request of result.requests) {
      const validation = await validator?.(request.twiml);
      if (validation && !validation.valid)
        throw new CallerError(
          `${request.url} answered TwiML that is invalid against Twilio's schema:\n${validation.errors.join('\n')}\n${request.twiml}`,
          result.lines,
        );
    }
    return result;
  };

  const credentials = { accountSid: config.twilio.accountSid, authToken: config.twilio.authToken };
  // Beside a running service (npm start, or --url) the call goes through its built-in provider, on the service's own clock.
  if (!flags.at) {
    const base = flags.url?.replace(/\/+$/, '') ?? `http://127.0.0.1:${config.port}`;
    const placer = await connectSocketPlacer(base, credentials);
    if (placer) {
      if (flags['queue-result'])
        console.error(
          '--queue-result is for a walk without a provider; the provider reports how the caller left the queue',
        );
      console.log(`（经 ${base} 正在运行的服务的内置电话服务商拨打）`);
      return print(await checked(await callThroughProvider(placer, script)));
    }
    if (flags.url) {
      // A service on another provider: its webhooks are played directly, as before.
      const transport = createHttpTransport({
        publicBaseUrl: base,
        targetBaseUrl: base,
        authToken: config.twilio.authToken,
      });
      return print(await placeCall(transport, base, script, validator));
    }
  } else if (flags.url)
    console.error('--at only works in-process; the running service uses its own clock');

  const at = flags.at ? new Date(flags.at) : undefined;
  if (at && Number.isNaN(at.getTime())) {
    console.error('--at must be an ISO time, e.g. 2020-10-01T10:00:00+08:00');
    return 2;
  }
  // In-process the clock stands still: each wait turn moves it 50 s, and the provider's waits end at once.
  const clock = createFixedClock(at ?? new Date());
  let web: LocalWeb;
  try {
    web = await startLocalWeb(config, {
      logger: createLogger('warn'),
      clock,
      telephony: { instant: true, maxRequests: 80 },
    });
  } catch (error) {
    return exitOnStartupError(error);
  }
  try {
    if (at) console.log(`（时间：${shanghai(at).toFormat('yyyy-MM-dd HH:mm')} 北京时间）`);
    const onWaitTurn = () => clock.advance(50_000);
    if (web.runtime.telephony)
      return print(
        await checked(await callThroughProvider(web.runtime.telephony, { ...script, onWaitTurn })),
      );
    // TELEPHONY_PROVIDER=twilio: no provider here; the service's webhooks are played directly.
    const transport = createHttpTransport({
      publicBaseUrl: config.publicBaseUrl,
      targetBaseUrl: web.url,
      authToken: config.twilio.authToken,
    });
    return print(
      await placeCall(transport, config.publicBaseUrl, { ...script, onWaitTurn }, validator),
    );
  } finally {
    await web.close();
  }
}

function print(result: CallResult | ProviderCallResult): number {
  console.log(result.lines.join('\n'));
  const outcomes = {
    hangup: '系统挂机',
    queue: '进入队列',
    'self-service': '转入自助服务',
    'caller-hung-up': '来电者挂机',
  } as const;
  // Through a provider the summary says whether an agent answered; the walk without one cannot know.
  const answered =
    'agentAnswered' in result
      ? result.agentAnswered
        ? '，坐席接听'
        : result.outcome === 'queue'
          ? '，无坐席接听'
          : ''
      : '';
  console.log(
    `结果：${outcomes[result.outcome]}${result.queue ? `（${result.queue}）` : ''}${answered}，共 ${result.requests.length} 次请求`,
  );
  return 0;
}

main()
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    console.error(error instanceof CallerError ? `ivr:call failed: ${error.message}` : error);
    process.exit(1);
  });
