import { AppError, ConflictError, ValidationError } from '../platform/errors.js';

/** 422 naming one field and a machine-readable reason, in the same shape as `parseInput`. */
export function invalidField(field: string, reason: string, message: string): ValidationError {
  return new ValidationError(message, { fields: [{ field, reason }] });
}

/** Machine-readable reasons of a 409 from the booking API. */
export type BookingConflict =
  | 'slot_full'
  | 'duplicate_booking'
  | 'hold_expired'
  | 'booking_suspended'
  | 'not_cancellable'
  | 'not_reschedulable'
  | 'not_checkable'
  | 'request_in_progress';

export function conflict(code: BookingConflict, message: string, details?: unknown): ConflictError {
  return new ConflictError(message, code, details);
}

/** 422: the Idempotency-Key was used before with another request body. */
export class IdempotencyKeyReusedError extends AppError {
  constructor() {
    super('this Idempotency-Key was used with another request body', 422, 'idempotency_key_reused');
  }
}

/** The JSON body the error handler gives an AppError (messageZh included); stored to replay an idempotent answer. */
export { errorBody } from '../platform/error-words.js';
