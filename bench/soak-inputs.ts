import fc from 'fast-check';
import { idCheckCharacter } from '../src/booking/index.js';

/** Rows of the large feed: the documented maximum (about 21 MB of CSV). */
export const FEED_ROWS = 200_000;
/** Generated bad requests per second. */
export const BAD_INPUT_PER_SECOND = 20;

/** A generated request with an odd string somewhere, and the credential it carries. */
export interface BadRequest {
  who: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** A CSV feed of `FEED_ROWS` valid bookings for the web channel; `variant` changes its bytes, so it is never a duplicate. */
export function buildLargeFeed(
  variant: number,
  places: readonly string[],
): { body: string; from: string; to: string } {
  const lines = ['booking_id,hall,service,slot_start,id_number,id_hash,phone,status'];
  for (let i = 0; i < FEED_ROWS; i += 1) {
    const id17 = `23050219${String(60 + (i % 40)).padStart(2, '0')}0101${String(i % 1000).padStart(3, '0')}`;
    const day = String(1 + (i % 28)).padStart(2, '0');
    lines.push(
      `S${variant}-${i},${places[i % places.length]},2027-03-${day}T09:00:00+08:00,${id17}${idCheckCharacter(id17)},,139${String(i).padStart(8, '0')},booked`,
    );
  }
  return { body: `${lines.join('\n')}\n`, from: '2027-03-01', to: '2027-03-28' };
}

/** Seeded generated requests: odd strings in paths, queries, bodies, cookies and webhooks, including the shapes of issue 26. */
export function buildBadRequests(
  count: number,
  seed: number,
  webKey: string,
  cookie: string,
): BadRequest[] {
  const odd = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.constantFrom(
      '',
      '__proto__',
      '\u0000',
      'a\u0000b',
      '\u202e',
      '\u0007',
      '%00',
      '9999-12-31',
      '2026-02-30',
      '-1',
      '1e309',
      '../..',
      '00000000',
    ),
  );
  const routes: Array<[string, string]> = [
    ['POST', '/api/bookings'],
    ['GET', '/api/bookings/:x'],
    ['GET', '/api/slots'],
    ['POST', '/api/holds'],
    ['POST', '/api/auth/login'],
    ['GET', '/api/bookings/flagged'],
    ['GET', '/api/reconciliations/:x'],
    ['GET', '/api/reconciliations/:x/open.csv'],
    ['POST', '/api/channel-feeds'],
    ['GET', '/api/agents/me'],
    ['POST', '/twilio/voice/incoming'],
    ['POST', '/twilio/voice/status'],
  ];
  const request = fc.record({
    route: fc.constantFrom(...routes),
    param: odd,
    query: fc.dictionary(fc.constantFrom('hall', 'from', 'to', 'last4', 'service'), odd, {
      maxKeys: 3,
    }),
    body: fc.oneof(
      fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
      fc
        .record(
          {
            username: odd,
            password: odd,
            name: odd,
            phone: odd,
            idNumber: odd,
            slotId: fc.oneof(fc.integer(), odd),
          },
          { requiredKeys: [] },
        )
        .map((v) => JSON.stringify(v)),
      odd,
    ),
    who: fc.constantFrom('none', 'web', 'staff', 'bad-cookie'),
  });
  return fc.sample(request, { seed, numRuns: count }).map((r) => {
    const path = r.route[1].replace(':x', encodeURIComponent(r.param));
    const query = new URLSearchParams(r.query).toString();
    const headers: Record<string, string> = {
      'content-type': r.route[1].startsWith('/twilio')
        ? 'application/x-www-form-urlencoded'
        : 'application/json',
      'x-requested-with': 'XMLHttpRequest',
    };
    if (r.who === 'web') headers.authorization = `Bearer ${webKey}`;
    if (r.who === 'staff') headers.cookie = cookie;
    // A cookie whose percent-encoding is broken (issue 26, finding 5).
    if (r.who === 'bad-cookie') headers.cookie = 'sid=%E0%A4%A';
    return {
      who: r.who,
      method: r.route[0],
      path: `${path}${query ? `?${query}` : ''}`,
      headers,
      ...(r.route[0] === 'GET' ? {} : { body: r.body }),
    };
  });
}
