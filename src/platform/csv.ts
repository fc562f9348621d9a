import { stringify, type Options } from 'csv-stringify/sync';
import { createPacer } from './slices.js';

/** One cell of a CSV the service writes: empty for null or undefined. */
export type CsvCell = string | number | null | undefined;

/** Rows written per csv-stringify call, with a yield to the event loop between calls once a slice is spent. */
const ROWS_PER_CALL = 500;

const OPTIONS: Options = {
  record_delimiter: 'windows',
  // Quote a cell holding any line break, not only the CRLF that ends records.
  quote_record_delimiter: true,
  // A cell starting with =, +, -, @, tab or CR (or their full-width forms) gets a leading ' so that a spreadsheet reads text, not a formula (CSV injection).
  escape_formulas: true,
};

/**
 * Every CSV the service writes, for Excel in Chinese: UTF-8 with a byte-order mark, CRLF line
 * ends (one after the last row too), RFC 4180 quoting, and formula-looking cells neutralised by
 * csv-stringify's `escape_formulas`. Long exports are written a few hundred rows at a time with
 * yields between, so that none holds the event loop.
 */
export async function toCsv(
  header: readonly string[],
  rows: ReadonlyArray<readonly CsvCell[]>,
): Promise<string> {
  const parts = [stringify([header as CsvCell[]], { ...OPTIONS, bom: true })];
  const pacer = createPacer();
  for (let at = 0; at < rows.length; at += ROWS_PER_CALL) {
    parts.push(stringify(rows.slice(at, at + ROWS_PER_CALL) as CsvCell[][], OPTIONS));
    await pacer.pace();
  }
  return parts.join('');
}
