import { DateTime } from 'luxon';
import type { Session } from '../catalogue/index.js';
import { ZONE } from '../platform/clock.js';

/** What kind of day a date is in the city. */
export interface DayInfo {
  date: string;
  working: boolean;
  /**
   * `uncertain`: a weekday that is probably 补假 for a statutory day on a weekend, in a year no
   * notice covers; only the notice says which day it is, so the halls are not said to be open
   * (`working` false, no slots) and callers are told it depends on the notice.
   */
  kind: 'workday' | 'weekend' | 'holiday' | 'adjusted-workday' | 'uncertain';
  /** Holiday name, e.g. 春节, 国庆节调休上班, 劳动节补假. */
  name?: string;
  /**
   * Where the answer came from; `statutory` means no notice covers the year: the statutory
   * holidays are computed, the weekdays they may owe as 补假 are uncertain, and the other days
   * follow the weekday rule (调休 days are unknown).
   */
  source: 'staff' | 'package' | 'statutory';
  reference?: string;
}

/** Whether and when a hall receives citizens on a date. */
export interface HallDay extends DayInfo {
  hallId: string;
  open: boolean;
  sessions: readonly Session[];
  closure?: { id: number; reason: string };
}

/** Whether a hall is open at an instant, and when it next opens. */
export interface OpenAt {
  open: boolean;
  day: HallDay;
  /** The session now running, when open. */
  session?: Session;
  /** Start of the next session (today's afternoon or a later working day), within 60 days; never on an uncertain day. */
  nextOpening?: Date;
  /** Uncertain days (possible 补假) after today and before `nextOpening`, as YYYY-MM-DD. */
  uncertainDays: string[];
  /** True when no notice covers the day's year, so bridging (调休) days are unknown. */
  guessed: boolean;
}

/**
 * Whether a hall is open at `at`, from its days as the calendar gives them (`hallDay`): the
 * session running, the next opening within 60 days and the uncertain days before it.
 */
export function computeOpenAt(
  hallDay: (hallId: string, date: string) => HallDay,
  hallId: string,
  at: Date,
): OpenAt {
  const now = DateTime.fromJSDate(at, { zone: ZONE });
  const today = hallDay(hallId, now.toISODate()!);
  const hhmm = now.toFormat('HH:mm');
  const session = today.sessions.find((s) => s.from <= hhmm && hhmm < s.to);
  let nextOpening: Date | undefined;
  const uncertainDays: string[] = [];
  const later = today.sessions.find((s) => s.from > hhmm);
  if (later) nextOpening = at_(now, later.from);
  for (let offset = 1; !nextOpening && offset <= 60; offset += 1) {
    const candidate = now.plus({ days: offset });
    const next = hallDay(hallId, candidate.toISODate()!);
    if (next.open && next.sessions[0]) nextOpening = at_(candidate, next.sessions[0].from);
    else if (next.kind === 'uncertain') uncertainDays.push(next.date);
  }
  return {
    open: Boolean(session),
    day: today,
    ...(session ? { session } : {}),
    ...(nextOpening ? { nextOpening } : {}),
    uncertainDays,
    guessed: today.source === 'statutory',
  };
}

function at_(date: DateTime, hhmm: string): Date {
  const [hour, minute] = hhmm.split(':').map(Number) as [number, number];
  return date.set({ hour, minute, second: 0, millisecond: 0 }).toJSDate();
}
