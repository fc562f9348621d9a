import type { CallParty, Endpoint, LegOffer } from '../../src/telephony/index.js';
import { callThroughProvider } from '../../tools/caller/provider-caller.js';
import { client, createAgent, eventually } from '../agents/agents-support.js';
import type { Runtime } from '../../src/runtime.js';
import { CITIZEN_CENTRE, providerRuntime } from '../telephony/telephony-support.js';

/** Waits (a bounded poll) until routing has the agent in `state`; `what` names the wait in its failure. */
export const untilState = (runtime: Runtime, agentId: string, state: string, what: string) =>
  eventually(async () => (await runtime.routing.store.agent(agentId)).state === state, what);

/** A softphone that answers at once and keeps the signalling the provider passes it. */
export function signallingPhone(): Endpoint & {
  offers: LegOffer[];
  signals: unknown[];
  hangup(): void;
} {
  const offers: LegOffer[] = [];
  const signals: unknown[] = [];
  let end: (() => void) | undefined;
  const party: CallParty = { hear: () => undefined, signal: (data) => signals.push(data) };
  return {
    offers,
    signals,
    async ring(offer) {
      offers.push(offer);
      const ended = new Promise<void>((resolve) => (end = resolve));
      return { answered: true, party, hangup: () => end?.(), ended };
    },
    hangup: () => end?.(),
  };
}

export const shortPath = (path: string) => path.replace(/\/Accounts\/[^/]+\//, '/Accounts/AC/');

/** The provider's REST credentials, as Twilio's clients send them. */
export function basic(runtime: { config: { twilio: { accountSid: string; authToken: string } } }) {
  const { accountSid, authToken } = runtime.config.twilio;
  return `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
}

/**
 * A caller dials the citizen centre's hotline, presses 2 then 1 and is answered by `agent` (free,
 * on `desk`): answers the caller's call (still running), its CallSid and the agent's leg.
 */
export async function answeredCall(
  { runtime, telephony }: Awaited<ReturnType<typeof providerRuntime>>,
  agent: string,
  desk: ReturnType<typeof signallingPhone>,
) {
  telephony.register(`client:${agent}`, desk);
  await runtime.routing.presence.setState(agent, 'available');
  const call = callThroughProvider(telephony, {
    to: CITIZEN_CENTRE,
    inputs: [
      { kind: 'dtmf', digits: '2' },
      { kind: 'dtmf', digits: '1' },
    ],
  });
  await eventually(async () => desk.offers.length === 1, "the agent's phone rings");
  const callSid = desk.offers[0]!.parentCallSid!;
  const legSid = desk.offers[0]!.legSid;
  await eventually(
    async () => (await runtime.routing.store.agent(agent)).state === 'on_call',
    'the agent on the call',
  );
  return { call, callSid, legSid };
}

/**
 * 王丽 (cc-general) on a caller's call on the built-in provider under the Twilio profile, logged in
 * on `browser`, and 李强, a free colleague with no department, whose softphone answers at once.
 */
export async function colleagueAndCall() {
  const provider = await providerRuntime();
  const { runtime, telephony } = provider;
  const agent = await createAgent(runtime, { skills: ['cc-general'], displayName: '王丽' });
  const colleague = await createAgent(runtime, { skills: [], displayName: '李强' });
  const desk = signallingPhone();
  const colleagueDesk = signallingPhone();
  telephony.register(`client:${colleague}`, colleagueDesk);
  await runtime.routing.presence.setState(colleague, 'available');
  const { call, callSid, legSid } = await answeredCall(provider, agent, desk);
  const browser = client(provider.url);
  await browser.login(agent);
  return { ...provider, agent, colleague, desk, colleagueDesk, call, callSid, legSid, browser };
}
