import { pino, type Logger } from 'pino';

export type { Logger };

/** Keeps the last four digits of a phone number: +8613904691234 -> +86*******1234. */
export function maskPhone(phone: string | null | undefined): string {
  if (!phone) return '';
  const digits = phone.replace(/\D/g, '');
  if (digits.length <= 4) return '*'.repeat(digits.length);
  const prefix = phone.startsWith('+86') ? '+86' : '';
  const rest = prefix ? digits.slice(2) : digits;
  return `${prefix}${'*'.repeat(Math.max(rest.length - 4, 0))}${rest.slice(-4)}`;
}

/** Keeps the first four and last four characters of an ID number: 2305**********123X. */
export function maskIdNumber(idNumber: string | null | undefined): string {
  if (!idNumber) return '';
  if (idNumber.length <= 8) return '*'.repeat(idNumber.length);
  return `${idNumber.slice(0, 4)}${'*'.repeat(idNumber.length - 8)}${idNumber.slice(-4)}`;
}

const phoneFields = ['From', 'To', 'Caller', 'Called', 'phone', 'from', 'to', 'callerNumber'];

// Hex digits before a run of digits mean it is part of an id (a SID, a UUID), not a number.
const notAfterId = '(?<![0-9A-Fa-f+])';
/** Resident ID numbers: 18 characters (17 digits and a digit or X), or the old 15 digits. */
const idNumberPattern = new RegExp(`${notAfterId}(?:\\d{17}[\\dXx]|\\d{15})(?![\\dXx])`, 'g');
/** +86 numbers, mainland mobiles (with or without 86) and landlines with their area code. */
const phonePattern = new RegExp(
  `\\+86[ -]?\\d{6,13}(?!\\d)|${notAfterId}(?:86)?1[3-9]\\d{9}(?!\\d)|${notAfterId}0\\d{2,3}-?\\d{7,8}(?!\\d)`,
  'g',
);

/**
 * Masks every phone and ID number inside a text: error messages and stacks (PostgreSQL errors
 * carry a statement's parameters), causes, nested fields, the message itself.
 */
export function maskPersonalNumbers(text: string): string {
  return text
    .replace(idNumberPattern, (id) => maskIdNumber(id))
    .replace(phonePattern, (phone) => maskPhone(phone));
}

/**
 * The root logger. Every line is masked as a whole just before it is written (so numbers inside
 * error messages, causes, stacks and nested objects never leave the process); known phone
 * fields are masked first by the formatter, and code still masks explicitly where it logs a number.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          'idNumber',
          '*.idNumber',
          'password',
          '*.password',
          'authToken',
          '*.authToken',
          'req.headers.cookie',
          'req.headers.authorization',
        ],
        censor: '[redacted]',
      },
      hooks: { streamWrite: maskPersonalNumbers },
      formatters: {
        log(object) {
          for (const field of phoneFields) {
            const value = object[field];
            if (typeof value === 'string' && /\d{5,}/.test(value)) object[field] = maskPhone(value);
          }
          return object;
        },
      },
    },
    destination,
  );
}
