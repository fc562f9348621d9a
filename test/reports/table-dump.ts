import { queryRows, sql, type Database } from '../../src/platform/db.js';

/** Columns the database fills with its own time or sequence: not part of what a history is. */
const DATABASE_TIMES = new Set(['created_at', 'updated_at', 'received_at', 'released_at']);
/** Tables whose rows a history's content does not decide (a retried request's answers, its accounts). */
const NOT_CONTENT = new Set([
  'idempotency_keys',
  'staff_users',
  'api_keys',
  '__drizzle_migrations',
]);

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

type Row = Record<string, unknown>;

/**
 * Every table of a database as sorted lines of JSON, with what differs between two equal
 * histories taken out: the database's own times and sequence ids, and random identifiers
 * (booking ids, hold ids, case ids, booking codes) replaced by what they stand for (a booking
 * by its service, start and person; a hold by its slot and holder; a case by its call).
 */
export async function dumpTables(db: Database): Promise<Record<string, string[]>> {
  const tables = await queryRows<{ name: string }>(
    db,
    sql`select tablename as name from pg_tables where schemaname = 'public' order by 1`,
  );
  const raw: Record<string, Row[]> = {};
  for (const { name } of tables) {
    if (NOT_CONTENT.has(name)) continue;
    raw[name] = await queryRows<Row>(db, sql`select * from ${sql.identifier(name)}`);
  }
  const names = new Map<string, string>();
  for (const b of raw.bookings ?? [])
    names.set(
      String(b.id),
      `booking(${String(b.service_id)} ${String(b.starts_at)} ${String(b.id_hash)})`,
    );
  for (const h of raw.booking_holds ?? [])
    names.set(String(h.id), `hold(${String(h.slot_id)} ${String(h.holder)})`);
  // Sequence ids that other rows name: an evaluation and its case by their call.
  const evaluations = new Map(
    (raw.evaluations ?? []).map((e) => [String(e.id), String(e.call_sid)]),
  );
  const cases = new Map(
    (raw.evaluation_cases ?? []).map((c) => [
      String(c.id),
      evaluations.get(String(c.evaluation_id)),
    ]),
  );
  const refs: Record<string, (value: unknown) => unknown> = {
    evaluation_id: (v) => `evaluation(${evaluations.get(String(v))})`,
    case_id: (v) => `case(${cases.get(String(v))})`,
  };
  const codes = new Set((raw.bookings ?? []).map((b) => String(b.code)));
  const plain = (value: unknown): unknown => {
    if (value instanceof Date) return value.toISOString();
    if (typeof value === 'string') {
      if (codes.has(value)) return 'CODE';
      // A transfer's event is told from another by the moment it was made.
      if (value.startsWith('transferred:')) return value.replace(/:\d+$/, ':T');
      return value.replace(UUID, (id) => names.get(id) ?? 'UUID');
    }
    if (Array.isArray(value)) return value.map(plain);
    if (value && typeof value === 'object')
      return Object.fromEntries(
        Object.entries(value as Row)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, v]) => [k, plain(v)]),
      );
    return value;
  };
  const dump: Record<string, string[]> = {};
  for (const [name, rows] of Object.entries(raw))
    dump[name] = rows
      .map((row) => {
        const kept = Object.fromEntries(
          Object.entries(row)
            .filter(
              ([column, value]) =>
                !DATABASE_TIMES.has(column) && !(column === 'id' && /^\d+$/.test(String(value))),
            )
            .map(([column, value]) => [column, refs[column] ? refs[column](value) : value]),
        );
        return JSON.stringify(plain(kept));
      })
      .sort();
  return dump;
}
