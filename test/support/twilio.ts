import { DEV_AUTH_TOKEN } from '../../src/platform/config.js';
import { signTwilioRequest } from '../../src/platform/twilio-webhook.js';
import { loadCatalogue } from '../../src/catalogue/index.js';
import { PUBLIC_BASE_URL, testConfig } from './env.js';
import { randomHex } from './random.js';

/** The first shipped hotline, the default callee. */
export const FIRST_HOTLINE = loadCatalogue(testConfig().catalogueDir).hotlines[0]!.number;

/** A fresh Twilio-shaped call SID. */
export function buildCallSid(): string {
  return `CA${randomHex(16)}`;
}

export interface SignedPostOptions {
  /** Override the signature (e.g. a wrong one); null sends none. */
  signature?: string | null;
  authToken?: string;
}

/**
 * POSTs form parameters to the local server as Twilio would: signed for the public URL
 * (PUBLIC_BASE_URL + path), sent to `serverUrl` + path.
 */
export async function postSigned(
  serverUrl: string,
  path: string,
  params: Record<string, string>,
  options: SignedPostOptions = {},
): Promise<{ status: number; body: string; contentType: string }> {
  const signature =
    options.signature === undefined
      ? signTwilioRequest(options.authToken ?? DEV_AUTH_TOKEN, `${PUBLIC_BASE_URL}${path}`, params)
      : options.signature;
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (signature !== null) headers['x-twilio-signature'] = signature;
  const response = await fetch(`${serverUrl}${path}`, {
    method: 'POST',
    headers,
    body: new URLSearchParams(params).toString(),
  });
  return {
    status: response.status,
    body: await response.text(),
    contentType: response.headers.get('content-type') ?? '',
  };
}

/** The parameters Twilio sends with an inbound call's first webhook. */
export function buildIncomingParams(
  overrides: Partial<Record<string, string>> = {},
): Record<string, string> {
  return {
    AccountSid: 'AC00000000000000000000000000000000',
    ApiVersion: '2010-04-01',
    CallSid: buildCallSid(),
    CallStatus: 'ringing',
    Direction: 'inbound',
    From: '+8613904691234',
    To: FIRST_HOTLINE,
    Caller: '+8613904691234',
    Called: FIRST_HOTLINE,
    FromCountry: 'CN',
    ToCountry: 'CN',
    ...overrides,
  } as Record<string, string>;
}

/** A status callback as Twilio sends it, for `callSid` at `at` (`extra` adds or overrides parameters). */
export function buildStatusParams(
  callSid: string,
  status: string,
  sequence: number,
  at: string | Date,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    AccountSid: 'AC00000000000000000000000000000000',
    CallSid: callSid,
    CallStatus: status,
    SequenceNumber: String(sequence),
    Timestamp: new Date(at).toUTCString().replace('GMT', '+0000'),
    From: '+8613904691234',
    To: '+864694221001',
    Direction: 'inbound',
    ...extra,
  };
}
