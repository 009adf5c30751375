import { ErrorCode } from './error-code.js';

export interface FieldError {
  field: string;
  message: string;
}

/**
 * The one exception type domain code throws. Services never throw `HttpException`: the code
 * decides the HTTP status in `problem-details.ts`, so the mapping lives in exactly one place.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: {
      errors?: FieldError[];
      /** Extra members for the problem document, e.g. `{ currentStatus }` on a 409. */
      extensions?: Record<string, unknown>;
      /** Seconds, sent as `Retry-After` (429). */
      retryAfterSeconds?: number;
    } = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }

  static validation(field: string, message: string): DomainError {
    return new DomainError(ErrorCode.ValidationFailed, `${field}: ${message}`, {
      errors: [{ field, message }],
    });
  }

  static notFound(entity: string): DomainError {
    return new DomainError(ErrorCode.NotFound, `${entity} not found`);
  }

  static forbidden(message = 'Your role may not do this'): DomainError {
    return new DomainError(ErrorCode.Forbidden, message);
  }
}
