import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvError, parse } from 'csv-parse';
import type { DateTime } from 'luxon';
import type { Catalogue } from '../catalogue/index.js';
import { parseJsonInThread } from '../platform/json-thread.js';
import { bufferSlices, createPacer } from '../platform/slices.js';
import {
  createRowCollector,
  FEED_CSV_COLUMNS,
  MAX_FEED_ROWS,
  MAX_RECORD_BYTES,
  refusal,
  type FeedSink,
  type ParsedFeed,
} from './feed-rows.js';

/* Reading a feed's bytes: CSV streamed through csv-parse, JSON parsed in a worker thread. */

/**
 * The first line of each record from the byte offset where csv-parse ended it: CRLF, LF or CR
 * ends a line, and the empty lines csv-parse skips are counted.
 */
function createLineCounter(bytes: Buffer) {
  let at = 0;
  let line = 1;
  const CR = 0x0d;
  const LF = 0x0a;
  return (end: number): number => {
    while (at < end && (bytes[at] === CR || bytes[at] === LF)) {
      if (bytes[at] === CR && bytes[at + 1] === LF) at += 1;
      at += 1;
      line += 1;
    }
    const first = line;
    for (; at < end; at += 1)
      if (bytes[at] === LF || (bytes[at] === CR && bytes[at + 1] !== LF)) line += 1;
    return first;
  };
}

/**
 * Parses a CSV feed (UTF-8, header row, optional BOM, RFC 4180 quoting; CRLF, LF or CR) for the
 * range given with it. csv-parse reads the bytes 64 KB at a time and every record is checked as
 * it comes, with a yield to the event loop every few milliseconds: a 200,000-row feed never
 * holds the loop.
 */
export async function parseCsvFeed(
  body: Buffer,
  from: unknown,
  to: unknown,
  catalogue: Catalogue,
  today: DateTime,
  sink: FeedSink,
): Promise<ParsedFeed> {
  const collector = createRowCollector(from, to, catalogue, today, sink);
  const parser = parse({
    bom: true,
    info: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    record_delimiter: ['\r\n', '\n', '\r'],
    max_record_size: MAX_RECORD_BYTES,
  });
  const reading = pipeline(Readable.from(bufferSlices(body, 64 * 1024)), parser).catch(
    () => undefined,
  );
  const lineOf = createLineCounter(body);
  const pacer = createPacer();
  let names: string[] | undefined;
  let records = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { bytes: number };
    }>) {
      const line = lineOf(info.bytes);
      if (!names) {
        names = record.map((f) => f.trim().toLowerCase());
        const missing = FEED_CSV_COLUMNS.filter((c) => !names!.includes(c));
        if (missing.length > 0)
          return refusal({
            line,
            field: missing.join(','),
            reason: `表头缺少列：${missing.join('、')}`,
          });
        continue;
      }
      records += 1;
      if (records > MAX_FEED_ROWS)
        return refusal({ line: 0, field: 'rows', reason: `一份名单最多${MAX_FEED_ROWS}条` });
      if (record.length !== names.length)
        collector.report({
          line,
          field: 'row',
          reason: `应有${names.length}列，实有${record.length}列`,
        });
      else await collector.add(Object.fromEntries(names.map((n, i) => [n, record[i]])), line);
      await pacer.pace();
    }
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const at = Number((error as CsvError & { lines?: number }).lines ?? 0);
    // Reading stops here: the problems found so far are listed with this one.
    collector.report({
      line: at,
      field: 'row',
      reason:
        error.code === 'CSV_MAX_RECORD_SIZE'
          ? `一行超过${MAX_RECORD_BYTES / 1024}KB`
          : `CSV格式有误，无法继续读取（${error.code}）`,
    });
    return collector.finish();
  } finally {
    parser.destroy();
    await reading;
  }
  if (!names)
    return refusal({
      line: 1,
      field: FEED_CSV_COLUMNS.join(','),
      reason: `表头缺少列：${FEED_CSV_COLUMNS.join('、')}`,
    });
  return collector.finish();
}

/**
 * Parses a JSON feed: `{ from, to, bookings: [{ bookingId, hall, service, slotStart, idNumber | idHash, phone, status }] }`.
 * The body is parsed in a worker thread and its bookings checked here slice by slice, with
 * yields between; undefined when the body is not JSON.
 */
export async function parseJsonFeed(
  body: Buffer,
  catalogue: Catalogue,
  today: DateTime,
  sink: FeedSink,
): Promise<ParsedFeed | undefined> {
  const json = await parseJsonInThread(body, 'bookings');
  if (!json) return undefined;
  try {
    const collector = createRowCollector(json.fields.from, json.fields.to, catalogue, today, sink);
    if (!json.isList) {
      collector.report({ line: 0, field: 'bookings', reason: 'bookings 须为数组' });
      return collector.finish();
    }
    if (json.length > MAX_FEED_ROWS)
      return refusal({ line: 0, field: 'bookings', reason: `一份名单最多${MAX_FEED_ROWS}条` });
    const pacer = createPacer();
    let line = 0;
    for await (const slice of json.slices()) {
      for (const item of slice) {
        line += 1;
        if (typeof item !== 'object' || item === null)
          collector.report({ line, field: 'row', reason: '每条须为对象' });
        else {
          const b = item as Record<string, unknown>;
          await collector.add(
            {
              booking_id: b.bookingId,
              hall: b.hall,
              service: b.service,
              slot_start: b.slotStart,
              id_number: b.idNumber,
              id_hash: b.idHash,
              phone: b.phone,
              status: b.status,
            },
            line,
          );
        }
        await pacer.pace();
      }
    }
    return collector.finish();
  } finally {
    await json.close();
  }
}
