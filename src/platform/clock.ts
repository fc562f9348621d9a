import { DateTime } from 'luxon';

/** The city's time zone; every date a person sees or a day boundary uses it. */
export const ZONE = 'Asia/Shanghai';

/** Where "now" comes from, injected so that tests can set it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still at `at` until moved; for tests and the caller simulator's --at. */
export function createFixedClock(
  at: Date | string,
): Clock & { set(at: Date | string): void; advance(ms: number): void } {
  let current = new Date(at);
  return {
    now: () => new Date(current),
    set: (next) => {
      current = new Date(next);
    },
    advance: (ms) => {
      current = new Date(current.getTime() + ms);
    },
  };
}

/** A luxon DateTime in Asia/Shanghai for an instant. */
export function shanghai(at: Date): DateTime {
  return DateTime.fromJSDate(at, { zone: ZONE });
}
