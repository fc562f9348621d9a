import type { Catalogue } from '../../src/catalogue/index.js';
import type { Runtime } from '../../src/runtime.js';
import { planHistory, type HistoryPlan } from '../../tools/history/history-model.js';

/** A Friday, the weekend (online bookings only) and a Monday. */
export const SMALL_HISTORY_DAYS = ['2020-03-06', '2020-03-07', '2020-03-08', '2020-03-09'];

/**
 * The demo history cut down for tests: the citizen centre's hotlines only, about 80 answered
 * calls over the days, with every channel's bookings.
 */
export function planSmallHistory(
  runtime: Pick<Runtime, 'calendar'> & { catalogue: Catalogue },
  seed: number,
  days: string[] = SMALL_HISTORY_DAYS,
): HistoryPlan {
  return planHistory({
    seed,
    days,
    catalogue: runtime.catalogue,
    sessionsOf: (hall, day) =>
      hall === 'citizen-centre' && runtime.calendar.hallDay(hall, day).open
        ? runtime.calendar.hallDay(hall, day).sessions
        : [],
    targetAnswered: 80,
  });
}
