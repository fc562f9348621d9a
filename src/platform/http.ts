import type { ErrorRequestHandler, Request } from 'express';
import { z } from 'zod';
import { AppError, BadRequestError, ConflictError, isUniqueViolation, RateLimitError, ValidationError } from './errors.js';
import type { Logger } from './logger.js';

/** Parses `value` with `schema`, or throws a ValidationError that lists each field and its problem. */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, what = 'request'): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const fields = result.error.issues.map((issue) => ({ field: issue.path.join('.') || what, reason: issue.message }));
    throw new ValidationError(`invalid ${what}: ${fields.map((f) => `${f.field}: ${f.reason}`).join('; ')}`, { fields });
  }
  return result.data;
}

/** The one JSON error handler: AppErrors keep their status, unique violations become 409, the rest 500. */
export function jsonErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req: Request, res, _next) => {
    let appError: AppError;
    if (error instanceof AppError) appError = error;
    else if (isUniqueViolation(error)) appError = new ConflictError('this already exists', 'duplicate');
    else if ((error as { type?: string }).type === 'entity.parse.failed') appError = new BadRequestError('the request body is not valid JSON');
    else if ((error as { type?: string }).type === 'entity.too.large') appError = new AppError('the request body is too large', 413, 'too_large');
    else {
      logger.error({ err: error, method: req.method, path: req.path }, 'request failed');
      if (!res.headersSent) res.status(500).json({ error: { code: 'internal', message: 'internal error' } });
      return;
    }
    if (appError.status >= 500) logger.error({ err: error, path: req.path }, 'request failed');
    if (appError instanceof RateLimitError) res.setHeader('Retry-After', String(appError.retryAfterSeconds));
    if (res.headersSent) return;
    res.status(appError.status).json({
      error: { code: appError.code, message: appError.message, ...(appError.details ? { details: appError.details } : {}) },
    });
  };
}
