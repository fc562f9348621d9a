import type { TwimlValidator } from '../../src/platform/twiml-schema.js';
import type { Verb } from '../../src/telephony/index.js';
import { enqueue, ownWait } from './caller-queue-walk.js';
import { createCallSession, OWN_WAIT_PATH, pathOf, type Next } from './caller-session.js';
import type { CallerTransport, CallResult, CallScript } from './caller-types.js';

export { parseInputs } from './caller-inputs.js';
export { createHttpTransport } from './caller-transport.js';
export {
  CallerError,
  type CallerInput,
  type CallerTransport,
  type CallOutcome,
  type CallRequest,
  type CallResult,
  type CallScript,
} from './caller-types.js';

/**
 * Plays Twilio's side of a call against the service: signed requests with Twilio's parameters,
 * following Gather actions, Redirect, Enqueue (waitUrl turns and the action with a QueueResult),
 * Leave and Dial actions; or, with a provider that has no queues, the service's own wait loop
 * (Redirects back to the wait URL) and the REST updates that re-point the live call. Every answer must be 200 TwiML, valid against Twilio's schema when a
 * validator is given; anything else throws {@link CallerError}.
 */
export async function placeCall(
  transport: CallerTransport,
  publicBaseUrl: string,
  script: CallScript,
  validator: TwimlValidator | null,
): Promise<CallResult> {
  const session = createCallSession(transport, script, validator);
  const { from, lines, requests, inputs, say, fail, speak, gatherParams, end, liveUpdate } =
    session;

  async function run(verbs: Verb[], currentUrl: string, queue?: string): Promise<Next> {
    for (const verb of verbs) {
      switch (verb.name) {
        case 'Say':
        case 'Play':
        case 'Pause':
          speak(verb);
          break;
        case 'Gather': {
          verb.children.forEach(speak);
          const input = inputs.shift();
          const action = verb.attributes.action ?? currentUrl;
          if (!input) {
            say('  （来电者挂机）');
            return end('caller-hung-up', { unansweredGather: action, ...(queue ? { queue } : {}) });
          }
          const extra = gatherParams(input, verb);
          if (input.kind === 'silence' && verb.attributes.actionOnEmptyResult !== 'true') break;
          return { url: action, extra };
        }
        case 'Redirect':
          if (new URL(verb.text).pathname === OWN_WAIT_PATH) return ownWait(session, verb.text);
          return { url: verb.text };
        case 'Hangup':
          say('  （系统挂机）');
          return end(queue ? 'queue' : 'hangup', queue ? { queue } : {});
        case 'Reject':
          return end('hangup');
        case 'Enqueue':
          return enqueue(session, verb, currentUrl, run);
        case 'Dial': {
          say(
            `  （转接 ${verb.text || verb.children.map((c) => `${c.name} ${c.text}`).join(', ')}）`,
          );
          // Re-pointed over REST during the call (a transfer): the provider leaves the Dial for the new URL.
          const update = await liveUpdate();
          if (update) return { url: update };
          if (verb.attributes.action)
            return {
              url: verb.attributes.action,
              extra: { DialCallStatus: 'completed', DialCallDuration: '60' },
            };
          break;
        }
        case 'Leave':
          break;
        default:
          say(`  （${verb.name}）`);
      }
    }
    return queue
      ? end('queue', { queue })
      : fail(
          `${pathOf(currentUrl)} ended without a next step (no Gather, Redirect, Enqueue or Hangup): the caller would meet silence`,
        );
  }

  say(`呼叫 ${script.to}，来电号码 ${from}`);
  let url = `${publicBaseUrl}/twilio/voice/incoming`;
  let extra: Record<string, string> = {};
  for (;;) {
    const verbs = await session.request(url, extra);
    if (verbs === 'stopped') return { outcome: 'self-service', lines, requests };
    const next = await run(verbs, url, session.ownQueue);
    if ('end' in next) return next.end;
    url = next.url;
    extra = next.extra ?? {};
  }
}
