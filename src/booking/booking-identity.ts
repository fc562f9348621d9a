import { createHmac } from 'node:crypto';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { DateTime } from 'luxon';
import { ZONE } from '../platform/clock.js';
import { maskIdNumber } from '../platform/logger.js';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';
/** First digits of the province-level codes of GB/T 2260 (11 Beijing … 65 Xinjiang, 71 Taiwan, 81/82 Hong Kong/Macao). */
const PROVINCES = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '81',
  '82',
]);

/** Why an ID number was refused, in words a caller or a client developer understands. */
export type IdNumberProblem = 'format' | 'region' | 'birth_date' | 'check_digit';

/**
 * Checks a resident ID number (GB 11643-1999): 18 characters, a known province, a real birth
 * date not in the future, and the ISO 7064 MOD 11-2 check character. Returns the upper-case
 * number, or the problem.
 */
export function checkIdNumber(
  raw: string,
  today: DateTime = DateTime.now().setZone(ZONE),
): { ok: true; idNumber: string } | { ok: false; problem: IdNumberProblem } {
  const idNumber = raw.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(idNumber)) return { ok: false, problem: 'format' };
  if (!PROVINCES.has(idNumber.slice(0, 2))) return { ok: false, problem: 'region' };
  const birth = DateTime.fromFormat(idNumber.slice(6, 14), 'yyyyMMdd', { zone: ZONE });
  if (!birth.isValid || birth.year < 1890 || birth > today)
    return { ok: false, problem: 'birth_date' };
  const sum = WEIGHTS.reduce((total, weight, i) => total + weight * Number(idNumber[i]), 0);
  if (CHECK_CHARS[sum % 11] !== idNumber[17]) return { ok: false, problem: 'check_digit' };
  return { ok: true, idNumber };
}

/** The check character GB 11643 gives to 17 digits (for test data and the simulator). */
export function idCheckCharacter(first17: string): string {
  const sum = WEIGHTS.reduce((total, weight, i) => total + weight * Number(first17[i]), 0);
  return CHECK_CHARS[sum % 11]!;
}

/** What is kept of an ID number: a keyed hash (for uniqueness and look-ups) and a masked form (for people). */
export interface StoredIdNumber {
  idHash: string;
  idMasked: string;
}

/** HMAC-SHA256 under the configured key; the number itself is never stored or logged. */
export function protectIdNumber(idNumber: string, key: string): StoredIdNumber {
  const normalized = idNumber.trim().toUpperCase();
  return {
    idHash: createHmac('sha256', key).update(normalized).digest('hex'),
    idMasked: maskIdNumber(normalized),
  };
}

/** Kind of a mainland number: SMS only reaches mobiles; `service` is a nationwide 400/800 number. */
export type PhoneKind = 'mobile' | 'landline' | 'service';

/** Characters people write in a number besides digits: spaces, dashes, brackets, a leading +. */
const WRITTEN_NUMBER = /^\+?[\d\s\-()]+$/;

/**
 * Normalizes a mainland number to E.164 by the numbering plan (libphonenumber's full metadata,
 * which knows each area code's local number length and which mobile blocks are allocated):
 * a mobile (13904691234, +86 139 0469 1234), a fixed line with its area code (0469-4226101,
 * +86 0469 4226101, 010-12345678) or a 400/800 number. Null for anything else, numbers outside
 * the mainland (Hong Kong, Macao and Taiwan included) and text that is more than a number.
 */
export function normalizePhone(raw: string): { e164: string; kind: PhoneKind } | null {
  const written = raw.trim();
  if (!WRITTEN_NUMBER.test(written)) return null;
  const parsed = parsePhoneNumberFromString(written, { defaultCountry: 'CN', extract: false });
  if (!parsed || parsed.country !== 'CN' || !parsed.isValid()) return null;
  const type = parsed.getType();
  const kind: PhoneKind =
    type === 'MOBILE' ? 'mobile' : type === 'FIXED_LINE' ? 'landline' : 'service';
  return { e164: parsed.number, kind };
}
