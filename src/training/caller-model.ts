import { DateTime } from 'luxon';
import { idCheckCharacter } from '../booking/index.js';
import { ZONE } from '../platform/clock.js';
import type { Random } from '../platform/random.js';

/*
 * The callers of the demo history (tools/history), shared with training calls: who calls, how
 * long they wait in a queue, what they want. The history draws from these in its own order.
 */

/** The report's figures for 2020-02-03 to 2020-05-31 that the default history reproduces. */
export const REPORT_TARGETS = {
  answered: 80_000,
  consultations: 34_432,
  completedByPhone: 23_556,
  /** "134,000 items handled through online and phone booking from February on; 45,268 online." */
  onlineBookings: 45_268,
  /**
   * The phone's part of the 134,000 (88,732) counts every item the hotlines handled:
   * consultations and items completed by phone (57,988) and bookings made on the phone,
   * by an agent or by keypad: 88,732 − 57,988 = 30,744.
   */
  phoneBookings: 134_000 - 45_268 - 34_432 - 23_556,
} as const;

/** What a caller who asks for a person wants. */
export type CallerWant = 'consult' | 'by-phone' | 'book';

/** The report's mix of what answered callers wanted: consultations, items done by phone, bookings. */
export const REPORT_WANT_MIX: Readonly<Record<CallerWant, number>> = {
  consult: REPORT_TARGETS.consultations,
  'by-phone': REPORT_TARGETS.completedByPhone,
  book: REPORT_TARGETS.phoneBookings,
};

/** Seconds a queued caller waits before hanging up: a few give up at once, most wait minutes. */
export const callerPatience = (random: Random) =>
  random.next() < 0.03 ? random.between(0, 5) : 20 + random.exponential(240);

/** A caller's mobile number. */
export const callerNumber = (random: Random) =>
  `+86139${String(Math.floor(random.next() * 1e8)).padStart(8, '0')}`;

/** The person a booking is for. */
export interface Person {
  name: string;
  /** E.164. */
  phone: string;
  /** A valid 18-character resident ID number (Shuangyashan's region code). */
  idNumber: string;
}

const SURNAMES = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '赵',
  '黄',
  '周',
  '吴',
  '徐',
  '孙',
  '马',
  '朱',
  '胡',
  '郭',
  '何',
  '高',
  '林',
  '于',
];
const GIVEN = [
  '伟',
  '芳',
  '娜',
  '秀英',
  '敏',
  '静',
  '丽',
  '强',
  '磊',
  '军',
  '洋',
  '勇',
  '艳',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '秀兰',
  '霞',
  '平',
  '刚',
  '桂英',
  '建国',
  '玉兰',
];

/** A person with a valid ID number of Shuangyashan (region 230502), born 1950–2001. */
export function randomPerson(random: Random, phone?: string): Person {
  const birth = DateTime.fromObject({ year: 1950, month: 1, day: 1 }, { zone: ZONE }).plus({
    days: Math.floor(random.next() * 18_600),
  });
  const first17 = `230502${birth.toFormat('yyyyLLdd')}${String(Math.floor(random.next() * 1000)).padStart(3, '0')}`;
  return {
    name: random.pick(SURNAMES) + random.pick(GIVEN),
    phone: phone ?? `+86138${String(Math.floor(random.next() * 1e8)).padStart(8, '0')}`,
    idNumber: first17 + idCheckCharacter(first17),
  };
}
