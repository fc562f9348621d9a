import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { createFixedClock } from '../../src/platform/clock.js';
import { createLogger } from '../../src/platform/logger.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import type { CallParty, Endpoint, LegOffer } from '../../src/telephony/index.js';
import type { RecordedRequest } from '../agents/agents-support.js';
import { ownDatabase, testConfig, testRun, startTestServer } from '../support/env.js';

/** A Monday at 10:00 in Shanghai: the halls are open. */
export const OPEN_MONDAY = '2026-03-02T02:00:00Z';
export const CITIZEN_CENTRE = '+864694226101';

const opened: Runtime[] = [];

/**
 * A runtime on the built-in provider (TELEPHONY_PROVIDER unset: local), the telephony tests' database, its own Redis prefix, waits
 * instant unless `pace` says otherwise, served on a local port; its log lines, the REST requests it sent and the
 * TwiML documents the provider executed are kept.
 */
export async function providerRuntime(
  env: Record<string, string> = {},
  pace: { instant: boolean; paceScale?: number } = { instant: true },
) {
  const clock = createFixedClock(OPEN_MONDAY);
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const rest: RecordedRequest[] = [];
  // Every TwiML document the provider executed, for the tests to check against Twilio's schema.
  const twiml: string[] = [];
  // A database of the telephony tests' own: their calls and recordings stay out of other files' counts.
  const config = testConfig({
    DATABASE_URL: await ownDatabase('telephony'),
    REDIS_PREFIX: `${testRun.redisPrefix}-${randomBytes(3).toString('hex')}`,
    LOG_LEVEL: 'info',
    ...env,
  });
  const runtime = await createRuntime(config, {
    clock,
    logger: createLogger('info', sink),
    telephony: {
      ...pace,
      maxRequests: 80,
      validate: async (document) => {
        twiml.push(document);
        return [];
      },
      observeRest: (request) => rest.push({ ...request, at: performance.now() }),
    },
  });
  opened.push(runtime);
  const server = await startTestServer(runtime);
  return { runtime, telephony: runtime.telephony!, clock, url: server.url, logLines, rest, twiml };
}

/** Closes the runtimes the tests opened. */
export async function closeProviderRuntimes(): Promise<void> {
  for (const runtime of opened.splice(0)) await runtime.close().catch(() => undefined);
}

/** An agent's phone that answers every offer at once and stays on the line until {@link hangup}. */
export function answeringPhone(): Endpoint & {
  offers: LegOffer[];
  heard: string[];
  hangup(): void;
} {
  const offers: LegOffer[] = [];
  const heard: string[] = [];
  let end: (() => void) | undefined;
  const party: CallParty = {
    hear: (event) => heard.push(event.kind === 'say' ? event.text : event.kind),
  };
  return {
    offers,
    heard,
    async ring(offer) {
      offers.push(offer);
      const ended = new Promise<void>((resolve) => (end = resolve));
      return { answered: true, party, hangup: () => end?.(), ended };
    },
    hangup: () => end?.(),
  };
}
