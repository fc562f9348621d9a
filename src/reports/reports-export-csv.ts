import { toCsv } from '../platform/csv.js';
import { columns, rows } from './reports-export-columns.js';
import type { PeriodReport } from './reports-model.js';

/** CSV for Excel in Chinese (UTF-8 with a byte-order mark, CRLF line ends), written by the service's one CSV writer. */
export async function buildCsv(report: PeriodReport): Promise<Buffer> {
  const cols = columns(report);
  return Buffer.from(
    await toCsv(
      cols.map((c) => c.header),
      rows(report).map((row) => cols.map((c) => c.value(row))),
    ),
    'utf8',
  );
}
