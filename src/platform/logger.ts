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

/**
 * The root logger. Known phone fields are masked by the serializer as a second line of
 * defence; code still masks explicitly where it logs a number.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: ['idNumber', '*.idNumber', 'password', '*.password', 'authToken', '*.authToken', 'req.headers.cookie', 'req.headers.authorization'],
        censor: '[redacted]',
      },
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
