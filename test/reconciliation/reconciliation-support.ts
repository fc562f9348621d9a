import assert from 'node:assert/strict';
import { PUBLIC_BASE_URL } from '../support/env.js';
import { buildCallSid, buildIncomingParams, postSigned } from '../support/twilio.js';

export const HOTLINE = '+864694226101';

/** A caller through the IVR's booking voice routes, as Twilio would post them; `hangUp` sends the completed status. */
export function buildIvrCaller(url: string, from: string) {
  const callSid = buildCallSid();
  let next = '';
  return {
    callSid,
    async begin(path: string) {
      await postSigned(
        url,
        '/twilio/voice/incoming',
        buildIncomingParams({
          CallSid: callSid,
          From: from,
          Caller: from,
          To: HOTLINE,
          Called: HOTLINE,
        }),
      );
      next = path;
      return this.press('');
    },
    async press(digits: string): Promise<string> {
      let body = '';
      let params: Record<string, string> = {
        CallSid: callSid,
        From: from,
        To: HOTLINE,
        AccountSid: 'AC00000000000000000000000000000000',
        Digits: digits,
      };
      for (let hops = 0; hops < 5; hops += 1) {
        const response = await postSigned(url, next, params);
        assert.equal(response.status, 200, next);
        body = response.body;
        const redirect = body.match(/<Redirect[^>]*>([^<]*)<\/Redirect>/)?.[1];
        const action = body.match(/<Gather[^>]*action="([^"]*)"/)?.[1];
        const target = (action ?? redirect)?.replace(/&amp;/g, '&');
        if (target) next = target.slice(PUBLIC_BASE_URL.length);
        if (!redirect || !next.startsWith('/twilio/voice/booking/')) break;
        params = {
          CallSid: callSid,
          From: from,
          To: HOTLINE,
          AccountSid: 'AC00000000000000000000000000000000',
        };
      }
      return body;
    },
    async hangUp(at: Date) {
      const response = await postSigned(url, '/twilio/voice/status', {
        AccountSid: 'AC00000000000000000000000000000000',
        CallSid: callSid,
        CallStatus: 'completed',
        SequenceNumber: '9',
        Timestamp: at.toUTCString().replace('GMT', '+0000'),
        From: from,
        To: HOTLINE,
        Direction: 'inbound',
        CallDuration: '60',
      });
      assert.equal(response.status, 204);
    },
  };
}

/** The key the day prompt gives a half-day, e.g. keyFor(twiml, '12月2日星期三下午'). */
export function keyFor(twiml: string, halfDay: string): string {
  const key = new RegExp(`${halfDay}请按(\\d)`).exec(twiml)?.[1];
  assert.ok(key, `${halfDay} is offered: ${twiml}`);
  return key;
}

/** A feed as CSV text with the documented header. */
export function buildCsvFeed(rows: Array<Record<string, string>>): string {
  const columns = [
    'booking_id',
    'hall',
    'service',
    'slot_start',
    'id_number',
    'id_hash',
    'phone',
    'status',
  ];
  return `${columns.join(',')}\n${rows.map((r) => columns.map((c) => r[c] ?? '').join(',')).join('\n')}\n`;
}

/** Posts a feed with a channel key. */
export async function postFeed(
  url: string,
  key: string,
  body: string,
  type: 'json' | 'csv',
  query = '',
) {
  const response = await fetch(`${url}/api/channel-feeds${query}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': type === 'csv' ? 'text/csv; charset=utf-8' : 'application/json',
    },
    body,
  });
  const text = await response.text();
  return {
    status: response.status,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON answers
    body: (text ? JSON.parse(text) : undefined) as Record<string, any>,
  };
}
