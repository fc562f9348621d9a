import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { z } from 'zod';
import {
  AppError,
  ConflictError,
  isUniqueViolation,
  RateLimitError,
  ValidationError,
} from './errors.js';
import { errorBody } from './error-words.js';
import type { Logger } from './logger.js';

export type { ApiErrorBody } from './error-words.js';

/** Parses `value` with `schema`, or throws a ValidationError that lists each field and its problem. */
export function parseInput<T extends z.ZodType>(
  schema: T,
  value: unknown,
  what = 'request',
): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const fields = result.error.issues.map((issue) => ({
      field: issue.path.join('.') || what,
      reason: issue.message,
    }));
    throw new ValidationError(
      `invalid ${what}: ${fields.map((f) => `${f.field}: ${f.reason}`).join('; ')}`,
      { fields },
    );
  }
  return result.data;
}

const bodyProblems: Record<string, [code: string, message: string]> = {
  'entity.parse.failed': ['bad_request', 'the request body is not valid JSON'],
  'entity.too.large': ['too_large', 'the request body is too large'],
  'parameters.too.many': ['too_large', 'the request body has too many parameters'],
  'charset.unsupported': [
    'unsupported_charset',
    'the request body must be UTF-8 (Content-Type: application/json; charset=utf-8)',
  ],
  'encoding.unsupported': [
    'unsupported_encoding',
    "the request body's Content-Encoding is not supported (use gzip, deflate, br or none)",
  ],
  'request.aborted': ['bad_request', 'the request body was cut off'],
  'request.size.invalid': ['bad_request', 'the request body does not match its Content-Length'],
};

/**
 * A body-parser (http-errors) failure as a 4xx AppError: malformed JSON, an unsupported
 * charset or Content-Encoding, a corrupt gzip body, a body too large; or a path parameter the
 * router could not percent-decode. Undefined for other errors.
 */
export function bodyReadError(error: unknown): AppError | undefined {
  const { status, type } = (error ?? {}) as { status?: unknown; type?: unknown };
  // The router could not percent-decode a path parameter (e.g. %ED%A0%80, which is not UTF-8).
  if (error instanceof URIError && status === 400)
    return new AppError('a path parameter is not valid percent-encoded UTF-8', 400, 'bad_request');
  if (
    typeof status !== 'number' ||
    status < 400 ||
    status >= 500 ||
    !(error instanceof Error) ||
    !('expose' in error)
  )
    return undefined;
  const [code, message] = (typeof type === 'string' ? bodyProblems[type] : undefined) ?? [
    'bad_request',
    'the request body cannot be read (corrupt or not as its headers say)',
  ];
  return new AppError(message, status, code);
}

/** The one JSON error handler: AppErrors and body-parser failures keep their status, unique violations become 409, the rest 500. */
export function jsonErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req: Request, res, _next) => {
    let appError: AppError | undefined = bodyReadError(error);
    if (error instanceof AppError) appError = error;
    else if (isUniqueViolation(error))
      appError = new ConflictError('this already exists', 'duplicate');
    else if (!appError) {
      logger.error({ err: error, method: req.method, path: req.path }, 'request failed');
      if (!res.headersSent)
        res.status(500).json(errorBody(new AppError('internal error', 500, 'internal')));
      return;
    }
    if (appError.status >= 500) logger.error({ err: error, path: req.path }, 'request failed');
    if (appError instanceof RateLimitError)
      res.setHeader('Retry-After', String(appError.retryAfterSeconds));
    if (res.headersSent) return;
    res.status(appError.status).json(errorBody(appError));
  };
}

/** A handler that serves one browser bundle from node_modules (so pages need no CDN and CSP script-src 'self' holds). */
export function sendVendorScript(file: string): RequestHandler {
  return (_req, res) => {
    res.type('application/javascript').sendFile(file, { maxAge: '1d' });
  };
}
