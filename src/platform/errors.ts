/** Base of the errors that carry an HTTP status and a message safe to show to the client. */
export class AppError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 400: the request cannot be read (malformed JSON, wrong types). */
export class BadRequestError extends AppError {
  constructor(message: string, details?: unknown) {
    super(message, 400, 'bad_request', details);
  }
}

/** 422: the request is well-formed but a field's value is not acceptable. */
export class ValidationError extends AppError {
  constructor(message: string, details?: unknown) {
    super(message, 422, 'validation_failed', details);
  }
}

/** 401: no valid credentials. */
export class UnauthorizedError extends AppError {
  constructor(message = 'authentication required') {
    super(message, 401, 'unauthorized');
  }
}

/** 403: authenticated, or signed, but not allowed. */
export class ForbiddenError extends AppError {
  constructor(message = 'forbidden') {
    super(message, 403, 'forbidden');
  }
}

/** 404: no such resource. */
export class NotFoundError extends AppError {
  constructor(message: string) {
    super(message, 404, 'not_found');
  }
}

/** 409: the request conflicts with the current state; `code` says which conflict. */
export class ConflictError extends AppError {
  constructor(message: string, code = 'conflict', details?: unknown) {
    super(message, 409, code, details);
  }
}

/** 429: too many attempts. */
export class RateLimitError extends AppError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message, 429, 'rate_limited');
  }
}

/** True for PostgreSQL's unique_violation (23505), whichever driver raised it. */
export function isUniqueViolation(error: unknown): boolean {
  return pgErrorCode(error) === '23505';
}

/** The SQLSTATE of a PostgreSQL error, looking through drizzle's wrapping. */
export function pgErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
