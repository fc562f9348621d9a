import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { validateXML } from 'xmllint-wasm';
import type { CallRouting, QueuedCall } from '../../src/calls/index.js';
import { createFixedClock, ZONE } from '../../src/platform/clock.js';
import { DEV_AUTH_TOKEN } from '../../src/platform/config.js';
import { DEFAULT_TWIML_XSD_DIR } from '../../src/platform/twiml-schema.js';
import {
  createHttpTransport,
  placeCall,
  type CallerInput,
  type CallScript,
} from '../../tools/caller/caller.js';
import {
  callThroughProvider,
  type ProviderCallScript,
} from '../../tools/caller/provider-caller.js';
import type { Runtime } from '../../src/runtime.js';
import { createTestRuntime, PUBLIC_BASE_URL, startTestServer } from '../support/env.js';
import { TWIML_XSD_PRESENT } from '../support/twiml.js';
import { assertTwimlCore } from '../support/twiml-core.js';

/** An instant from a local time in Asia/Shanghai, e.g. 2020-10-01T10:00. */
export const shanghai = (local: string) => DateTime.fromISO(local, { zone: ZONE }).toJSDate();

const schemaPresent = TWIML_XSD_PRESENT;
const xsd = (fileName: string) => ({
  fileName,
  contents: new Uint8Array(readFileSync(join(DEFAULT_TWIML_XSD_DIR, fileName))),
});

/**
 * Validates many TwiML answers against Twilio's schema in batches (the schema is compiled once per
 * batch: one document at a time costs about 0.7 s). Skipped, saying so, when the schema is absent.
 */
export async function expectAllValidTwiml(documents: readonly string[]): Promise<void> {
  if (!schemaPresent) return;
  const unique = [...new Set(documents)];
  const schema = [xsd('twiml.xsd')];
  const preload = ['synthesis-nonamespace.xsd', 'twilio-extensions.xsd', 'xml.xsd'].map(xsd);
  for (let start = 0; start < unique.length; start += 200) {
    const batch = unique.slice(start, start + 200);
    const result = await validateXML({
      xml: batch.map((contents, i) => ({ fileName: `answer-${start + i}.xml`, contents })),
      schema,
      preload,
    });
    const errors = result.errors.map(
      (e) =>
        `${e.rawMessage}\n${unique[Number(/answer-(\d+)/.exec(e.rawMessage)?.[1] ?? -1)] ?? ''}`,
    );
    assert.deepEqual(errors, [], "TwiML invalid against Twilio's schema");
  }
}

/** A CallRouting that remembers what the IVR told it. */
export function createRecordingRouting(): CallRouting & {
  queued: string[];
  handed: QueuedCall[];
  left: Array<{ callSid: string; result: string }>;
} {
  const queued: string[] = [];
  const handed: QueuedCall[] = [];
  const left: Array<{ callSid: string; result: string }> = [];
  return {
    queued,
    handed,
    left,
    callQueued: async (call) => {
      queued.push(call.callSid);
      handed.push(call);
    },
    callLeftQueue: async (callSid, result) => {
      left.push({ callSid, result });
    },
    // Nobody routes here: each waiting caller is alone in its queue.
    standing: async () => ({ position: 1, size: 1, averageWaitSeconds: 0 }),
    queuedCall: async (callSid) => [...handed].reverse().find((call) => call.callSid === callSid),
  };
}

/**
 * A test runtime at a fixed Shanghai time with a recording routing, served on a local port, and a
 * caller for it. Under TELEPHONY_PROFILE=twiml-core every answer is checked against TwiML's core.
 */
export async function startIvr(at: string, env: Record<string, string> = {}) {
  const core = env.TELEPHONY_PROFILE === 'twiml-core';
  const clock = createFixedClock(shanghai(at));
  // The built-in provider carries the calls of `dial` (waits instant, a call of more than 80 requests loops).
  const runtime: Runtime = await createTestRuntime({
    clock,
    env,
    telephony: { instant: true, maxRequests: 80 },
  });
  const routing = createRecordingRouting();
  // The IVR hands queued calls to routing's ACD: a recording stand-in takes its place.
  runtime.routing = { ...runtime.routing, acd: routing as unknown as Runtime['routing']['acd'] };
  const server = await startTestServer(runtime);
  const transport = createHttpTransport({
    publicBaseUrl: PUBLIC_BASE_URL,
    targetBaseUrl: server.url,
    authToken: DEV_AUTH_TOKEN,
  });
  const answers: string[] = [];
  return {
    runtime,
    clock,
    routing,
    url: server.url,
    setTime: (local: string) => clock.set(shanghai(local)),
    /** Places a simulated call; its answers are kept for {@link expectAllValidTwiml}. */
    async call(script: CallScript) {
      const result = await placeCall(transport, PUBLIC_BASE_URL, script, null);
      answers.push(...result.requests.map((r) => r.twiml));
      if (core) for (const r of result.requests) assertTwimlCore(r.twiml, r.url);
      return result;
    },
    /**
     * Places a call through the built-in telephony provider, which executes the service's TwiML in the
     * profile's dialect (a verb or attribute outside it fails the call); answers kept as for `call`.
     */
    async dial(script: ProviderCallScript) {
      const result = await callThroughProvider(runtime.telephony!, script);
      answers.push(...result.requests.map((r) => r.twiml));
      if (core) for (const r of result.requests) assertTwimlCore(r.twiml, r.url);
      return result;
    },
    /** Checks every answer since the last check against Twilio's schema. */
    async expectValidAnswers() {
      const documents = answers.splice(0);
      assert.ok(documents.length > 0, 'no answers to check');
      await expectAllValidTwiml(documents);
    },
  };
}

export const keys = (...list: string[]): CallerInput[] =>
  list.map((digits) => (digits === 'timeout' ? { kind: 'silence' } : { kind: 'dtmf', digits }));

/** The CallSid the simulated call used (from its first request). */
export const callSidOf = (result: { requests: Array<{ params: Record<string, string> }> }) =>
  result.requests[0]!.params.CallSid!;
