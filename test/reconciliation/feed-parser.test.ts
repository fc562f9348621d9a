import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { loadCatalogue } from '../../src/catalogue/index.js';
import { ZONE } from '../../src/platform/clock.js';
import { parseCsvFeed } from '../../src/reconciliation/feed-parser.js';
import type { FeedRow } from '../../src/reconciliation/feed-rows.js';

const catalogue = loadCatalogue('./catalogue');
const today = DateTime.fromISO('2026-11-30T09:00:00', { zone: ZONE });
const HEADER = 'booking_id,hall,service,slot_start,id_number,id_hash,phone,status';
const row = (id: string, status = 'booked') =>
  `${id},citizen-centre,cc-police-move,2026-12-01T08:30:00+08:00,230502196001010017,,13904691234,${status}`;

async function parse(text: string) {
  const stored: FeedRow[] = [];
  const parsed = await parseCsvFeed(
    Buffer.from(text),
    '2026-12-01',
    '2026-12-02',
    catalogue,
    today,
    async (rows) => void stored.push(...rows),
  );
  return { parsed, stored };
}

describe('CSV feed parsing', () => {
  // The quoted booking id over two lines holds a line break: the text rule refuses it (line 4), beside its bad status.
  it('when lines end in CRLF, LF or CR, with a BOM, empty lines and a quoted field over two lines, then each problem names the line its record starts on', async () => {
    const text = `\uFEFF${HEADER}\r\n${row('W-1')}\r\n\r\n"W-\r\n2",citizen-centre,cc-police-move,2026-12-01T08:30:00+08:00,230502196001010017,,13904691234,maybe\r\n${row('W-3', 'later')}\n\n${row('W-4', 'soon')}\r${row('W-1')}`;
    const { parsed, stored } = await parse(text);
    assert.equal(parsed.ok, false);
    assert.deepEqual(!parsed.ok && parsed.problems.map((p) => `${p.line} ${p.field}`), [
      '4 booking_id',
      '4 status',
      '6 status',
      '8 status',
      '9 booking_id',
    ]);
    assert.equal(!parsed.ok && parsed.badLines, 4);
    assert.deepEqual(stored, [], 'nothing is handed on once a problem is found');
  });

  it('when a feed is valid, then its rows are handed on in order with their lines; a quote inside a field or a missing column is a problem, not a crash', async () => {
    const { parsed, stored } = await parse(`${HEADER}\n${row('W-1')}\n${row('W-2')}\n`);
    assert.deepEqual(parsed, { ok: true, from: '2026-12-01', to: '2026-12-02', rows: 2 });
    assert.deepEqual(
      stored.map((r) => `${r.line} ${r.externalId} ${r.phone}`),
      ['2 W-1 +8613904691234', '3 W-2 +8613904691234'],
    );
    const short = await parse(`${HEADER}\nW"1,citizen-centre\n${row('W-2')}\n`);
    assert.deepEqual(!short.parsed.ok && short.parsed.problems, [
      { line: 2, field: 'row', reason: '应有8列，实有2列' },
    ]);
    // A quote never closed: reading stops there, with the line it opened on.
    const unclosed = await parse(`${HEADER}\n${row('W-1')}\n"W-2,${row('x').slice(2)}`);
    assert.deepEqual(
      !unclosed.parsed.ok &&
        unclosed.parsed.problems.map((p) => `${p.line} ${p.field} ${p.reason}`),
      ['3 row CSV格式有误，无法继续读取（CSV_QUOTE_NOT_CLOSED）'],
    );
  });
});
