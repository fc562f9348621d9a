import { idCheckCharacter } from '../../src/booking/index.js';
import type { Catalogue } from '../../src/catalogue/index.js';
import { createRandom } from '../support/random.js';

const COLUMNS = [
  'booking_id',
  'hall',
  'service',
  'slot_start',
  'id_number',
  'id_hash',
  'phone',
  'status',
] as const;
type GeneratedRow = Record<(typeof COLUMNS)[number], string>;

/** A large feed drawn from a seeded sequence: its range (the first `days` days of December 2026) and its rows. */
export interface GeneratedFeed {
  from: string;
  to: string;
  rows: GeneratedRow[];
}

/**
 * `count` valid feed rows: every one a real hall and service of the catalogue, a half-hour slot
 * start inside the range, a valid ID number (one in ten only its hash), a mobile and a status.
 * The same seed gives the same rows.
 */
export function buildLargeFeed(
  catalogue: Catalogue,
  options: { rows: number; seed: number; days?: number; prefix?: string },
): GeneratedFeed {
  const random = createRandom(options.seed);
  const pick = (below: number) => Math.floor(random() * below);
  const two = (n: number) => String(n).padStart(2, '0');
  const places = catalogue.halls.flatMap((hall) =>
    hall.departments.flatMap((department) =>
      department.services.map((service) => [hall.id, service.id] as const),
    ),
  );
  const days = options.days ?? 28;
  const statuses = ['booked', 'booked', 'booked', 'cancelled', 'attended', 'no_show'];
  const rows: GeneratedRow[] = [];
  for (let i = 0; i < options.rows; i += 1) {
    const minutes = 8 * 60 + 30 + 30 * pick(16);
    const [hall, service] = places[pick(places.length)]!;
    const first17 = `230502${1950 + pick(50)}${two(1 + pick(12))}${two(1 + pick(28))}${String(pick(1000)).padStart(3, '0')}`;
    const hashed = pick(10) === 0;
    rows.push({
      booking_id: `${options.prefix ?? 'W'}-${String(i + 1).padStart(7, '0')}`,
      hall,
      service,
      slot_start: `2026-12-${two(1 + pick(days))}T${two(Math.floor(minutes / 60))}:${two(minutes % 60)}:00+08:00`,
      id_number: hashed ? '' : `${first17}${idCheckCharacter(first17)}`,
      id_hash: hashed
        ? Array.from({ length: 8 }, () => pick(0x1_0000_0000).toString(16).padStart(8, '0')).join(
            '',
          )
        : '',
      phone: `1${['39', '58', '87', '36'][pick(4)]}${String(pick(100_000_000)).padStart(8, '0')}`,
      status: statuses[pick(statuses.length)]!,
    });
  }
  return { from: '2026-12-01', to: `2026-12-${two(days)}`, rows };
}

/** The feed as CSV bytes with the documented header (LF line ends). */
export function toCsvFeed(feed: GeneratedFeed): Buffer {
  return Buffer.from(
    `${[COLUMNS.join(','), ...feed.rows.map((row) => COLUMNS.map((c) => row[c]).join(','))].join('\n')}\n`,
  );
}

/** The feed as JSON bytes: `{ from, to, bookings: [...] }`. */
export function toJsonFeed(feed: GeneratedFeed): Buffer {
  const bookings = feed.rows.map((r) => ({
    bookingId: r.booking_id,
    hall: r.hall,
    service: r.service,
    slotStart: r.slot_start,
    ...(r.id_number ? { idNumber: r.id_number } : { idHash: r.id_hash }),
    phone: r.phone,
    status: r.status,
  }));
  return Buffer.from(JSON.stringify({ from: feed.from, to: feed.to, bookings }));
}
