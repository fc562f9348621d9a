import assert from 'node:assert/strict';
import { readTwiml, type Verb } from '../../src/telephony/index.js';

/** The profiles a call-flow test runs under. */
export const PROFILES = ['twilio', 'twiml-core'] as const;
export type ProfileName = (typeof PROFILES)[number];

/** The verbs a TwiML-core provider runs (Somleng's engine, for one); what each may hold inside it. */
const CORE_VERBS: Record<string, readonly string[]> = {
  Say: [],
  Play: [],
  Gather: ['Say', 'Play'],
  Dial: ['Number', 'Sip'],
  Redirect: [],
  Record: [],
  Reject: [],
  Hangup: [],
};

/**
 * Asserts that a TwiML answer uses only the core verbs: Say, Play, Gather without speech, Dial with
 * Number or Sip, Redirect, Record, Reject, Hangup (no Enqueue, Leave, Queue, Client, Pause).
 */
export function assertTwimlCore(xml: string, where = ''): void {
  const check = (verb: Verb, allowed: readonly string[]) => {
    assert.ok(
      allowed.includes(verb.name),
      `${where}: <${verb.name}> is not in TwiML's core:\n${xml}`,
    );
    if (verb.name === 'Gather') {
      assert.ok(
        !(verb.attributes.input ?? 'dtmf').includes('speech'),
        `${where}: a Gather listens for speech:\n${xml}`,
      );
      assert.equal(
        verb.attributes.hints,
        undefined,
        `${where}: a Gather has speech hints:\n${xml}`,
      );
    }
    if (verb.name === 'Dial')
      assert.ok(
        verb.children.length > 0 && !verb.text.trim(),
        `${where}: a Dial must name a Number or a Sip:\n${xml}`,
      );
    for (const child of verb.children) check(child, CORE_VERBS[verb.name] ?? []);
  };
  for (const verb of readTwiml(xml)) check(verb, Object.keys(CORE_VERBS));
}

/** REST resources a TwiML-core provider offers: Calls (create, fetch, update) and Messages. */
const CORE_REST = [
  /^\/2010-04-01\/Accounts\/AC[0-9a-f]{32}\/Calls(\/CA[0-9a-f]{32})?\.json$/,
  /^\/2010-04-01\/Accounts\/AC[0-9a-f]{32}\/Messages(\/SM[0-9a-f]{32})?\.json$/,
];

/** Asserts that every REST request went to the Calls or Messages resource only. */
export function assertRestCore(requests: ReadonlyArray<{ method: string; path: string }>): void {
  for (const request of requests)
    assert.ok(
      CORE_REST.some((pattern) => pattern.test(request.path)),
      `${request.method} ${request.path} is not a Calls or Messages request`,
    );
}
