import { createHmac } from 'node:crypto';
import { DateTime } from 'luxon';
import { ZONE } from '../platform/clock.js';
import { maskIdNumber } from '../platform/logger.js';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';
/** First digits of the province-level codes of GB/T 2260 (11 Beijing … 65 Xinjiang, 71 Taiwan, 81/82 Hong Kong/Macao). */
const PROVINCES = new Set(['11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37', '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65', '71', '81', '82']);

/** Why an ID number was refused, in words a caller or a client developer understands. */
export type IdNumberProblem = 'format' | 'region' | 'birth_date' | 'check_digit';

/**
 * Checks a resident ID number (GB 11643-1999): 18 characters, a known province, a real birth
 * date not in the future, and the ISO 7064 MOD 11-2 check character. Returns the upper-case
 * number, or the problem.
 */
export function checkIdNumber(raw: string, today: DateTime = DateTime.now().setZone(ZONE)): { ok: true; idNumber: string } | { ok: false; problem: IdNumberProblem } {
  const idNumber = raw.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(idNumber)) return { ok: false, problem: 'format' };
  if (!PROVINCES.has(idNumber.slice(0, 2))) return { ok: false, problem: 'region' };
  const birth = DateTime.fromFormat(idNumber.slice(6, 14), 'yyyyMMdd', { zone: ZONE });
  if (!birth.isValid || birth.year < 1890 || birth > today) return { ok: false, problem: 'birth_date' };
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
  return { idHash: createHmac('sha256', key).update(normalized).digest('hex'), idMasked: maskIdNumber(normalized) };
}

/** Kind of a mainland number: SMS only reaches mobiles. */
export type PhoneKind = 'mobile' | 'landline';

/**
 * Normalizes a mainland mobile (13904691234, +86 139 0469 1234) or landline with its area code
 * (0469-1234567, +86 469 1234567) to E.164, or null when it is neither.
 */
export function normalizePhone(raw: string): { e164: string; kind: PhoneKind } | null {
  let digits = raw.trim().replace(/[\s\-()]/g, '');
  if (digits.startsWith('+86')) digits = digits.slice(3);
  else if (digits.startsWith('0086')) digits = digits.slice(4);
  else if (/^86(1[3-9]\d{9})$/.test(digits)) digits = digits.slice(2);
  else if (digits.startsWith('0')) digits = digits.slice(1);
  else if (!/^1/.test(digits)) return null;
  if (/^1[3-9]\d{9}$/.test(digits)) return { e164: `+86${digits}`, kind: 'mobile' };
  // Area codes are 2 digits (10, 2x) with an 8-digit number, or 3 digits with a 7- or 8-digit number.
  if (/^(10|2\d)\d{8}$/.test(digits) || /^[3-9]\d{2}\d{7,8}$/.test(digits)) return { e164: `+86${digits}`, kind: 'landline' };
  return null;
}

/** The kind of an E.164 number already normalized. */
export function phoneKind(e164: string): PhoneKind {
  return /^\+861[3-9]\d{9}$/.test(e164) ? 'mobile' : 'landline';
}
